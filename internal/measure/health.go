package measure

import (
	"fmt"
	"time"
)

// Response is one person's answers to one round of a pairing.
type Response struct {
	// Round answered, by key.
	Round string
	// Role of the person who answered.
	Role Role
	// Submitted is when the answers were submitted.
	Submitted time.Time
	// Meetings the person says the pair held in the round's period; nil when not answered.
	Meetings *int
	// Usefulness of the meetings, 1 to 5; nil when not answered.
	Usefulness *int
	// Topics holds the topic ratings by topic.
	Topics map[string]int
	// Answers holds the other answers by question name.
	Answers map[string]int
}

// State is a pairing's health, spelled as the reason of the API's Healthy condition.
type State string

// The states of health.
const (
	OnTrack        State = "OnTrack"
	NeedsAttention State = "NeedsAttention"
	Inactive       State = "Inactive"
	TooEarly       State = "TooEarly"
)

// Cause says why a pairing needs attention.
type Cause string

// The causes, in the order Judge looks for them.
const (
	NoMeetingsReported Cause = "NoMeetingsReported"
	NotOnTrack         Cause = "NotOnTrack"
	LowUsefulness      Cause = "LowUsefulness"
	OneSideSilent      Cause = "OneSideSilent"
)

// Health is what a pairing's answers say.
type Health struct {
	State State
	// Cause is set when State is NeedsAttention.
	Cause Cause
	// Round is the key of the latest round the judgement rests on; empty when TooEarly.
	Round string
	// Message is one sentence for people, without personal data.
	Message string
}

// lowUsefulness is the highest average usefulness that needs attention.
const lowUsefulness = 2

// Judge says what a pairing's answers show at time now. It looks at the rounds that have closed and
// at the open one once somebody answered it:
//   - TooEarly before any of them: no meeting scheduled, or the first round not closed or answered;
//   - Inactive when nobody answered the last two closed rounds (the last one, when only one has
//     closed) nor the open one;
//   - NeedsAttention when nobody reported a meeting in the last two rounds (NoMeetingsReported), the
//     midpoint survey is the latest and somebody said the pairing is not on track (NotOnTrack), the
//     latest round's usefulness averages 2 or less (LowUsefulness), or one person answered the last
//     two closed rounds and the other neither (OneSideSilent);
//   - OnTrack otherwise.
func Judge(rounds []Round, responses []Response, now time.Time) Health {
	byRound := map[string][]Response{}
	for _, r := range responses {
		byRound[r.Round] = append(byRound[r.Round], r)
	}
	var closed, considered []Round
	for _, r := range rounds {
		switch {
		case r.ClosedAt(now):
			closed = append(closed, r)
			considered = append(considered, r)
		case r.OpenAt(now) && len(byRound[r.Key]) > 0:
			considered = append(considered, r)
		}
	}
	if len(considered) == 0 {
		return tooEarly(rounds, now)
	}
	latest := considered[len(considered)-1]
	if len(closed) > 0 && silent(last(closed, 2), byRound) && silent(considered[len(closed):], byRound) {
		return Health{State: Inactive, Round: closed[len(closed)-1].Key,
			Message: "Nobody answered the pairing's recent check-ins."}
	}
	attention := func(c Cause, message string) Health {
		return Health{State: NeedsAttention, Cause: c, Round: latest.Key, Message: message}
	}
	if recent := last(considered, 2); len(recent) == 2 && !silent(recent, byRound) && noMeetings(recent, byRound) {
		return attention(NoMeetingsReported, "No meeting was reported in the last two check-ins.")
	}
	if latest.Kind == Midpoint && saidNo(byRound[latest.Key], QuestionOnTrack) {
		return attention(NotOnTrack, "In the midpoint survey, the pairing was said not to be on track.")
	}
	if sum, n := usefulness(byRound[latest.Key]); n > 0 && sum <= lowUsefulness*n {
		return attention(LowUsefulness, "The meetings were rated of little use in the latest check-in.")
	}
	if recent := last(closed, 2); len(recent) == 2 {
		if role, ok := oneSided(recent, byRound); ok {
			return attention(OneSideSilent, fmt.Sprintf("The %s answered neither of the last two check-ins.", lower(role)))
		}
	}
	return Health{State: OnTrack, Round: latest.Key, Message: "The pair meets and finds it useful."}
}

func tooEarly(rounds []Round, now time.Time) Health {
	if r, ok := OpenRound(rounds, now); ok {
		return Health{State: TooEarly, Message: "The first check-in is open until " + day(r.Closes) + "."}
	}
	if r, ok := NextRound(rounds, now); ok {
		return Health{State: TooEarly, Message: "The first check-in opens on " + day(r.Opens) + "."}
	}
	return Health{State: TooEarly, Message: "No meeting is scheduled yet."}
}

// day writes a time as a date in UTC, such as 2027-02-08.
func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func last(rounds []Round, n int) []Round { return rounds[max(0, len(rounds)-n):] }

// silent is true when nobody answered any of the rounds.
func silent(rounds []Round, byRound map[string][]Response) bool {
	for _, r := range rounds {
		if len(byRound[r.Key]) > 0 {
			return false
		}
	}
	return true
}

// noMeetings is true when no answer in the rounds reports a meeting.
func noMeetings(rounds []Round, byRound map[string][]Response) bool {
	for _, r := range rounds {
		for _, resp := range byRound[r.Key] {
			if resp.Meetings != nil && *resp.Meetings > 0 {
				return false
			}
		}
	}
	return true
}

func saidNo(responses []Response, question string) bool {
	for _, r := range responses {
		if v, ok := r.Answers[question]; ok && v == 0 {
			return true
		}
	}
	return false
}

func usefulness(responses []Response) (sum, n int) {
	for _, r := range responses {
		if r.Usefulness != nil {
			sum, n = sum+*r.Usefulness, n+1
		}
	}
	return sum, n
}

// oneSided returns the role that answered none of the rounds while the other answered at least one.
func oneSided(rounds []Round, byRound map[string][]Response) (Role, bool) {
	answered := map[Role]bool{}
	for _, r := range rounds {
		for _, resp := range byRound[r.Key] {
			answered[resp.Role] = true
		}
	}
	switch {
	case answered[Mentor] && !answered[Mentee]:
		return Mentee, true
	case answered[Mentee] && !answered[Mentor]:
		return Mentor, true
	}
	return "", false
}

func lower(r Role) string {
	if r == Mentor {
		return "mentor"
	}
	return "mentee"
}
