package calendar

import (
	"errors"
	"fmt"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/weekly"
)

// Cadence is how often a pair meets; the names are the API's.
type Cadence string

const (
	// Weekly is one meeting every week.
	Weekly Cadence = "Weekly"
	// Biweekly is one meeting every second week.
	Biweekly Cadence = "Biweekly"
	// Monthly is one meeting every fourth week, so that the meeting keeps its weekday.
	Monthly Cadence = "Monthly"
)

// Weeks is the number of weeks from one meeting to the next, or 0 for an unknown cadence.
func (c Cadence) Weeks() int {
	switch c {
	case Weekly:
		return 1
	case Biweekly:
		return 2
	case Monthly:
		return 4
	}
	return 0
}

var (
	// ErrNoCommonSlot means no weekly slot lies inside both people's availability for every meeting
	// between the programme's start and end.
	ErrNoCommonSlot = errors.New("no weekly slot fits both people for the whole programme")
	// ErrInvalidRequest means the request cannot be scheduled as given; the message says why.
	ErrInvalidRequest = errors.New("invalid schedule request")
)

// Person is one side of a pair: the slots of their own local week in which they can meet, and their
// time zone.
type Person struct {
	Available weekly.Set
	Zone      *time.Location
}

// Request is what a pair's schedule is chosen from.
type Request struct {
	// Anchor is the person whose zone the series is anchored in: the mentor.
	Anchor Person
	// Other is the second person: the mentee.
	Other Person
	// Cadence is how often the pair meets.
	Cadence Cadence
	// DurationMinutes is the length of one meeting, from 1 to 1440.
	DurationMinutes int
	// Start is the earliest instant a meeting may begin. Pass a stable instant (the later of the
	// programme's start and the pairing's start), not the current time, or the series moves on
	// every call.
	Start time.Time
	// End is the instant by which the last meeting must be over: the programme's end.
	End time.Time
	// Seed spreads pairs across the allowed hours: the pairing's declared identity.
	Seed string
	// Keep is the pair's current standing meeting, kept while every meeting at it still fits both
	// people, so that a change elsewhere (or a new seed) does not move a meeting people already have in
	// their calendars. Optional.
	Keep *Standing
}

// Standing is a weekly meeting time on the anchor's clock.
type Standing struct {
	Weekday time.Weekday
	// Start is "HH:MM".
	Start string
}

// Slot is a pair's standing meeting.
type Slot struct {
	// Weekday of the meeting in Zone.
	Weekday time.Weekday
	// Start is the meeting's local start time in Zone, "HH:MM".
	Start string
	// Zone is the anchor's time zone, in which the series is defined.
	Zone *time.Location
	// Duration of each meeting.
	Duration time.Duration
	// Interval is the number of weeks between meetings.
	Interval int
	// RRule is the iCalendar recurrence rule, such as
	// "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20271214T100000Z"; UNTIL is the last meeting's start in UTC.
	RRule string
	// First and Last are the starts of the first and the last meeting.
	First, Last time.Time
}

// Choose returns the pair's standing slot: among the anchor's weekly slots at which every meeting
// from Start to End lies inside both people's availability, the one with the highest rendezvous
// weight for the seed. The same request always gives the same slot, different seeds spread over the
// allowed slots, and a change of availability moves only the pairs whose slot it removes or whose
// seed favours a newly allowed slot. It returns ErrNoCommonSlot when no slot holds throughout.
func Choose(r Request) (Slot, error) {
	if err := r.validate(); err != nil {
		return Slot{}, err
	}
	if s, ok := r.Keep.slot(); ok {
		if slot, ok := r.series(s); ok {
			return slot, nil
		}
	}
	for _, s := range rank(r.Seed, r.candidates()) {
		if slot, ok := r.series(s); ok {
			return slot, nil
		}
	}
	return Slot{}, ErrNoCommonSlot
}

// slot is the standing meeting's slot of the anchor's week; false when there is none or its time is
// not on a slot boundary.
func (k *Standing) slot() (int, bool) {
	if k == nil {
		return 0, false
	}
	var hh, mm int
	if _, err := fmt.Sscanf(k.Start, "%02d:%02d", &hh, &mm); err != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 || mm%weekly.SlotMinutes != 0 {
		return 0, false
	}
	return weekly.SlotOfDay(k.Weekday) + (hh*60+mm)/weekly.SlotMinutes, true
}

// validate rejects requests that no slot could answer.
func (r Request) validate() error {
	for _, z := range []*time.Location{r.Anchor.Zone, r.Other.Zone} {
		if z == nil || z == time.Local {
			return fmt.Errorf("%w: both people need a named time zone", ErrInvalidRequest)
		}
	}
	switch {
	case r.Cadence.Weeks() == 0:
		return fmt.Errorf("%w: unknown cadence %q", ErrInvalidRequest, r.Cadence)
	case r.DurationMinutes < 1 || r.DurationMinutes > 24*60:
		return fmt.Errorf("%w: a meeting lasts from 1 to 1440 minutes, not %d", ErrInvalidRequest, r.DurationMinutes)
	case !r.End.After(r.Start):
		return fmt.Errorf("%w: the programme ends before it starts", ErrInvalidRequest)
	}
	return nil
}

// duration is the length of one meeting.
func (r Request) duration() time.Duration { return time.Duration(r.DurationMinutes) * time.Minute }

// candidates are the anchor's slots at which a meeting fits both people's weeks under at least one
// of the offsets between their zones during the programme. Every slot whose meetings all fit is
// among them, unless each of its meetings straddles a clock change (a programme of one meeting);
// series checks each candidate meeting by meeting.
func (r Request) candidates() []int {
	n := weekly.MeetingSlots(r.DurationMinutes)
	anchor, other := r.Anchor.Available.Starts(n), r.Other.Available.Starts(n)
	var seen [weekly.Slots]bool
	var out []int
	for _, d := range weekly.Deltas(r.Anchor.Zone, r.Other.Zone, r.Start, r.End) {
		for _, s := range anchor.And(other.Later(-d / weekly.SlotMinutes)).Slots() {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}
