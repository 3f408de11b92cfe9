package calendar

import (
	"fmt"
	"strings"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/weekly"
)

// series returns the slot's series when every meeting from r.Start to r.End exists once on the
// anchor's clock and lies inside both people's availability, and there is at least one meeting.
func (r Request) series(s int) (Slot, bool) {
	day, clock := slotDay(s), s%slotsPerDay*weekly.SlotMinutes
	hh, mm := clock/60, clock%60
	date := r.firstDate(day, hh, mm)
	interval := r.Cadence.Weeks()
	var first, last time.Time
	for k := 0; ; k++ {
		at, ok := wallClock(r.Anchor.Zone, date.Year(), date.Month(), date.Day()+7*interval*k, hh, mm)
		if at.Add(r.duration()).After(r.End) {
			break
		}
		if !ok || !r.fits(at) {
			return Slot{}, false
		}
		if k == 0 {
			first = at
		}
		last = at
	}
	if first.IsZero() {
		return Slot{}, false
	}
	return Slot{
		Weekday:  day,
		Start:    fmt.Sprintf("%02d:%02d", hh, mm),
		Zone:     r.Anchor.Zone,
		Duration: r.duration(),
		Interval: interval,
		RRule:    rrule(day, interval, last),
		First:    first,
		Last:     last,
	}, true
}

const slotsPerDay = 24 * 60 / weekly.SlotMinutes

// slotDay is the weekday of a slot of the week, which starts on Monday.
func slotDay(s int) time.Weekday { return time.Weekday((s/slotsPerDay + 1) % 7) }

// firstDate is the anchor's local date of the first meeting: the first day on the weekday whose
// meeting time is not before r.Start. It is returned as midnight UTC, a plain calendar date.
func (r Request) firstDate(day time.Weekday, hh, mm int) time.Time {
	local := r.Start.In(r.Anchor.Zone)
	ahead := (int(day) - int(local.Weekday()) + 7) % 7
	date := time.Date(local.Year(), local.Month(), local.Day()+ahead, 0, 0, 0, 0, time.UTC)
	if time.Date(date.Year(), date.Month(), date.Day(), hh, mm, 0, 0, r.Anchor.Zone).Before(r.Start) {
		date = date.AddDate(0, 0, 7)
	}
	return date
}

// wallClock returns the instant at which the zone's clock shows the date and time, and false when
// on that day the clock skips that time or shows it twice: such a meeting time would mean different
// instants to different calendar programs.
func wallClock(zone *time.Location, year int, month time.Month, day, hh, mm int) (time.Time, bool) {
	at := time.Date(year, month, day, hh, mm, 0, 0, zone)
	wall := time.Date(year, month, day, hh, mm, 0, 0, time.UTC)
	if !sameWall(at, wall) {
		return at, false
	}
	for _, neighbour := range neighbours(at) {
		_, offset := neighbour.Zone()
		if other := wall.Add(-time.Duration(offset) * time.Second); !other.Equal(at) && sameWall(other.In(zone), wall) {
			return at, false
		}
	}
	return at, true
}

// neighbours are instants just before and just after the period of the zone's clock that holds t:
// one in each neighbouring period that exists.
func neighbours(t time.Time) []time.Time {
	begin, end := t.ZoneBounds()
	var out []time.Time
	if !begin.IsZero() {
		out = append(out, begin.Add(-time.Nanosecond))
	}
	if !end.IsZero() {
		out = append(out, end)
	}
	return out
}

// sameWall reports whether t shows the same date and time of day as wall, read as a clock.
func sameWall(t, wall time.Time) bool {
	y, m, d := t.Date()
	wy, wm, wd := wall.Date()
	return y == wy && m == wm && d == wd && t.Hour() == wall.Hour() && t.Minute() == wall.Minute()
}

// fits reports whether both people are available throughout the meeting that starts at the instant.
// It reads each person's clock at one instant in every 15 minutes of the meeting and at its last
// instant, so every slot of their week that the meeting touches is checked, across clock changes.
func (r Request) fits(at time.Time) bool {
	end := at.Add(r.duration())
	for _, p := range []Person{r.Anchor, r.Other} {
		for t := at; t.Before(end); t = t.Add(weekly.SlotMinutes * time.Minute) {
			if !p.Available.Has(weekly.SlotOf(t.In(p.Zone))) {
				return false
			}
		}
		if !p.Available.Has(weekly.SlotOf(end.Add(-time.Nanosecond).In(p.Zone))) {
			return false
		}
	}
	return true
}

// rrule is the recurrence rule of a weekly series whose last meeting starts at last.
func rrule(day time.Weekday, interval int, last time.Time) string {
	return fmt.Sprintf("FREQ=WEEKLY;INTERVAL=%d;BYDAY=%s;UNTIL=%s",
		interval, strings.ToUpper(day.String()[:2]), last.UTC().Format(utcLayout))
}

// utcLayout is an iCalendar DATE-TIME in UTC.
const utcLayout = "20060102T150405Z"

// Occurrences lists the start of every meeting of the series, from First to Last.
func (s Slot) Occurrences() []time.Time {
	if s.Zone == nil || s.Interval < 1 {
		return nil
	}
	first := s.First.In(s.Zone)
	var out []time.Time
	for k := 0; ; k++ {
		at := time.Date(first.Year(), first.Month(), first.Day()+7*s.Interval*k, first.Hour(), first.Minute(), 0, 0, s.Zone)
		if at.After(s.Last) {
			return out
		}
		out = append(out, at)
	}
}

// NextOccurrence is the start of the first meeting at or after now, and false when none is left.
func (s Slot) NextOccurrence(now time.Time) (time.Time, bool) {
	for _, at := range s.Occurrences() {
		if !at.Before(now) {
			return at, true
		}
	}
	return time.Time{}, false
}

// Format shows an instant in a zone the way the Pairing status does: "Tue 2027-01-12 10:00
// Europe/London".
func Format(t time.Time, zone *time.Location) string {
	return t.In(zone).Format("Mon 2006-01-02 15:04") + " " + zone.String()
}
