package measure

import (
	"strings"
	"testing"
	"time"
)

// TestHealthOverTime follows pairs through the programme with an injected clock and checks the
// issue's rules: TooEarly before the first meeting, Inactive when nobody answers, NeedsAttention after
// two periods without a reported meeting.
func TestHealthOverTime(t *testing.T) {
	rounds := Rounds(defaults, weekly(firstMeeting, 1))
	// checkin-1 is open from 2027-02-09 to 2027-03-09, checkin-2 until 2027-04-06, the midpoint
	// survey until 2027-05-04.
	onTrackNoMeeting := Response{Round: "midpoint", Role: Mentee, Meetings: ptr(1), Usefulness: ptr(4), Answers: map[string]int{QuestionOnTrack: 0}}
	cases := []struct {
		name      string
		now       time.Time
		responses []Response
		state     State
		cause     Cause
		message   string
	}{
		{"before the first meeting", date(2027, 1, 5), nil, TooEarly, "", "opens on 2027-02-09"},
		{"first check-in open, unanswered", date(2027, 2, 20), nil, TooEarly, "", "open until 2027-03-09"},
		{"first check-in closed, nobody answered", date(2027, 3, 10), nil, Inactive, "", "Nobody answered"},
		{"first check-in answered by both", date(2027, 3, 10),
			[]Response{answer("checkin-1", Mentor, 3, 4), answer("checkin-1", Mentee, 4, 5)}, OnTrack, "", ""},
		{"first check-in answered while open", date(2027, 2, 20),
			[]Response{answer("checkin-1", Mentee, 2, 4)}, OnTrack, "", ""},
		{"no meeting reported for two periods", date(2027, 4, 7),
			[]Response{answer("checkin-1", Mentor, 0, 3), answer("checkin-2", Mentee, 0, 3)}, NeedsAttention, NoMeetingsReported, "No meeting"},
		{"no meeting in one period, then meetings", date(2027, 4, 7),
			[]Response{answer("checkin-1", Mentor, 0, 3), answer("checkin-2", Mentee, 2, 4), answer("checkin-2", Mentor, 2, 4)}, OnTrack, "", ""},
		{"said off track at the midpoint", date(2027, 4, 10),
			[]Response{answer("checkin-1", Mentor, 3, 4), answer("checkin-2", Mentor, 3, 4), answer("checkin-2", Mentee, 3, 4), onTrackNoMeeting},
			NeedsAttention, NotOnTrack, "not to be on track"},
		{"meetings of little use", date(2027, 3, 10),
			[]Response{answer("checkin-1", Mentor, 3, 2), answer("checkin-1", Mentee, 3, 1)}, NeedsAttention, LowUsefulness, "little use"},
		{"the mentee silent for two check-ins", date(2027, 4, 7),
			[]Response{answer("checkin-1", Mentor, 3, 4), answer("checkin-2", Mentor, 2, 4)}, NeedsAttention, OneSideSilent, "The mentee answered neither"},
		{"silent after a good start", date(2027, 5, 5),
			[]Response{answer("checkin-1", Mentor, 3, 4), answer("checkin-1", Mentee, 3, 4)}, Inactive, "", ""},
		{"an answer to the open round is a sign of life", date(2027, 4, 10),
			[]Response{answer("midpoint", Mentee, 1, 4)}, OnTrack, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := Judge(rounds, c.responses, c.now)
			if h.State != c.state || h.Cause != c.cause || !strings.Contains(h.Message, c.message) {
				t.Fatalf("health %+v, want %s %s with a message containing %q", h, c.state, c.cause, c.message)
			}
		})
	}
}

func TestHealthWithoutSchedule(t *testing.T) {
	if h := Judge(nil, nil, date(2027, 3, 1)); h.State != TooEarly || h.Message != "No meeting is scheduled yet." {
		t.Fatalf("health %+v without rounds", h)
	}
}
