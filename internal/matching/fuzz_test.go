package matching_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/weekly"
)

// FuzzMatch decodes arbitrary bytes into a small programme that goes out of its way to be odd: empty
// and duplicate names, unknown roles and states, unknown zones, zones with half-hour and
// quarter-hour offsets and clock changes, availability with bits beyond the week, zero and negative
// weights, capacities, gaps and meeting lengths, more than 64 topics, periods ending before they
// start, and pairings naming nobody. Match must not panic, must not depend on the order of the input,
// and its result must pass checkResult: in particular every pair not pinned satisfies the naive
// constraints. Its new pairs must match the free people optimally, as brute force finds, whatever
// pairings it keeps. Explain and Candidates must not panic either.
//
// The bytes left then decode a sequence of changes (joins, leaves, edits, the pass's pairings created,
// pairings pinned or ended, enrolment closing or opening, the weights changing): after each, an
// Incremental matcher that saw every earlier input returns exactly what Match returns, and that
// result passes the same checks.
//
// go test runs the seed corpus in testdata/fuzz/FuzzMatch. To search for new failures, for example for
// ten minutes:
//
//	go test ./internal/matching -run '^$' -fuzz '^FuzzMatch$' -fuzztime 10m
func FuzzMatch(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x00\x00\x02\x01\x01\x03\x01\x05\x1e\x3c\x14\x0a\x0a\x01\x02\x00\x01\x01\x05\x02\x00\x00\x01\x02"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := &decoder{data: data}
		in := decodeInput(t, d)
		r := matching.Match(in)
		checkResult(t, in, r)
		checkOptimal(t, in)
		reversed := in
		reversed.Participants = slices.Clone(in.Participants)
		reversed.Pairings = slices.Clone(in.Pairings)
		slices.Reverse(reversed.Participants)
		slices.Reverse(reversed.Pairings)
		if again := matching.Match(reversed); !reflect.DeepEqual(again, r) {
			t.Fatalf("reversed input gives\n%s\nnot\n%s", describe(again), describe(r))
		}
		matching.Candidates(in)
		for _, p := range in.Participants {
			if p.Role == matching.Mentee {
				if _, err := matching.Explain(in, p.Name); err != nil && slices.ContainsFunc(r.Unmatched, func(u matching.Unmatched) bool { return u.Name == p.Name }) {
					t.Fatalf("Explain(%q): %v", p.Name, err)
				}
				break
			}
		}
		var inc matching.Incremental
		for step := 0; step < 8 && d.next < len(d.data); step++ {
			got, path := inc.Match(in)
			if want := matching.Match(in); !reflect.DeepEqual(got, want) {
				t.Fatalf("step %d, %s pass: incremental gives\n%s\nnot\n%s", step, path.Solve, describe(got), describe(want))
			}
			checkResult(t, in, got)
			checkOptimal(t, in)
			in = decodeChange(t, d, in, got)
		}
	})
}

// checkOptimal compares Match's new pairs with brute force on the problem of the free people, when it
// is small enough to try every assignment.
func checkOptimal(t *testing.T, in matching.Input) {
	t.Helper()
	if in.Policy.Closed {
		return
	}
	p, cost, assigned := matching.Reference(in)
	if p.Rows > 5 || len(p.Capacity) > 6 {
		return
	}
	if wantCost, wantAssigned := bruteForce(p); cost != wantCost || assigned != wantAssigned {
		t.Fatalf("Match's new pairs cost %d with %d assigned; brute force finds %d with %d", cost, assigned, wantCost, wantAssigned)
	}
}

// decodeChange reads one change to a programme whose last pass returned r.
func decodeChange(t testing.TB, d *decoder, in matching.Input, r matching.Result) matching.Input {
	in.Participants, in.Pairings = slices.Clone(in.Participants), slices.Clone(in.Pairings)
	switch d.intn(8) {
	case 0:
		in.Participants = append(in.Participants, decodeParticipant(t, d))
	case 1:
		if len(in.Participants) > 0 {
			i := d.intn(len(in.Participants))
			in.Participants = slices.Delete(in.Participants, i, i+1)
		}
	case 2:
		if len(in.Participants) > 0 {
			i := d.intn(len(in.Participants))
			name := in.Participants[i].Name
			in.Participants[i] = decodeParticipant(t, d)
			in.Participants[i].Name = name
		}
	case 3:
		in = fedBack(in, r)
	case 4:
		in.Pairings = append(in.Pairings, matching.Pairing{Name: fmt.Sprint("pin", d.intn(4)),
			Mentor: fuzzNames[d.intn(len(fuzzNames))], Mentee: fuzzNames[d.intn(len(fuzzNames))], State: matching.Pinned})
	case 5:
		if len(in.Pairings) > 0 {
			in.Pairings[d.intn(len(in.Pairings))].State = []matching.PairingState{matching.Active, matching.Pinned, matching.Ended, "Other"}[d.intn(4)]
		}
	case 6:
		in.Policy.Closed = !in.Policy.Closed
	case 7:
		in.Policy.Weights.TopicFit = d.signed()
	}
	return in
}

// decoder reads small numbers from fuzzing bytes; past the end it reads zeros.
type decoder struct {
	data []byte
	next int
}

func (d *decoder) byte() byte {
	if d.next >= len(d.data) {
		return 0
	}
	d.next++
	return d.data[d.next-1]
}

