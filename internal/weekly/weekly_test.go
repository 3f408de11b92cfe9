package weekly

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestFromWindowsRoundsInwards(t *testing.T) {
	s := FromWindows([]Window{
		{Day: time.Monday, Start: 9*60 + 10, End: 10 * 60},
		{Day: time.Sunday, Start: 23 * 60, End: 24 * 60},
	})
	monday := SlotOfDay(time.Monday)
	if got, want := s.Slots(), []int{monday + 37, monday + 38, monday + 39, Slots - 4, Slots - 3, Slots - 2, Slots - 1}; !slices.Equal(got, want) {
		t.Fatalf("slots = %v, want %v", got, want)
	}
}

func TestSlotOf(t *testing.T) {
	// 2027-01-12 is a Tuesday.
	at := time.Date(2027, 1, 12, 10, 20, 0, 0, time.UTC)
	if got, want := SlotOf(at), SlotOfDay(time.Tuesday)+41; got != want {
		t.Fatalf("SlotOf = %d, want %d", got, want)
	}
}

// naiveLater moves slots one by one, the obvious way.
func naiveLater(s Set, n int) Set {
	var out Set
	for _, slot := range s.Slots() {
		out.add(mod(slot+n, Slots))
	}
	return out
}

func randomSet(r *rand.Rand) Set {
	var s Set
	for range r.IntN(200) {
		start := r.IntN(Slots)
		for i := range r.IntN(12) {
			s.add((start + i) % Slots)
		}
	}
	return s
}

func TestLaterMatchesTheNaiveRotation(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		s, n := randomSet(r), r.IntN(3*Slots)-Slots
		if got, want := s.Later(n), naiveLater(s, n); got != want {
			t.Fatalf("Later(%d) differs from the naive rotation", n)
		}
		if s.Later(n).Count() != s.Count() {
			t.Fatalf("Later(%d) lost slots", n)
		}
	}
}

func TestStartsFindsEveryRun(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		s, n := randomSet(r), 1+r.IntN(10)
		starts := s.Starts(n)
		for slot := range Slots {
			fits := true
			for i := range n {
				fits = fits && s.Has(slot+i)
			}
			if starts.Has(slot) != fits {
				t.Fatalf("Starts(%d) at slot %d = %v, want %v", n, slot, starts.Has(slot), fits)
			}
		}
	}
}

// The matcher relies on these identities to precompute each person's sets once instead of once per pair.
func TestStartsDistributesOverAndAndRotation(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 300 {
		a, b, n, k := randomSet(r), randomSet(r), 1+r.IntN(8), r.IntN(Slots)
		if a.And(b).Starts(n) != a.Starts(n).And(b.Starts(n)) {
			t.Fatal("Starts(a and b) differs from Starts(a) and Starts(b)")
		}
		if a.Later(k).Starts(n) != a.Starts(n).Later(k) {
			t.Fatal("Starts does not commute with Later")
		}
	}
}

func TestDeltasFollowBothClockChanges(t *testing.T) {
	london, newYork, sydney := mustZone(t, "Europe/London"), mustZone(t, "America/New_York"), mustZone(t, "Australia/Sydney")
	utc := time.UTC
	tests := []struct {
		name          string
		anchor, other *time.Location
		start, end    time.Time
		want          []int
	}{
		{"winter only", london, newYork, date(2027, 1, 11), date(2027, 3, 1), []int{-300}},
		// The United States change on 14 March 2027, the United Kingdom on 28 March: for two weeks
		// New York is only four hours behind.
		{"spring", london, newYork, date(2027, 1, 11), date(2027, 6, 30), []int{-300, -240}},
		{"whole year", london, newYork, date(2027, 1, 1), date(2028, 1, 1), []int{-300, -240}},
		// Sydney changes in the other direction, in April and October.
		{"opposite hemispheres", london, sydney, date(2027, 1, 11), date(2027, 6, 30), []int{660, 600, 540}},
		{"no clock changes", utc, utc, date(2027, 1, 1), date(2028, 1, 1), []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Deltas(tt.anchor, tt.other, tt.start, tt.end)
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("Deltas = %v, want %v", got, want)
			}
		})
	}
}

func TestCommonHoldsInEveryWeek(t *testing.T) {
	london, newYork := mustZone(t, "Europe/London"), mustZone(t, "America/New_York")
	office := func(start, end int) Set {
		var ws []Window
		for d := time.Monday; d <= time.Friday; d++ {
			ws = append(ws, Window{Day: d, Start: start * 60, End: end * 60})
		}
		return FromWindows(ws)
	}
	// London 09:00-17:00, New York 09:00-17:00: in winter they share 14:00-17:00 London time, in the
	// two weeks of March only 13:00-17:00 would do; 14:00-17:00 holds throughout.
	deltas := Deltas(london, newYork, date(2027, 1, 11), date(2027, 6, 30))
	common := Common(office(9, 17), office(9, 17), deltas)
	want := office(14, 17)
	if common != want {
		t.Fatalf("common slots = %v, want %v", common.Slots(), want.Slots())
	}
	// An hour-long meeting fits from 14:00 to 16:00 on every weekday.
	if got := common.Starts(4).Count(); got != 5*9 {
		t.Fatalf("hour-long meeting starts = %d, want 45", got)
	}
	// London mornings never meet New York.
	if !Common(office(9, 12), office(9, 17), deltas).Empty() {
		t.Fatal("London mornings overlap New York office hours")
	}
}

func TestMeetingSlots(t *testing.T) {
	for minutes, want := range map[int]int{15: 1, 30: 2, 45: 3, 50: 4, 60: 4, 0: 1} {
		if got := MeetingSlots(minutes); got != want {
			t.Errorf("MeetingSlots(%d) = %d, want %d", minutes, got, want)
		}
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func BenchmarkCommonAndStarts(b *testing.B) {
	london, newYork := mustZone(b, "Europe/London"), mustZone(b, "America/New_York")
	deltas := Deltas(london, newYork, date(2027, 1, 11), date(2027, 12, 17))
	r := rand.New(rand.NewPCG(5, 6))
	a, o := randomSet(r), randomSet(r)
	for b.Loop() {
		_ = Common(a, o, deltas).Starts(3)
	}
}
