package measure

import (
	"slices"
	"strconv"
	"time"
)

// Unit is what a check-in cadence counts.
type Unit string

// The units, spelled as in the API's CheckInUnit.
const (
	Weeks    Unit = "Weeks"
	Meetings Unit = "Meetings"
)

// Kind is a kind of round, spelled as in the API's RoundKind.
type Kind string

// The kinds of round.
const (
	CheckIn  Kind = "CheckIn"
	Midpoint Kind = "Midpoint"
	End      Kind = "End"
)

// The keys of the surveys; a check-in's key is CheckInKey(n).
const (
	MidpointKey = "midpoint"
	EndKey      = "end"
)

// CheckInKey is the key of the n-th check-in, such as checkin-3.
func CheckInKey(n int) string { return "checkin-" + strconv.Itoa(n) }

// Grace is how long the last round stays open after the programme ends: the end survey closes the
// programme.
const Grace = 14 * 24 * time.Hour

// MaxRounds bounds the rounds of one pairing, as the API bounds a programme's check-ins.
const MaxRounds = 62

// Policy is a programme's measurement settings.
type Policy struct {
	// Every is the number of Units from one check-in to the next; 4 when zero.
	Every int
	// Unit counted: Weeks from the pair's first meeting, or scheduled Meetings; Weeks when empty.
	Unit Unit
	// Midpoint turns the first check-in on or after the programme's midpoint into the midpoint survey.
	Midpoint bool
	// End replaces the check-ins after the pair's last meeting with the end survey.
	End bool
	// Questions are the programme's own.
	Questions []Question
	// Comments is true when the programme forwards free-text comments to its HR system.
	Comments bool
}

// Schedule is what the rounds of one pairing depend on.
type Schedule struct {
	// Start and End of the programme.
	Start, End time.Time
	// Meetings are the starts of the pair's scheduled meetings, in order; none before the series is
	// booked.
	Meetings []time.Time
	// MeetingLength is the length of one meeting.
	MeetingLength time.Duration
	// Ended is when the pairing ended before the programme did; zero otherwise. No round opens after
	// it, and the round open then closes.
	Ended time.Time
}

// Round is one check-in or survey of one pairing.
type Round struct {
	// Key names the round in status: checkin-N, midpoint or end.
	Key string
	// Kind of round.
	Kind Kind
	// Since is the start of the period the round asks about: the previous round's opening, or the
	// first meeting.
	Since time.Time
	// Opens and Closes bound the time in which people answer; a round closes when the next opens.
	Opens, Closes time.Time
	// Scheduled is the number of the pair's meetings that started in [Since, Opens).
	Scheduled int
}

// OpenAt is true when people can answer the round at time now.
func (r Round) OpenAt(now time.Time) bool { return !now.Before(r.Opens) && now.Before(r.Closes) }

// ClosedAt is true once the round has closed.
func (r Round) ClosedAt(now time.Time) bool { return !now.Before(r.Closes) }

// Rounds are the pairing's rounds, in order. Check-ins open every Every weeks from the first meeting,
// or at the end of every Every-th meeting. The midpoint survey takes the place of the first check-in
// that opens on or after the programme's midpoint (or opens at the midpoint when no check-in does);
// the end survey opens at the end of the last meeting and replaces every check-in from a day before. Each
// round closes when the next opens; the last one Grace after the programme ends. A pairing without
// meetings has no rounds.
func Rounds(p Policy, s Schedule) []Round {
	if len(s.Meetings) == 0 || !s.End.After(s.Start) {
		return nil
	}
	lastEnd := s.Meetings[len(s.Meetings)-1].Add(s.MeetingLength)
	horizon := s.End
	if p.End {
		horizon = lastEnd
	}
	var rounds []Round
	for n, at := range checkInTimes(p, s, horizon) {
		rounds = append(rounds, Round{Key: CheckInKey(n + 1), Kind: CheckIn, Opens: at})
	}
	if p.Midpoint {
		rounds = withMidpoint(rounds, s.Start.Add(s.End.Sub(s.Start)/2), horizon)
	}
	if p.End {
		rounds = append(rounds, Round{Key: EndKey, Kind: End, Opens: lastEnd})
	}
	return finish(rounds, s)
}

// checkInTimes are the openings of the check-ins at least a day before horizon, so that no check-in
// opens on the end survey's day.
func checkInTimes(p Policy, s Schedule, horizon time.Time) []time.Time {
	every := p.Every
	if every <= 0 {
		every = 4
	}
	var out []time.Time
	for k := 1; len(out) < MaxRounds; k++ {
		var at time.Time
		if p.Unit == Meetings {
			i := k*every - 1
			if i >= len(s.Meetings) {
				break
			}
			at = s.Meetings[i].Add(s.MeetingLength)
		} else {
			at = s.Meetings[0].Add(time.Duration(k*every) * 7 * 24 * time.Hour)
		}
		if at.After(horizon.Add(-24 * time.Hour)) {
			break
		}
		out = append(out, at)
	}
	return out
}

// withMidpoint makes the first check-in at or after the midpoint the midpoint survey, or adds one at
// the midpoint when no check-in opens between it and the horizon.
func withMidpoint(rounds []Round, midpoint, horizon time.Time) []Round {
	for i := range rounds {
		if !rounds[i].Opens.Before(midpoint) {
			rounds[i].Key, rounds[i].Kind = MidpointKey, Midpoint
			return rounds
		}
	}
	if !midpoint.Before(horizon) {
		return rounds
	}
	return append(rounds, Round{Key: MidpointKey, Kind: Midpoint, Opens: midpoint})
}

// finish fills in each round's period, closing time and scheduled meetings, and drops the rounds that
// open after the pairing ended.
func finish(rounds []Round, s Schedule) []Round {
	rounds = rounds[:min(len(rounds), MaxRounds)]
	if !s.Ended.IsZero() {
		rounds = slices.DeleteFunc(rounds, func(r Round) bool { return !r.Opens.Before(s.Ended) })
	}
	since := s.Meetings[0]
	for i := range rounds {
		r := &rounds[i]
		r.Since = since
		r.Closes = s.End.Add(Grace)
		if i+1 < len(rounds) {
			r.Closes = rounds[i+1].Opens
		}
		if !s.Ended.IsZero() && s.Ended.Before(r.Closes) {
			r.Closes = s.Ended
		}
		for _, m := range s.Meetings {
			if !m.Before(r.Since) && m.Before(r.Opens) {
				r.Scheduled++
			}
		}
		since = r.Opens
	}
	return rounds
}

// OpenRound is the round open at time now, and false when none is.
func OpenRound(rounds []Round, now time.Time) (Round, bool) {
	for _, r := range rounds {
		if r.OpenAt(now) {
			return r, true
		}
	}
	return Round{}, false
}

// NextRound is the first round that opens after now, and false when none is left.
func NextRound(rounds []Round, now time.Time) (Round, bool) {
	for _, r := range rounds {
		if r.Opens.After(now) {
			return r, true
		}
	}
	return Round{}, false
}
