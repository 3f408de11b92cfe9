package measure

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// MinGroup is the fewest people a figure drawn from answers may come from: below it the figure is left
// out, so that nobody's answers can be singled out.
const MinGroup = 5

// Pairing is one pairing's rounds and answers, as Summarise reads them.
type Pairing struct {
	// Mentor and Mentee identify the two people, to count how many contributed to a figure.
	Mentor, Mentee string
	// Rounds of the pairing, from Rounds.
	Rounds []Round
	// Responses given.
	Responses []Response
	// Ended is true once the pairing ended; its answers count, its health does not.
	Ended bool
}

// Summary is what a programme's answers add up to at one time. A figure drawn from answers is nil or
// empty while fewer than MinGroup people contributed to it.
type Summary struct {
	// Responses given in all rounds, and ResponsesDue in the rounds that have closed (two per pairing
	// and round).
	Responses, ResponsesDue int
	// ResponseRatePercent is the share of the due responses given; nil while none was due.
	ResponseRatePercent *int
	// MeetingsScheduled and MeetingsHeld in the periods somebody reported on; held is the larger of
	// the two people's numbers.
	MeetingsScheduled, MeetingsHeld *int
	// Usefulness is the average usefulness per role, such as "4.2".
	Usefulness map[Role]string
	// Topics is the learning per topic, sorted by topic.
	Topics []TopicFigure
	// Questions is the outcome of each named question, sorted by name.
	Questions []QuestionFigure
	// Health counts the pairings that have not ended by state.
	Health map[State]int
}

// TopicFigure is how much was learned (by mentees) and taught (by mentors) on a topic.
type TopicFigure struct {
	Topic           string
	Learned, Taught string
}

// QuestionFigure is the outcome of one named question: an Average for a Scale question, a YesPercent
// for a YesNo one.
type QuestionFigure struct {
	Question   string
	Average    string
	YesPercent *int
}

// tally sums ratings and counts the people who gave them.
type tally struct {
	sum, n int
	people map[string]bool
}

func (t *tally) add(person string, v int) {
	if t.people == nil {
		t.people = map[string]bool{}
	}
	t.sum, t.n = t.sum+v, t.n+1
	t.people[person] = true
}

// enough is true when at least MinGroup people contributed.
func (t *tally) enough() bool { return t != nil && len(t.people) >= MinGroup }

// average is the mean rating with one decimal, rounded half up, such as "4.2"; empty when too few
// people contributed.
func (t *tally) average() string {
	if !t.enough() {
		return ""
	}
	tenths := (t.sum*20 + t.n) / (2 * t.n)
	return fmt.Sprintf("%d.%d", tenths/10, tenths%10)
}

// percent is the share of ones among the answers (yes, for YesNo); nil when too few people
// contributed.
func (t *tally) percent() *int {
	if !t.enough() {
		return nil
	}
	p := percentOf(t.sum, t.n)
	return &p
}

func percentOf(part, whole int) int { return (part*200 + whole) / (2 * whole) }

// Summarise adds up the answers of a programme's pairings at time now, under the programme's policy.
func Summarise(p Policy, pairings []Pairing, now time.Time) Summary {
	s := Summary{Usefulness: map[Role]string{}, Health: map[State]int{}}
	var meetingsScheduled, meetingsHeld int
	meetings := &tally{}
	usefulness := map[Role]*tally{Mentor: {}, Mentee: {}}
	topics := map[string]map[Role]*tally{}
	questions := map[string]*tally{}
	for _, pairing := range pairings {
		person := map[Role]string{Mentor: pairing.Mentor, Mentee: pairing.Mentee}
		byRound := map[string][]Response{}
		for _, r := range pairing.Responses {
			byRound[r.Round] = append(byRound[r.Round], r)
		}
		for _, round := range pairing.Rounds {
			answers := byRound[round.Key]
			s.Responses += len(answers)
			if round.ClosedAt(now) {
				s.ResponsesDue += 2
			}
			held, reported := 0, false
			for _, r := range answers {
				who := person[r.Role]
				if r.Meetings != nil {
					held, reported = max(held, *r.Meetings), true
					meetings.add(who, *r.Meetings)
				}
				if r.Usefulness != nil {
					usefulness[r.Role].add(who, *r.Usefulness)
				}
				for topic, v := range r.Topics {
					if topics[topic] == nil {
						topics[topic] = map[Role]*tally{Mentor: {}, Mentee: {}}
					}
					topics[topic][r.Role].add(who, v)
				}
				for name, v := range r.Answers {
					if _, ok := p.answerType(name); !ok {
						continue
					}
					if questions[name] == nil {
						questions[name] = &tally{}
					}
					questions[name].add(who, v)
				}
			}
			if reported {
				meetingsScheduled, meetingsHeld = meetingsScheduled+round.Scheduled, meetingsHeld+held
			}
		}
		if !pairing.Ended {
			s.Health[Judge(pairing.Rounds, pairing.Responses, now).State]++
		}
	}
	if s.ResponsesDue > 0 {
		rate := percentOf(min(answeredDue(pairings, now), s.ResponsesDue), s.ResponsesDue)
		s.ResponseRatePercent = &rate
	}
	if meetings.enough() {
		s.MeetingsScheduled, s.MeetingsHeld = &meetingsScheduled, &meetingsHeld
	}
	for role, t := range usefulness {
		if a := t.average(); a != "" {
			s.Usefulness[role] = a
		}
	}
	for _, topic := range slices.Sorted(maps.Keys(topics)) {
		f := TopicFigure{Topic: topic, Learned: topics[topic][Mentee].average(), Taught: topics[topic][Mentor].average()}
		if f.Learned != "" || f.Taught != "" {
			s.Topics = append(s.Topics, f)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(questions)) {
		t := questions[name]
		f := QuestionFigure{Question: name}
		if typ, _ := p.answerType(name); typ == YesNo {
			f.YesPercent = t.percent()
		} else {
			f.Average = t.average()
		}
		if f.Average != "" || f.YesPercent != nil {
			s.Questions = append(s.Questions, f)
		}
	}
	return s
}

// answeredDue counts the responses to rounds that have closed.
func answeredDue(pairings []Pairing, now time.Time) int {
	n := 0
	for _, pairing := range pairings {
		closed := map[string]bool{}
		for _, r := range pairing.Rounds {
			closed[r.Key] = r.ClosedAt(now)
		}
		for _, r := range pairing.Responses {
			if closed[r.Round] {
				n++
			}
		}
	}
	return n
}
