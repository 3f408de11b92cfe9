package calendar

import (
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/weekly"
)

// zone loads a time zone or fails the test.
func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// hours is the same window, in whole hours, on each of the days.
func hours(from, to int, days ...time.Weekday) []weekly.Window {
	var out []weekly.Window
	for _, d := range days {
		out = append(out, weekly.Window{Day: d, Start: from * 60, End: to * 60})
	}
	return out
}

var workdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

// side is a person as the tests describe them: windows and a zone.
type side struct {
	windows []weekly.Window
	zone    *time.Location
}

func (s side) person() Person { return Person{Available: weekly.FromWindows(s.windows), Zone: s.zone} }

// day is midnight UTC on a date.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// insideWindows reports whether the person's clock stays inside their windows during the whole
// meeting, read minute by minute: an oracle that shares nothing with the slot arithmetic.
func insideWindows(s side, start time.Time, d time.Duration) bool {
	for t := start; t.Before(start.Add(d)); t = t.Add(time.Minute) {
		local := t.In(s.zone)
		minute := local.Hour()*60 + local.Minute()
		in := false
		for _, w := range s.windows {
			in = in || (w.Day == local.Weekday() && w.Start <= minute && minute < w.End)
		}
		if !in {
			return false
		}
	}
	return true
}

// wallTimes counts the instants, on a 15-minute grid around the date, at which the zone's clock
// shows the date and time: 1 for an ordinary time, 0 when the clock skips it, 2 when it shows it
// twice. Every offset in use today is a multiple of 15 minutes.
func wallTimes(zone *time.Location, y int, m time.Month, d, hh, mm int) int {
	wall := time.Date(y, m, d, hh, mm, 0, 0, time.UTC)
	n := 0
	for off := -15 * time.Hour; off <= 15*time.Hour; off += 15 * time.Minute {
		l := wall.Add(off).In(zone)
		if l.Year() == wall.Year() && l.YearDay() == wall.YearDay() && l.Hour() == hh && l.Minute() == mm {
			n++
		}
	}
	return n
}
