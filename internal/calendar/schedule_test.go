package calendar

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/weekly"
)

// The periods of the table. In 2027 the United States change their clocks on 14 March and 7
// November, the European Union and the United Kingdom on 28 March and 31 October, Sydney on 4 April
// and 3 October; Singapore never does.
var (
	wholeYear = [2]time.Time{day(2027, 1, 11), day(2027, 12, 17)}
	spring    = [2]time.Time{day(2027, 1, 11), day(2027, 6, 30)}
	autumn    = [2]time.Time{day(2027, 9, 6), day(2027, 12, 17)}
)

// starts lists "Weekday HH:MM" for each day and each quarter hour from..to, both included.
func starts(from, to string, days ...time.Weekday) []string {
	var out []string
	parse := func(s string) int {
		var h, m int
		fmt.Sscanf(s, "%d:%d", &h, &m)
		return h*60 + m
	}
	for _, d := range days {
		for m := parse(from); m <= parse(to); m += weekly.SlotMinutes {
			out = append(out, fmt.Sprintf("%s %02d:%02d", d, m/60, m%60))
		}
	}
	return out
}

func TestChooseAcrossZonesAndClockChanges(t *testing.T) {
	london, newYork := zone(t, "Europe/London"), zone(t, "America/New_York")
	singapore, sydney := zone(t, "Asia/Singapore"), zone(t, "Australia/Sydney")
	utc := time.UTC
	tue, thu, mon, sun := time.Tuesday, time.Thursday, time.Monday, time.Sunday
	tests := []struct {
		name          string
		anchor, other side
		period        [2]time.Time
		cadence       Cadence
		minutes       int
		want          []string // allowed "Weekday HH:MM" in the anchor's zone; none means ErrNoCommonSlot
	}{{
		// London 14:00-17:00 is New York 09:00-12:00 in winter and summer, 10:00-13:00 for the two
		// weeks of March when only New York has changed: 14:00-17:00 holds throughout.
		name:   "London and New York office hours all year",
		anchor: side{hours(9, 17, workdays...), london}, other: side{hours(9, 17, workdays...), newYork},
		period: wholeYear, cadence: Biweekly, minutes: 60,
		want: starts("14:00", "16:00", workdays...),
	}, {
		name:   "London mornings never meet New York",
		anchor: side{hours(9, 12, workdays...), london}, other: side{hours(9, 17, workdays...), newYork},
		period: wholeYear, cadence: Weekly, minutes: 30,
	}, {
		// Singapore 08:00-10:00 is New York 19:00-21:00 (EST) or 20:00-22:00 (EDT) the evening before:
		// only 20:00 holds all year, Monday to Thursday (Friday evening is Saturday in Singapore).
		name:   "New York evenings meet Singapore mornings of the next day",
		anchor: side{hours(19, 22, workdays...), newYork}, other: side{hours(8, 10, workdays...), singapore},
		period: wholeYear, cadence: Weekly, minutes: 60,
		want: starts("20:00", "20:00", time.Monday, time.Tuesday, time.Wednesday, time.Thursday),
	}, {
		// Sydney 07:00 is London 20:00, 21:00 or 22:00 the evening before, as the two hemispheres
		// change their clocks in opposite directions.
		name:   "Sydney mornings meet London evenings across both hemispheres' changes",
		anchor: side{hours(7, 9, workdays...), sydney}, other: side{hours(19, 23, workdays...), london},
		period: wholeYear, cadence: Weekly, minutes: 60,
		want: starts("07:00", "07:00", time.Tuesday, time.Wednesday, time.Thursday, time.Friday),
	}, {
		// London 14:00 is New York 09:00 except from 14 to 28 March (10:00): the Tuesday hour is lost,
		// the Thursday one (New York 11:00 or 12:00) holds.
		name:   "the March gap removes the only Tuesday hour; Thursday holds",
		anchor: side{append(hours(14, 15, tue), hours(16, 17, thu)...), london},
		other:  side{append(hours(9, 10, tue), hours(10, 13, thu)...), newYork},
		period: spring, cadence: Weekly, minutes: 60,
		want: starts("16:00", "16:00", thu),
	}, {
		name:   "the March gap removes the only common hour",
		anchor: side{hours(14, 15, tue), london}, other: side{hours(9, 10, tue), newYork},
		period: spring, cadence: Weekly, minutes: 60,
	}, {
		// Biweekly from 12 January meets on 23 March, inside the gap.
		name:   "biweekly meetings fall into the March gap",
		anchor: side{hours(14, 15, tue), london}, other: side{hours(9, 10, tue), newYork},
		period: spring, cadence: Biweekly, minutes: 60,
	}, {
		// Every fourth week from 12 January meets on 9 March and 6 April, around the gap.
		name:   "monthly meetings step over the March gap",
		anchor: side{hours(14, 15, tue), london}, other: side{hours(9, 10, tue), newYork},
		period: spring, cadence: Monthly, minutes: 60,
		want: starts("14:00", "14:00", tue),
	}, {
		// The programme starts on Saturday 27 March, inside the gap, but its first Tuesday is 30
		// March, after it: an hour that does not hold in every week of the period still holds for
		// every meeting.
		name:   "a programme that starts in the March gap meets only after it",
		anchor: side{hours(14, 15, tue), london}, other: side{hours(9, 10, tue), newYork},
		period: [2]time.Time{day(2027, 3, 27), day(2027, 6, 30)}, cadence: Weekly, minutes: 60,
		want: starts("14:00", "14:00", tue),
	}, {
		// From 31 October to 7 November New York is four hours behind London: Monday 1 November.
		name:   "the autumn gap removes the only common hour",
		anchor: side{hours(14, 15, mon), london}, other: side{hours(9, 10, mon), newYork},
		period: autumn, cadence: Weekly, minutes: 60,
	}, {
		name:   "a programme that ends before the autumn gap keeps the hour",
		anchor: side{hours(14, 15, mon), london}, other: side{hours(9, 10, mon), newYork},
		period: [2]time.Time{day(2027, 9, 6), day(2027, 10, 29)}, cadence: Weekly, minutes: 60,
		want: starts("14:00", "14:00", mon),
	}, {
		// On 28 March London's clock jumps from 01:00 to 02:00: no meeting can start at 01:xx that
		// day (Go would read 01:30 as 02:30 summer time, inside both windows, but calendar programs
		// disagree on such times), so only the 02:00 hour is left.
		name:   "the anchor's clock skips the hour on 28 March",
		anchor: side{hours(1, 3, sun), london}, other: side{hours(0, 4, sun), utc},
		period: spring, cadence: Weekly, minutes: 15,
		want: starts("02:00", "02:45", sun),
	}, {
		name:   "the anchor's clock skips the only hour on 28 March",
		anchor: side{hours(1, 2, sun), london}, other: side{hours(0, 4, sun), utc},
		period: spring, cadence: Weekly, minutes: 15,
	}, {
		// On 7 November New York's clock shows 01:00-02:00 twice: such a meeting time is ambiguous.
		name:   "the anchor's clock repeats the only hour on 7 November",
		anchor: side{hours(1, 2, sun), newYork}, other: side{hours(0, 12, sun), utc},
		period: autumn, cadence: Weekly, minutes: 15,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range 16 {
				seed := fmt.Sprint("pairing-", i)
				req := newRequest(tt.anchor, tt.other, tt.period, tt.cadence, tt.minutes, seed)
				slot, err := Choose(req)
				if len(tt.want) == 0 {
					if !errors.Is(err, ErrNoCommonSlot) {
						t.Fatalf("seed %s: Choose = %s %s, %v; want ErrNoCommonSlot", seed, slot.Weekday, slot.Start, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("seed %s: %v", seed, err)
				}
				if got := slot.Weekday.String() + " " + slot.Start; !slices.Contains(tt.want, got) {
					t.Fatalf("seed %s: slot %s, want one of %v", seed, got, tt.want)
				}
				checkSeries(t, req, tt.anchor, tt.other, slot)
			}
		})
	}
}

// newRequest builds a schedule request from the test's sides.
func newRequest(anchor, other side, period [2]time.Time, c Cadence, minutes int, seed string) Request {
	return Request{Anchor: anchor.person(), Other: other.person(), Cadence: c, DurationMinutes: minutes,
		Start: period[0], End: period[1], Seed: seed}
}

// checkSeries checks a chosen series against the request with oracles of its own: every meeting
// inside both people's windows minute by minute, at a time the anchor's clock shows exactly once,
// none missing between the programme's start and end, and a recurrence rule that says so.
func checkSeries(t *testing.T, req Request, anchor, other side, slot Slot) {
	t.Helper()
	occ := slot.Occurrences()
	if len(occ) == 0 {
		t.Fatal("the series has no meeting")
	}
	if occ[0].Before(req.Start) || occ[len(occ)-1].Add(slot.Duration).After(req.End) {
		t.Fatalf("meetings from %v to %v lie outside the programme %v-%v", occ[0], occ[len(occ)-1], req.Start, req.End)
	}
	if before := occ[0].In(slot.Zone).AddDate(0, 0, -7*slot.Interval); !before.Before(req.Start) {
		t.Fatalf("a meeting on %v is missing before the first", before)
	}
	if after := occ[len(occ)-1].In(slot.Zone).AddDate(0, 0, 7*slot.Interval); !after.Add(slot.Duration).After(req.End) {
		t.Fatalf("a meeting on %v is missing after the last", after)
	}
	for i, at := range occ {
		local := at.In(slot.Zone)
		if local.Weekday() != slot.Weekday || local.Format("15:04") != slot.Start {
			t.Fatalf("meeting %d at %s, not on %s at %s", i, Format(at, slot.Zone), slot.Weekday, slot.Start)
		}
		if i > 0 && !occ[i-1].In(slot.Zone).AddDate(0, 0, 7*slot.Interval).Equal(at) {
			t.Fatalf("meeting %d is not %d weeks after the one before", i, slot.Interval)
		}
		if n := wallTimes(slot.Zone, local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute()); n != 1 {
			t.Fatalf("the anchor's clock shows %s %d times", Format(at, slot.Zone), n)
		}
		if !insideWindows(anchor, at, slot.Duration) || !insideWindows(other, at, slot.Duration) {
			t.Fatalf("meeting at %s (%s) is outside someone's windows", Format(at, anchor.zone), Format(at, other.zone))
		}
	}
	wantRule := fmt.Sprintf("FREQ=WEEKLY;INTERVAL=%d;BYDAY=%s;UNTIL=%s", req.Cadence.Weeks(),
		strings.ToUpper(slot.Weekday.String()[:2]), occ[len(occ)-1].UTC().Format("20060102T150405Z"))
	if slot.RRule != wantRule || !slot.First.Equal(occ[0]) || !slot.Last.Equal(occ[len(occ)-1]) {
		t.Fatalf("RRULE %q, first %v, last %v; want %q from %v to %v", slot.RRule, slot.First, slot.Last, wantRule, occ[0], occ[len(occ)-1])
	}
}

func TestChooseRejectsInvalidRequests(t *testing.T) {
	london := zone(t, "Europe/London")
	ok := newRequest(side{hours(9, 17, workdays...), london}, side{hours(9, 17, workdays...), london}, spring, Weekly, 30, "x")
	tests := map[string]func(*Request){
		"no zone":           func(r *Request) { r.Other.Zone = nil },
		"the local zone":    func(r *Request) { r.Anchor.Zone = time.Local },
		"unknown cadence":   func(r *Request) { r.Cadence = "Daily" },
		"no duration":       func(r *Request) { r.DurationMinutes = 0 },
		"over a day":        func(r *Request) { r.DurationMinutes = 24*60 + 1 },
		"ends before start": func(r *Request) { r.End = r.Start },
	}
	if _, err := Choose(ok); err != nil {
		t.Fatalf("the valid request failed: %v", err)
	}
	for name, change := range tests {
		r := ok
		change(&r)
		if _, err := Choose(r); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("%s: err = %v, want ErrInvalidRequest", name, err)
		}
	}
}

