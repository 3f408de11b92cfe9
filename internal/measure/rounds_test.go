package measure

import (
	"testing"
	"time"
)

func keys(rounds []Round) []string {
	var out []string
	for _, r := range rounds {
		out = append(out, r.Key)
	}
	return out
}

func TestRoundsEveryFourWeeksWithSurveys(t *testing.T) {
	rounds := Rounds(defaults, weekly(firstMeeting, 1))
	// Check-ins every 28 days from the first meeting; the midpoint (2027-04-06) falls on check-in 3's
	// day (2027-04-06 10:00 is after midnight), which becomes the survey; the end survey opens after
	// the last meeting (Tuesday 2027-06-29).
	want := []string{"checkin-1", "checkin-2", "midpoint", "checkin-4", "checkin-5", "end"}
	if got := keys(rounds); !equal(got, want) {
		t.Fatalf("rounds %v, want %v", got, want)
	}
	if got := rounds[0].Opens; !got.Equal(firstMeeting.AddDate(0, 0, 28)) {
		t.Errorf("first check-in opens %v, want four weeks after the first meeting", got)
	}
	for i := 0; i+1 < len(rounds); i++ {
		if !rounds[i].Closes.Equal(rounds[i+1].Opens) || !rounds[i+1].Since.Equal(rounds[i].Opens) {
			t.Errorf("%s closes %v and %s asks since %v; want both at %v", rounds[i].Key, rounds[i].Closes,
				rounds[i+1].Key, rounds[i+1].Since, rounds[i+1].Opens)
		}
	}
	if rounds[0].Scheduled != 4 || rounds[1].Scheduled != 4 {
		t.Errorf("scheduled %d and %d meetings in the first two periods, want 4 each", rounds[0].Scheduled, rounds[1].Scheduled)
	}
	last := rounds[len(rounds)-1]
	if want := time.Date(2027, 6, 29, 10, 45, 0, 0, time.UTC); last.Kind != End || !last.Opens.Equal(want) || !last.Closes.Equal(end.Add(Grace)) {
		t.Errorf("end survey %+v, want it open from %v to %v", last, want, end.Add(Grace))
	}
}

func TestRoundsCountedInMeetings(t *testing.T) {
	p := Policy{Every: 3, Unit: Meetings}
	rounds := Rounds(p, weekly(firstMeeting, 2))
	// 13 biweekly meetings; a check-in at the end of the 3rd, 6th, 9th and 12th.
	if len(rounds) != 4 {
		t.Fatalf("%d rounds %v, want 4", len(rounds), keys(rounds))
	}
	if want := firstMeeting.AddDate(0, 0, 2*7*2).Add(45 * time.Minute); !rounds[0].Opens.Equal(want) {
		t.Errorf("first check-in opens %v, want at the end of the third meeting %v", rounds[0].Opens, want)
	}
	for _, r := range rounds {
		if r.Kind != CheckIn || r.Scheduled != 3 {
			t.Errorf("%s: kind %s with %d meetings scheduled, want a check-in after 3", r.Key, r.Kind, r.Scheduled)
		}
	}
}

func TestMidpointStandsAloneWhenNoCheckInFollowsIt(t *testing.T) {
	p := Policy{Every: 52, Unit: Weeks, Midpoint: true, End: true}
	rounds := Rounds(p, weekly(firstMeeting, 1))
	if got, want := keys(rounds), []string{"midpoint", "end"}; !equal(got, want) {
		t.Fatalf("rounds %v, want %v", got, want)
	}
	if want := start.Add(end.Sub(start) / 2); !rounds[0].Opens.Equal(want) {
		t.Errorf("midpoint opens %v, want the programme's midpoint %v", rounds[0].Opens, want)
	}
}

func TestNoRoundsWithoutMeetings(t *testing.T) {
	if rounds := Rounds(defaults, Schedule{Start: start, End: end}); rounds != nil {
		t.Fatalf("rounds %v for a pair without meetings", keys(rounds))
	}
}

func TestAPairingThatEndsEarlyClosesItsRound(t *testing.T) {
	s := weekly(firstMeeting, 1)
	s.Ended = date(2027, 3, 20)
	rounds := Rounds(defaults, s)
	if got, want := keys(rounds), []string{"checkin-1", "checkin-2"}; !equal(got, want) {
		t.Fatalf("rounds %v, want %v", got, want)
	}
	if !rounds[1].Closes.Equal(s.Ended) {
		t.Errorf("the round open at the end closes %v, want %v", rounds[1].Closes, s.Ended)
	}
}

func TestRoundsAreBounded(t *testing.T) {
	s := weekly(firstMeeting, 1)
	s.End = date(2031, 12, 31)
	for at := s.Meetings[len(s.Meetings)-1]; at.Before(s.End); at = at.AddDate(0, 0, 7) {
		s.Meetings = append(s.Meetings, at)
	}
	if n := len(Rounds(Policy{Every: 1, Unit: Meetings}, s)); n > MaxRounds {
		t.Fatalf("%d rounds, want at most %d", n, MaxRounds)
	}
}

func TestOpenAndNextRound(t *testing.T) {
	rounds := Rounds(defaults, weekly(firstMeeting, 1))
	if _, ok := OpenRound(rounds, firstMeeting); ok {
		t.Error("a round is open at the first meeting")
	}
	if r, ok := NextRound(rounds, firstMeeting); !ok || r.Key != "checkin-1" {
		t.Errorf("next round %v %v, want checkin-1", r.Key, ok)
	}
	if r, ok := OpenRound(rounds, date(2027, 2, 10)); !ok || r.Key != "checkin-1" {
		t.Errorf("open round on 2027-02-10 %q %v, want checkin-1", r.Key, ok)
	}
	if r, ok := OpenRound(rounds, date(2027, 7, 10)); !ok || r.Key != EndKey {
		t.Errorf("open round after the end %q %v, want the end survey", r.Key, ok)
	}
	if _, ok := OpenRound(rounds, end.Add(Grace)); ok {
		t.Error("a round is open once the end survey closed")
	}
}

func TestAskByRoleAndKind(t *testing.T) {
	p := Policy{Questions: []Question{
		{Name: "tools", Text: "Did you adopt a tool?", Type: YesNo, In: []Kind{End}},
		{Name: "energy", Text: "How energised are you?", Type: Scale},
	}}
	names := func(items []Item) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.Name)
		}
		return out
	}
	if got, want := names(Ask(p, CheckIn, Mentee, []string{"ai"})), []string{"meetings", "usefulness", "ai", "energy"}; !equal(got, want) {
		t.Errorf("check-in asks %v, want %v", got, want)
	}
	if got, want := names(Ask(p, End, Mentor, nil)), []string{"meetings", "usefulness", "changed", "recommend", "tools", "energy"}; !equal(got, want) {
		t.Errorf("end survey asks %v, want %v", got, want)
	}
	if got := Ask(p, Midpoint, Mentor, []string{"ai"}); got[2].Text != "How much did you teach about ai?" || got[3].Name != QuestionOnTrack {
		t.Errorf("midpoint asks a mentor %+v", got)
	}
	for _, c := range []struct {
		typ Type
		v   int
		ok  bool
	}{{Scale, 0, false}, {Scale, 5, true}, {YesNo, 2, false}, {YesNo, 0, true}, {Count, 31, true}, {Count, -1, false}} {
		if got := (Item{Type: c.typ}).Valid(c.v); got != c.ok {
			t.Errorf("%s answer %d valid %v, want %v", c.typ, c.v, got, c.ok)
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
