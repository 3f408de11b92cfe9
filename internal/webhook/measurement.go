package webhook

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/measure"
)

// The events of a programme's check-ins and surveys, named as every event is (see NewEvent) with the
// round as part of the discriminator:
//   - checkin.due: the round's key;
//   - pairing.needs_attention: the health, its cause and the round it rests on;
//   - feedback.submitted: the round's key and each response's submission time.

// IsChat is true for the formats that post to a shared channel.
func (f Format) IsChat() bool { return f == Slack || f == Teams }

// EventsFor is what a webhook of format f receives when configured with events: those, or all of
// them when none are listed, but never feedback.submitted in a chat channel, as it carries individual
// answers.
func EventsFor(f Format, events []EventType) []EventType {
	if len(events) == 0 {
		events = eventOrder
	}
	if !f.IsChat() {
		return slices.Clone(events)
	}
	return slices.DeleteFunc(slices.Clone(events), func(e EventType) bool { return e == FeedbackSubmitted })
}

// CheckInData is the payload of checkin.due: a pairing's round has opened. It never carries a
// personal link: each person gets theirs privately.
type CheckInData struct {
	// Programme, Pairing, Mentor and Mentee name the pairing and its people by their object names.
	Programme string `json:"programme"`
	Pairing   string `json:"pairing"`
	Mentor    string `json:"mentor"`
	Mentee    string `json:"mentee"`
	// Round is the round's key, such as checkin-3, midpoint or end.
	Round string `json:"round"`
	// Kind of round: CheckIn, Midpoint or End.
	Kind string `json:"kind"`
	// Opens and Closes bound the time in which the round is answered.
	Opens  time.Time `json:"opens"`
	Closes time.Time `json:"closes"`
}

// AttentionData is the payload of pairing.needs_attention.
type AttentionData struct {
	Programme string `json:"programme"`
	Pairing   string `json:"pairing"`
	Mentor    string `json:"mentor"`
	Mentee    string `json:"mentee"`
	// Health is NeedsAttention or Inactive.
	Health string `json:"health"`
	// Cause of NeedsAttention, such as NoMeetingsReported.
	Cause string `json:"cause,omitempty"`
	// Round is the latest round the judgement rests on.
	Round string `json:"round"`
	// Message says what the check-ins show, without personal data.
	Message string `json:"message"`
}

// FeedbackData is the payload of feedback.submitted: a pairing's answers to one round.
type FeedbackData struct {
	Programme string `json:"programme"`
	Pairing   string `json:"pairing"`
	Mentor    string `json:"mentor"`
	Mentee    string `json:"mentee"`
	Round     string `json:"round"`
	// Responses given so far, the mentor's first.
	Responses []Feedback `json:"responses"`
}

// Feedback is one person's answers.
type Feedback struct {
	// Role of the person: Mentor or Mentee.
	Role string `json:"role"`
	// Participant is the person's Participant name.
	Participant string    `json:"participant"`
	Submitted   time.Time `json:"submitted"`
	Meetings    *int      `json:"meetings,omitempty"`
	Usefulness  *int      `json:"usefulness,omitempty"`
	// Topics rates, per topic, how much the mentee learned or the mentor taught, 1 to 5.
	Topics map[string]int `json:"topics,omitempty"`
	// Answers to the survey's and the programme's own questions: 1 to 5, or 1 for yes and 0 for no.
	Answers map[string]int `json:"answers,omitempty"`
	// Comment is the person's free text, only in the event sent at submission to the programme's
	// comments webhook; it is stored nowhere in the cluster.
	Comment string `json:"comment,omitempty"`
}