// A programme too short to hold a meeting on any allowed weekday has no slot.
func TestChooseNeedsAtLeastOneMeeting(t *testing.T) {
	london := zone(t, "Europe/London")
	// Monday 11 January to Tuesday 12 January: only Monday fits, but the people meet on Fridays.
	req := newRequest(side{hours(9, 17, time.Friday), london}, side{hours(9, 17, time.Friday), london},
		[2]time.Time{day(2027, 1, 11), day(2027, 1, 12)}, Weekly, 30, "x")
	if _, err := Choose(req); !errors.Is(err, ErrNoCommonSlot) {
		t.Fatalf("err = %v, want ErrNoCommonSlot", err)
	}
}

func TestNextOccurrenceAndFormat(t *testing.T) {
	london, newYork := zone(t, "Europe/London"), zone(t, "America/New_York")
	req := newRequest(side{hours(10, 11, time.Tuesday), london}, side{hours(5, 6, time.Tuesday), newYork},
		[2]time.Time{day(2027, 1, 11), day(2027, 3, 1)}, Biweekly, 60, "x")
	slot, err := Choose(req)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Format(slot.First, london), "Tue 2027-01-12 10:00 Europe/London"; got != want {
		t.Fatalf("Format = %q, want %q", got, want)
	}
	if got, want := Format(slot.First, newYork), "Tue 2027-01-12 05:00 America/New_York"; got != want {
		t.Fatalf("Format = %q, want %q", got, want)
	}
	tests := []struct {
		now  time.Time
		want string // empty: none left
	}{
		{day(2027, 1, 1), "Tue 2027-01-12 10:00 Europe/London"},
		{time.Date(2027, 1, 12, 10, 0, 0, 0, london), "Tue 2027-01-12 10:00 Europe/London"},
		{time.Date(2027, 1, 12, 10, 0, 1, 0, london), "Tue 2027-01-26 10:00 Europe/London"},
		{day(2027, 2, 20), "Tue 2027-02-23 10:00 Europe/London"},
		{day(2027, 2, 24), ""},
	}
	for _, tt := range tests {
		next, ok := slot.NextOccurrence(tt.now)
		got := ""
		if ok {
			got = Format(next, london)
		}
		if got != tt.want {
			t.Errorf("NextOccurrence(%v) = %q, want %q", tt.now, got, tt.want)
		}
	}
}
