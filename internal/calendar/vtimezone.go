package calendar

import (
	"fmt"
	"time"
)

// timezone writes the zone's VTIMEZONE for the period from..to, from Go's zone data: one STANDARD or
// DAYLIGHT observance for the period in force at from, and one for every change of the clock up to
// to. A zone whose clock never changes gets a single observance.
func (w *contentWriter) timezone(zone *time.Location, from, to time.Time) {
	w.prop("BEGIN", "VTIMEZONE")
	w.prop("TZID", zone.String())
	begin, end := from.In(zone).ZoneBounds()
	w.observance(begin, from.In(zone))
	for !end.IsZero() && !end.After(to) {
		w.observance(end, end)
		// Go's zone data ends its rules at 2040: past it, a period's end stops advancing.
		_, next := end.ZoneBounds()
		if !next.After(end) {
			break
		}
		end = next
	}
	w.prop("END", "VTIMEZONE")
}

// observance writes the STANDARD or DAYLIGHT block of the period that holds at and begins at the
// change begin; a zero begin is a period without a known start. Its DTSTART is the change's
// local time on the clock before it, as RFC 5545 requires.
func (w *contentWriter) observance(begin, at time.Time) {
	name, offset := at.Zone()
	kind := "STANDARD"
	if at.IsDST() {
		kind = "DAYLIGHT"
	}
	from, start := offset, "19700101T000000"
	if !begin.IsZero() {
		_, from = begin.Add(-time.Nanosecond).Zone()
		start = begin.UTC().Add(time.Duration(from) * time.Second).Format(localLayout)
	}
	w.prop("BEGIN", kind)
	w.prop("DTSTART", start)
	w.prop("TZOFFSETFROM", utcOffset(from))
	w.prop("TZOFFSETTO", utcOffset(offset))
	w.text("TZNAME", name)
	w.prop("END", kind)
}

// utcOffset writes seconds east of UTC as an iCalendar UTC-OFFSET: +0100, -0430, +001514.
func utcOffset(seconds int) string {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	out := fmt.Sprintf("%c%02d%02d", sign, seconds/3600, seconds%3600/60)
	if s := seconds % 60; s != 0 {
		out += fmt.Sprintf("%02d", s)
	}
	return out
}
