package measure

import (
	"fmt"
	"reflect"
	"testing"
)

// programme is n pairings on the test schedule whose people gave the responses made by answers.
func programme(n int, answers func(i int) []Response) []Pairing {
	rounds := Rounds(defaults, weekly(firstMeeting, 1))
	var out []Pairing
	for i := range n {
		out = append(out, Pairing{Mentor: fmt.Sprintf("mentor-%d", i), Mentee: fmt.Sprintf("mentee-%d", i), Rounds: rounds, Responses: answers(i)})
	}
	return out
}

func TestSummaryOfFivePairings(t *testing.T) {
	pairings := programme(5, func(i int) []Response {
		mentee := answer("checkin-1", Mentee, 4, 5-i/2) // usefulness 5, 5, 4, 4, 3
		mentee.Topics = map[string]int{"ai": 4}
		out := []Response{mentee}
		if i < 4 { // one mentor does not answer
			mentor := answer("checkin-1", Mentor, 3, 4)
			mentor.Topics = map[string]int{"ai": 5}
			out = append(out, mentor)
		}
		return out
	})
	pairings[4].Ended = true
	s := Summarise(defaults, pairings, date(2027, 3, 10))
	if s.Responses != 9 || s.ResponsesDue != 10 || *s.ResponseRatePercent != 90 {
		t.Errorf("responses %d of %d due (%d%%), want 9 of 10 (90%%)", s.Responses, s.ResponsesDue, *s.ResponseRatePercent)
	}
	// The larger report per pair (4) over the 4 meetings scheduled in each of the five periods.
	if *s.MeetingsScheduled != 20 || *s.MeetingsHeld != 20 {
		t.Errorf("meetings %d held of %d scheduled, want 20 of 20", *s.MeetingsHeld, *s.MeetingsScheduled)
	}
	if want := map[Role]string{Mentee: "4.2"}; !reflect.DeepEqual(s.Usefulness, want) {
		t.Errorf("usefulness %v, want %v (four mentors are too few to show)", s.Usefulness, want)
	}
	if want := []TopicFigure{{Topic: "ai", Learned: "4.0"}}; !reflect.DeepEqual(s.Topics, want) {
		t.Errorf("topics %+v, want %+v", s.Topics, want)
	}
	if want := map[State]int{OnTrack: 4}; !reflect.DeepEqual(s.Health, want) {
		t.Errorf("health %v, want the four pairings that have not ended on track", s.Health)
	}
}

func TestSmallGroupsAreLeftOut(t *testing.T) {
	pairings := programme(2, func(int) []Response {
		r := answer("checkin-1", Mentee, 2, 5)
		r.Answers = map[string]int{QuestionRecommend: 5}
		return []Response{r, answer("checkin-1", Mentor, 2, 5)}
	})
	s := Summarise(defaults, pairings, date(2027, 3, 10))
	if s.MeetingsHeld != nil || len(s.Usefulness) != 0 || len(s.Topics) != 0 || len(s.Questions) != 0 {
		t.Fatalf("figures from four people shown: %+v", s)
	}
	if s.ResponseRatePercent == nil || *s.ResponseRatePercent != 100 {
		t.Fatalf("response rate %v, want 100%%: participation is always shown", s.ResponseRatePercent)
	}
}

func TestQuestionFigures(t *testing.T) {
	p := defaults
	p.Questions = []Question{{Name: "energy", Type: Scale}}
	pairings := programme(5, func(i int) []Response {
		return []Response{
			{Round: "midpoint", Role: Mentee, Answers: map[string]int{QuestionOnTrack: min(i, 1), "energy": 3, "unknown": 1}},
			{Round: "midpoint", Role: Mentor, Answers: map[string]int{QuestionOnTrack: 1}},
		}
	})
	s := Summarise(p, pairings, date(2027, 5, 10))
	want := []QuestionFigure{{Question: "energy", Average: "3.0"}, {Question: QuestionOnTrack, YesPercent: ptr(90)}}
	if !reflect.DeepEqual(s.Questions, want) {
		t.Fatalf("questions %+v, want %+v", s.Questions, want)
	}
}

func TestAverageRoundsHalfUp(t *testing.T) {
	cases := map[[2]int]string{{21, 5}: "4.2", {17, 4}: "4.3", {9, 2}: "4.5", {5, 1}: "5.0"}
	for in, want := range cases {
		tl := &tally{sum: in[0], n: in[1], people: map[string]bool{"a": true, "b": true, "c": true, "d": true, "e": true}}
		if got := tl.average(); got != want {
			t.Errorf("average of %d over %d = %s, want %s", in[0], in[1], got, want)
		}
	}
}
