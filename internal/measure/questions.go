package measure

import "slices"

// Role is who answers, spelled as in the API's Role.
type Role string

// The roles.
const (
	Mentor Role = "Mentor"
	Mentee Role = "Mentee"
)

// Type is how a question is answered.
type Type string

// The types of answer. Scale and YesNo are spelled as in the API's QuestionType.
const (
	// Scale is answered from 1 to 5.
	Scale Type = "Scale"
	// YesNo is answered 1 for yes, 0 for no.
	YesNo Type = "YesNo"
	// Count is a number of meetings, from 0 to MaxMeetings.
	Count Type = "Count"
)

// MaxMeetings is the most meetings one answer can report, as the API bounds it.
const MaxMeetings = 31

// The names of the default questions. Topic ratings are named by their topic.
const (
	QuestionMeetings   = "meetings"
	QuestionUsefulness = "usefulness"
	QuestionOnTrack    = "on-track"
	QuestionChanged    = "changed"
	QuestionRecommend  = "recommend"
)

// Question is a question of the programme's own.
type Question struct {
	// Name identifies the answers.
	Name string
	// Text people read.
	Text string
	// Type of answer: Scale or YesNo.
	Type Type
	// In lists the kinds of round that ask it; all when empty.
	In []Kind
}

// Item is one question as a person is asked it in one round.
type Item struct {
	// Name of the answer: a default question's, a custom question's, or the topic's for a topic
	// rating.
	Name string
	// Topic is true for a topic rating.
	Topic bool
	// Text people read.
	Text string
	// Type of answer.
	Type Type
}

// Valid is true when v is an answer to the item.
func (it Item) Valid(v int) bool {
	switch it.Type {
	case Scale:
		return v >= 1 && v <= 5
	case YesNo:
		return v == 0 || v == 1
	case Count:
		return v >= 0 && v <= MaxMeetings
	}
	return false
}

// Ask lists what a round of the given kind asks a person in the given role of a pairing on the given
// topics: the meetings held, their usefulness, one rating per topic (how much the mentee learned, or
// the mentor taught), the survey's own questions, then the programme's questions for that kind of
// round. Every answer is optional.
func Ask(p Policy, kind Kind, role Role, topics []string) []Item {
	items := []Item{
		{Name: QuestionMeetings, Text: "How many times did you meet since the last check-in?", Type: Count},
		{Name: QuestionUsefulness, Text: "How useful were your meetings?", Type: Scale},
	}
	for _, t := range topics {
		text := "How much did you learn about " + t + "?"
		if role == Mentor {
			text = "How much did you teach about " + t + "?"
		}
		items = append(items, Item{Name: t, Topic: true, Text: text, Type: Scale})
	}
	switch kind {
	case Midpoint:
		items = append(items, Item{Name: QuestionOnTrack, Text: "Is your pairing on track to reach its goals?", Type: YesNo})
	case End:
		items = append(items,
			Item{Name: QuestionChanged, Text: "Has the programme changed how you work?", Type: YesNo},
			Item{Name: QuestionRecommend, Text: "Would you recommend the programme to a colleague?", Type: Scale})
	}
	for _, q := range p.Questions {
		if len(q.In) == 0 || slices.Contains(q.In, kind) {
			items = append(items, Item{Name: q.Name, Text: q.Text, Type: q.Type})
		}
	}
	return items
}

// answerType is the type of a named answer in the programme: the surveys' or its own question's.
func (p Policy) answerType(name string) (Type, bool) {
	switch name {
	case QuestionOnTrack, QuestionChanged:
		return YesNo, true
	case QuestionRecommend:
		return Scale, true
	}
	for _, q := range p.Questions {
		if q.Name == name {
			return q.Type, true
		}
	}
	return "", false
}