func (d *decoder) intn(n int) int { return int(d.byte()) % n }
func (d *decoder) signed() int    { return int(int8(d.byte())) }
func (d *decoder) bit() bool      { return d.byte()&1 == 1 }

var fuzzZones = []string{"UTC", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kathmandu", "Australia/Lord_Howe", "Asia/Kolkata"}

func decodeInput(t testing.TB, d *decoder) matching.Input {
	date := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	periods := [][2]time.Time{
		{date(2027, 1, 11), date(2027, 3, 1)}, {date(2027, 3, 1), date(2027, 5, 1)}, {date(2027, 9, 20), date(2027, 11, 20)},
		{{}, {}}, {date(2027, 5, 1), date(2027, 1, 1)}, {date(2027, 1, 1), date(2028, 1, 1)},
	}
	period := periods[d.intn(len(periods))]
	p := matching.Policy{
		Direction:           []matching.Direction{matching.Reverse, matching.Traditional, ""}[d.intn(3)],
		Objective:           []matching.Objective{matching.MaxParticipation, matching.MaxScore, ""}[d.intn(3)],
		MaxMenteesPerMentor: d.signed() % 5, MinSeniorityGap: d.signed() % 4,
		MeetingMinutes: []int{0, 15, 30, 45, 60, 125, -10, 20000}[d.intn(8)],
		Weights:        matching.Weights{TopicFit: d.signed(), Availability: d.signed(), CrossDepartment: d.signed(), SeniorityGap: d.signed()},
		Start:          period[0], End: period[1],
	}
	flags := d.byte()
	p.ExcludeManagementChain, p.ExcludeSameDepartment, p.AvoidPreviousPartners, p.Closed = flags&1 != 0, flags&2 != 0, flags&4 != 0, flags&8 == 8 && flags&16 == 16
	for i := range []int{0, 1, 2, 3, 5, 65, 70}[d.intn(7)] {
		p.Topics = append(p.Topics, fmt.Sprint("t", i))
	}
	if len(p.Topics) > 0 && d.bit() {
		p.Topics = append(p.Topics, "", p.Topics[0])
	}
	for range d.intn(3) {
		p.Diversity = append(p.Diversity, matching.DiversityGoal{Attribute: []string{"g", "h", ""}[d.intn(3)],
			Prefer: []matching.Preference{matching.Different, matching.Same, ""}[d.intn(3)], Weight: d.signed()})
	}
	in := matching.Input{Policy: p}
	for range d.intn(9) {
		in.Participants = append(in.Participants, decodeParticipant(t, d))
	}
	for range d.intn(6) {
		in.Pairings = append(in.Pairings, matching.Pairing{Name: []string{"p", "q", "r", ""}[d.intn(4)],
			Mentor: fuzzNames[d.intn(len(fuzzNames))], Mentee: fuzzNames[d.intn(len(fuzzNames))],
			State: []matching.PairingState{matching.Active, matching.Pinned, matching.Ended, "Other"}[d.intn(4)]})
	}
	return in
}

var fuzzNames = []string{"ann", "bob", "cat", "dan", "eve", ""}

// decodeParticipant reads one participant, odd as decodeInput's.
func decodeParticipant(t testing.TB, d *decoder) matching.Participant {
	q := matching.Participant{
		Name: fuzzNames[d.intn(len(fuzzNames))], Role: []matching.Role{matching.Mentor, matching.Mentee, matching.Mentor, matching.Mentee, "Coach"}[d.intn(5)],
		Seniority: d.signed() % 12, Department: []string{"", "x", "y"}[d.intn(3)], Capacity: d.signed(), Paused: d.intn(8) == 0,
		Attributes: map[string]string{"g": []string{"", "1", "2"}[d.intn(3)]},
	}
	q.IDs = []string{q.Name + "@x", []string{"", "E1", "E2"}[d.intn(3)]}
	for range d.intn(3) {
		q.ManagementChain = append(q.ManagementChain, []string{"ann@x", "bob@x", "cat@x", "E1", "E2", ""}[d.intn(6)])
	}
	if z := d.intn(len(fuzzZones) + 1); z > 0 {
		q.Zone = mustZone(t, fuzzZones[z-1])
	}
	if d.intn(4) == 0 {
		// Raw words, bits beyond the week included.
		for i := range q.Availability {
			q.Availability[i] = uint64(d.byte()) * 0x0101010101010101
		}
	} else {
		var ws []weekly.Window
		for range 1 + d.intn(4) {
			start := d.intn(97) * 15
			ws = append(ws, weekly.Window{Day: time.Weekday(d.intn(7)), Start: start, End: start + d.intn(64)*15 + d.intn(3)})
		}
		q.Availability = weekly.FromWindows(ws)
	}
	levels := map[string]int{}
	for range d.intn(4) {
		topic := fmt.Sprint("t", d.intn(72))
		if d.intn(8) == 0 {
			topic = ""
		}
		levels[topic] = d.signed() % 7
	}
	if q.Role == matching.Mentor {
		q.Expertise = levels
	} else {
		q.Goals = levels
	}
	if d.intn(10) == 0 {
		q.Hold = &matching.Reason{Reason: []string{"", "ConsentMissing"}[d.intn(2)]}
	}
	return q
}
