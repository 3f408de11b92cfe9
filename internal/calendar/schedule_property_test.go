package calendar

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/weekly"
)

// propertyZones have whole-hour, half-hour and 45-minute offsets, clock changes in either hemisphere,
// a 30-minute change (Lord Howe), changes at midnight (Santiago) and none at all.
var propertyZones = []string{
	"Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "America/St_Johns",
	"America/Santiago", "America/Sao_Paulo", "Asia/Singapore", "Asia/Kolkata", "Asia/Kathmandu",
	"Asia/Tokyo", "Australia/Sydney", "Australia/Lord_Howe", "Pacific/Auckland", "Pacific/Chatham", "UTC",
}

// randomSide is a person with a few long windows, on quarter-hour boundaries, in a random zone.
func randomSide(t *testing.T, r *rand.Rand) side {
	var windows []weekly.Window
	for range 2 + r.IntN(8) {
		start := r.IntN(96) * weekly.SlotMinutes
		end := min(24*60, start+(4+r.IntN(40))*weekly.SlotMinutes)
		windows = append(windows, weekly.Window{Day: time.Weekday(r.IntN(7)), Start: start, End: end})
	}
	return side{windows, zone(t, propertyZones[r.IntN(len(propertyZones))])}
}

// oracleValid reports whether every meeting of the anchor's slot s fits, checked with the minute by
// minute and 15-minute-grid oracles, and returns its meetings.
func oracleValid(req Request, anchor, other side, s int) ([]time.Time, bool) {
	day := time.Weekday((s/96 + 1) % 7)
	hh, mm := s%96*15/60, s%96*15%60
	d := time.Duration(req.DurationMinutes) * time.Minute
	local := req.Start.In(anchor.zone)
	date := local.AddDate(0, 0, (int(day)-int(local.Weekday())+7)%7)
	if time.Date(date.Year(), date.Month(), date.Day(), hh, mm, 0, 0, anchor.zone).Before(req.Start) {
		date = date.AddDate(0, 0, 7)
	}
	var meetings []time.Time
	for ; ; date = date.AddDate(0, 0, 7*req.Cadence.Weeks()) {
		at := time.Date(date.Year(), date.Month(), date.Day(), hh, mm, 0, 0, anchor.zone)
		if at.Add(d).After(req.End) {
			return meetings, len(meetings) > 0
		}
		if !insideWindows(anchor, at, d) || !insideWindows(other, at, d) ||
			wallTimes(anchor.zone, date.Year(), date.Month(), date.Day(), hh, mm) != 1 {
			return nil, false
		}
		meetings = append(meetings, at)
	}
}

// TestChooseMatchesABruteForceOracle draws random people, zones, cadences, lengths and periods and
// checks Choose against a brute force over every slot of the week: it returns the slot of highest
// rendezvous weight among those whose every meeting fits, with exactly those meetings, and
// ErrNoCommonSlot only when no slot fits.
func TestChooseMatchesABruteForceOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(2027, 3))
	cadences := []Cadence{Weekly, Biweekly, Monthly}
	chosen := 0
	const rounds = 150
	for i := range rounds {
		anchor, other := randomSide(t, r), randomSide(t, r)
		start := day(2027, 1, 1).Add(time.Duration(r.IntN(365*24)) * time.Hour)
		period := [2]time.Time{start, start.AddDate(0, 0, 7*(8+r.IntN(45)))}
		req := newRequest(anchor, other, period, cadences[r.IntN(3)], 15+5*r.IntN(46), fmt.Sprint("seed-", i))
		best, bestMeetings := -1, []time.Time(nil)
		for s := range weekly.Slots {
			if meetings, ok := oracleValid(req, anchor, other, s); ok && (best < 0 || weight(req.Seed, s) > weight(req.Seed, best)) {
				best, bestMeetings = s, meetings
			}
		}
		slot, err := Choose(req)
		if best < 0 {
			if !errors.Is(err, ErrNoCommonSlot) {
				t.Fatalf("round %d: Choose = %s %s, %v; the oracle finds no slot", i, slot.Weekday, slot.Start, err)
			}
			continue
		}
		chosen++
		if err != nil {
			t.Fatalf("round %d: %v; the oracle finds slot %d", i, err, best)
		}
		if got := weekly.SlotOf(slot.First.In(slot.Zone)); got != best {
			t.Fatalf("round %d: slot %d (%s %s), the oracle's best is %d", i, got, slot.Weekday, slot.Start, best)
		}
		if got := slot.Occurrences(); !equalTimes(got, bestMeetings) {
			t.Fatalf("round %d: meetings %v, the oracle's %v", i, got, bestMeetings)
		}
		checkSeries(t, req, anchor, other, slot)
	}
	// A property test that never finds a slot proves nothing.
	if chosen < rounds/4 || chosen > rounds*3/4 {
		t.Fatalf("%d of %d rounds found a slot; tune the generator so both outcomes are common", chosen, rounds)
	}
}

