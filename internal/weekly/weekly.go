// Package weekly is the arithmetic of weekly availability across time zones. A person's weekly windows
// become a Set of 15-minute slots of their own week; Common finds the slots two people share in every
// week of a period, even when their clocks change on different dates. The matcher uses it to decide
// whether a pair can meet at all, the calendar to choose the pair's standing slot.
package weekly

import (
	"math/bits"
	"slices"
	"time"
)

const (
	// SlotMinutes is the length of one slot. Meetings start on a slot boundary.
	SlotMinutes = 15
	// Slots is the number of slots in a week. Slot 0 starts on Monday at 00:00.
	Slots = 7 * 24 * 60 / SlotMinutes
	words = (Slots + 63) / 64
)

// Set is a set of slots of one week, in one person's local time.
type Set [words]uint64

// Window is a weekly window in local time: Start and End are minutes since midnight, End at most 1440.
type Window struct {
	Day        time.Weekday
	Start, End int
}

// FromWindows returns the slots that lie wholly inside the windows: a start is rounded up and an end
// rounded down to a slot boundary, so 09:10–10:00 holds only the slots from 09:15.
func FromWindows(windows []Window) Set {
	var s Set
	for _, w := range windows {
		day := SlotOfDay(w.Day)
		first := (w.Start + SlotMinutes - 1) / SlotMinutes
		last := min(w.End, 24*60) / SlotMinutes
		for slot := first; slot < last; slot++ {
			s.add(day + slot)
		}
	}
	return s
}

// SlotOfDay is the first slot of a weekday.
func SlotOfDay(d time.Weekday) int { return (int(d) + 6) % 7 * 24 * 60 / SlotMinutes }

// SlotOf is the slot in which a local time of day falls.
func SlotOf(t time.Time) int {
	return SlotOfDay(t.Weekday()) + (t.Hour()*60+t.Minute())/SlotMinutes
}

func (s *Set) add(slot int) { s[slot/64] |= 1 << (slot % 64) }

// Has reports whether the slot is in the set; slots outside the week wrap around.
func (s Set) Has(slot int) bool {
	slot = mod(slot, Slots)
	return s[slot/64]&(1<<(slot%64)) != 0
}

// And is the intersection.
func (s Set) And(o Set) Set {
	for i := range s {
		s[i] &= o[i]
	}
	return s
}

// Count is the number of slots in the set.
func (s Set) Count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// Empty reports whether the set holds no slot.
func (s Set) Empty() bool { return s == Set{} }

// Slots lists the slots in the set in order.
func (s Set) Slots() []int {
	out := make([]int, 0, s.Count())
	for i, w := range s {
		for w != 0 {
			out = append(out, i*64+bits.TrailingZeros64(w))
			w &= w - 1
		}
	}
	return out
}

// Later moves every slot n slots later in the week, wrapping from Sunday night to Monday morning.
func (s Set) Later(n int) Set {
	n = mod(n, Slots)
	if n == 0 {
		return s
	}
	left, right := s.shiftUp(n), s.shiftDown(Slots-n)
	for i := range left {
		left[i] |= right[i]
	}
	return left
}

// shiftUp moves every slot n places up, dropping those that leave the week.
func (s Set) shiftUp(n int) Set {
	var out Set
	wordShift, bitShift := n/64, uint(n%64)
	for i := words - 1; i >= wordShift; i-- {
		out[i] = s[i-wordShift] << bitShift
		if bitShift > 0 && i-wordShift-1 >= 0 {
			out[i] |= s[i-wordShift-1] >> (64 - bitShift)
		}
	}
	out[words-1] &= lastWordMask
	return out
}

// shiftDown moves every slot n places down, dropping those that leave the week.
func (s Set) shiftDown(n int) Set {
	var out Set
	wordShift, bitShift := n/64, uint(n%64)
	for i := 0; i+wordShift < words; i++ {
		out[i] = s[i+wordShift] >> bitShift
		if bitShift > 0 && i+wordShift+1 < words {
			out[i] |= s[i+wordShift+1] << (64 - bitShift)
		}
	}
	return out
}

// lastWordMask keeps the slots of the last word that belong to the week.
const lastWordMask = 1<<(Slots-64*(words-1)) - 1

// Starts returns the slots at which a run of n consecutive slots of the set begins: where a meeting
// of n slots fits. It distributes over And and commutes with Later, so a.And(b).Starts(n) equals
// a.Starts(n).And(b.Starts(n)).
func (s Set) Starts(n int) Set {
	if n <= 1 {
		return s
	}
	// runs holds the slots where a run of length covered begins; doubling covered keeps it fast.
	runs, covered := s, 1
	for covered < n {
		step := min(covered, n-covered)
		runs = runs.And(runs.Later(-step))
		covered += step
	}
	return runs
}

// Deltas are the distinct differences, in minutes, between the other zone's and the anchor zone's
// UTC offsets at any instant in [start, end): what to add to an anchor-local time to get the other
// person's local time. Without clock changes in the period there is one delta.
func Deltas(anchor, other *time.Location, start, end time.Time) []int {
	instants := append(transitions(anchor, start, end), transitions(other, start, end)...)
	var deltas []int
	for _, t := range append(instants, start) {
		_, a := t.In(anchor).Zone()
		_, o := t.In(other).Zone()
		d := (o - a) / 60
		if !slices.Contains(deltas, d) {
			deltas = append(deltas, d)
		}
	}
	return deltas
}

// transitions lists the instants in (start, end) at which the zone's offset changes.
func transitions(loc *time.Location, start, end time.Time) []time.Time {
	var out []time.Time
	for t := start.In(loc); ; {
		_, next := t.ZoneBounds()
		if next.IsZero() || !next.After(t) || !next.Before(end) {
			return out
		}
		out = append(out, next)
		t = next
	}
}

// Anchored returns the slots of the anchor's local week in which a person with the given local slots
// is available in every week, given the deltas between the two zones: slot i of the anchor's week is
// slot i + delta of theirs.
func Anchored(s Set, deltas []int) Set {
	var out Set
	for i, d := range deltas {
		seen := s.Later(-d / SlotMinutes)
		if i == 0 {
			out = seen
		} else {
			out = out.And(seen)
		}
	}
	return out
}

// Common returns the slots of the anchor's local week in which both people are available in every
// week.
func Common(anchor, other Set, deltas []int) Set { return anchor.And(Anchored(other, deltas)) }

// MeetingSlots is the number of slots a meeting of the given length occupies.
func MeetingSlots(minutes int) int { return max(1, (minutes+SlotMinutes-1)/SlotMinutes) }

func mod(a, m int) int { return (a%m + m) % m }