// FeedbackEvent is the feedback.submitted event of a pairing's round; obj is the Pairing and data its
// names. The id changes with every submission, so a receiver sees each new version of the round; the
// event sent with a comment at submission and the one derived later from status share it.
func FeedbackEvent(obj Object, data FeedbackData, responses []measure.Response) Event {
	participant := map[measure.Role]string{measure.Mentor: data.Mentor, measure.Mentee: data.Mentee}
	discriminator := data.Round
	var at time.Time
	for _, role := range []measure.Role{measure.Mentor, measure.Mentee} {
		for _, r := range responses {
			if r.Role != role || r.Round != data.Round {
				continue
			}
			data.Responses = append(data.Responses, Feedback{Role: string(r.Role), Participant: participant[r.Role],
				Submitted: r.Submitted.UTC(), Meetings: r.Meetings, Usefulness: r.Usefulness, Topics: r.Topics, Answers: r.Answers})
			discriminator += "/" + string(role) + "@" + r.Submitted.UTC().Format(time.RFC3339)
			at = later(at, r.Submitted)
		}
	}
	return NewEvent(obj, FeedbackSubmitted, discriminator, at, data)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// ProgrammeOutcome is what a programme's check-ins and surveys add up to, as measure.Summarise leaves it:
// figures from fewer than five people are absent.
type ProgrammeOutcome struct {
	Responses           int               `json:"responses"`
	ResponsesDue        int               `json:"responsesDue"`
	ResponseRatePercent *int              `json:"responseRatePercent,omitempty"`
	MeetingsScheduled   *int              `json:"meetingsScheduled,omitempty"`
	MeetingsHeld        *int              `json:"meetingsHeld,omitempty"`
	UsefulnessMentors   string            `json:"usefulnessMentors,omitempty"`
	UsefulnessMentees   string            `json:"usefulnessMentees,omitempty"`
	Topics              []TopicOutcome    `json:"topics,omitempty"`
	Questions           []QuestionOutcome `json:"questions,omitempty"`
}

// TopicOutcome is the average learned (by mentees) and taught (by mentors) on a topic.
type TopicOutcome struct {
	Topic   string `json:"topic"`
	Learned string `json:"learned,omitempty"`
	Taught  string `json:"taught,omitempty"`
}

// QuestionOutcome is the average answer to a Scale question or the share of yes to a YesNo one.
type QuestionOutcome struct {
	Question   string `json:"question"`
	Average    string `json:"average,omitempty"`
	YesPercent *int   `json:"yesPercent,omitempty"`
}

// OutcomeOf is a programme's summary as programme.completed carries it.
func OutcomeOf(s measure.Summary) *ProgrammeOutcome {
	o := &ProgrammeOutcome{Responses: s.Responses, ResponsesDue: s.ResponsesDue, ResponseRatePercent: s.ResponseRatePercent,
		MeetingsScheduled: s.MeetingsScheduled, MeetingsHeld: s.MeetingsHeld,
		UsefulnessMentors: s.Usefulness[measure.Mentor], UsefulnessMentees: s.Usefulness[measure.Mentee]}
	for _, t := range s.Topics {
		o.Topics = append(o.Topics, TopicOutcome(t))
	}
	for _, q := range s.Questions {
		o.Questions = append(o.Questions, QuestionOutcome(q))
	}
	return o
}

func (d CheckInData) summary(EventType) string {
	return fmt.Sprintf("Pairing %s: %s is open until %s.", d.Pairing, roundName(d.Round), meetingTime(d.Closes))
}

func (d CheckInData) facts() []fact {
	return []fact{{"Programme", d.Programme}, {"Pairing", d.Pairing}, {"Mentor", d.Mentor}, {"Mentee", d.Mentee},
		{"Round", roundName(d.Round)}, {"Open until", meetingTime(d.Closes)}}
}

func (d AttentionData) summary(EventType) string {
	return fmt.Sprintf("Pairing %s needs attention: %s", d.Pairing, d.Message)
}

func (d AttentionData) facts() []fact {
	fs := []fact{{"Programme", d.Programme}, {"Pairing", d.Pairing}, {"Mentor", d.Mentor}, {"Mentee", d.Mentee}, {"Health", d.Health}}
	if d.Cause != "" {
		fs = append(fs, fact{"Cause", d.Cause})
	}
	return append(fs, fact{"Round", roundName(d.Round)})
}

func (d FeedbackData) summary(EventType) string {
	return fmt.Sprintf("Pairing %s: %d answers to %s.", d.Pairing, len(d.Responses), roundName(d.Round))
}

func (d FeedbackData) facts() []fact {
	fs := []fact{{"Programme", d.Programme}, {"Pairing", d.Pairing}, {"Round", roundName(d.Round)}}
	for _, r := range d.Responses {
		fs = append(fs, fact{r.Role + " answered", meetingTime(r.Submitted)})
	}
	return fs
}

// roundName is a round's key for people: "check-in 3", "the midpoint survey" or "the end survey".
func roundName(key string) string {
	switch key {
	case measure.MidpointKey:
		return "the midpoint survey"
	case measure.EndKey:
		return "the end survey"
	}
	if n, ok := strings.CutPrefix(key, "checkin-"); ok {
		if _, err := strconv.Atoi(n); err == nil {
			return "check-in " + n
		}
	}
	return key
}