func equalTimes(a, b []time.Time) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

// officePair is London and New York office hours over a year, where 45 one-hour slots fit.
func officePair(t *testing.T) (side, side) {
	return side{hours(9, 17, workdays...), zone(t, "Europe/London")}, side{hours(9, 17, workdays...), zone(t, "America/New_York")}
}

func TestChooseIsDeterministicAndSpreads(t *testing.T) {
	anchor, other := officePair(t)
	perSlot, perHour := map[string]int{}, map[int]int{}
	const pairs = 450
	for i := range pairs {
		seed := fmt.Sprintf("3f1c2a9e-%04d", i)
		a, err := Choose(newRequest(anchor, other, wholeYear, Weekly, 60, seed))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Choose(newRequest(anchor, other, wholeYear, Weekly, 60, seed))
		if a.RRule != b.RRule || !a.First.Equal(b.First) || a.Start != b.Start {
			t.Fatalf("seed %s: two calls chose %s %s and %s %s", seed, a.Weekday, a.Start, b.Weekday, b.Start)
		}
		perSlot[a.Weekday.String()+" "+a.Start]++
		perHour[a.First.In(anchor.zone).Hour()]++
	}
	// 45 slots, 10 pairs each on average: every slot is used and none is crowded.
	if len(perSlot) != 45 {
		t.Fatalf("%d pairs used %d of the 45 slots: %v", pairs, len(perSlot), perSlot)
	}
	for s, n := range perSlot {
		if n > 30 {
			t.Fatalf("slot %s holds %d of %d pairs: %v", s, n, pairs, perSlot)
		}
	}
	// Each day allows four starts at 14:xx, four at 15:xx and 16:00: 200, 200 and 50 pairs expected.
	if perHour[14] < 150 || perHour[15] < 150 || perHour[16] < 25 {
		t.Fatalf("pairs per hour %v: not spread over 14:00-16:00 (200, 200, 50 expected)", perHour)
	}
}

// Rendezvous hashing moves only the pairs whose slot a change of availability removes.
func TestChooseMovesFewPairsWhenAvailabilityShrinks(t *testing.T) {
	anchor, other := officePair(t)
	// The mentor stops being available on Wednesday afternoons from 15:00.
	shrunk := side{append(hours(9, 17, time.Monday, time.Tuesday, time.Thursday, time.Friday), hours(9, 15, time.Wednesday)...), anchor.zone}
	moved := 0
	const pairs = 300
	for i := range pairs {
		seed := fmt.Sprint("pair-", i)
		before, err := Choose(newRequest(anchor, other, wholeYear, Weekly, 60, seed))
		if err != nil {
			t.Fatal(err)
		}
		after, err := Choose(newRequest(shrunk, other, wholeYear, Weekly, 60, seed))
		if err != nil {
			t.Fatal(err)
		}
		lost := before.Weekday == time.Wednesday && before.Start >= "14:15"
		switch {
		case after.Start != before.Start || after.Weekday != before.Weekday:
			if !lost {
				t.Fatalf("%s moved from %s %s to %s %s although its slot is still allowed", seed, before.Weekday, before.Start, after.Weekday, after.Start)
			}
			moved++
		case lost:
			t.Fatalf("%s kept %s %s, which is no longer allowed", seed, before.Weekday, before.Start)
		}
	}
	// 7 of 45 slots are lost: about 47 pairs move.
	if moved == 0 || moved > pairs/4 {
		t.Fatalf("%d of %d pairs moved", moved, pairs)
	}
}

// A pair's current meeting is kept while it still fits, whatever the seed now prefers, and given up
// when it no longer fits or is no meeting time at all.
func TestChooseKeepsTheCurrentMeetingWhileItFits(t *testing.T) {
	anchor, other := officePair(t)
	for i := range 50 {
		seed := fmt.Sprint("pair-", i)
		request := newRequest(anchor, other, wholeYear, Weekly, 60, seed)
		seeded, err := Choose(request)
		if err != nil {
			t.Fatal(err)
		}
		for _, keep := range []Standing{{time.Tuesday, "14:00"}, {time.Friday, "16:00"}} {
			request.Keep = &keep
			kept, err := Choose(request)
			if err != nil || kept.Weekday != keep.Weekday || kept.Start != keep.Start {
				t.Fatalf("%s with %v kept = %s %s, %v; want it kept", seed, keep, kept.Weekday, kept.Start, err)
			}
		}
		for _, gone := range []Standing{{time.Saturday, "10:00"}, {time.Tuesday, "16:30"}, {time.Tuesday, "14:10"}, {time.Tuesday, "noon"}} {
			request.Keep = &gone
			if got, err := Choose(request); err != nil || got.Weekday != seeded.Weekday || got.Start != seeded.Start {
				t.Fatalf("%s with %v, which does not fit = %s %s, %v; want the seeded %s %s", seed, gone, got.Weekday, got.Start, err, seeded.Weekday, seeded.Start)
			}
		}
	}
}
