package matching

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/weekly"
)

// The flat arrays that build the edges must agree with the definitions, check and scoreUnitsOf, on
// every pair, including unusual inputs: negative weights and levels, missing zones and departments,
// topics beyond 64, chains and previous pairings.
func TestPairsAgreeWithCheckAndScore(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	zones := []*time.Location{nil, time.UTC}
	for _, name := range []string{"America/New_York", "Australia/Sydney", "Asia/Kathmandu"} {
		z, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		zones = append(zones, z)
	}
	for i := range 200 {
		var topics []string
		for k := range []int{3, 8, 70}[r.IntN(3)] {
			topics = append(topics, fmt.Sprint("t", k))
		}
		in := Input{Policy: Policy{
			Direction: []Direction{Reverse, Traditional}[r.IntN(2)], Topics: topics, MinSeniorityGap: r.IntN(4) - 1,
			ExcludeManagementChain: r.IntN(2) == 0, ExcludeSameDepartment: r.IntN(2) == 0, AvoidPreviousPartners: r.IntN(2) == 0,
			MeetingMinutes: r.IntN(100),
			Weights:        Weights{TopicFit: r.IntN(100) - 10, Availability: r.IntN(50) - 10, CrossDepartment: r.IntN(20) - 5, SeniorityGap: r.IntN(20) - 5},
			Diversity:      []DiversityGoal{{Attribute: "a", Prefer: Same, Weight: r.IntN(20) - 5}, {Attribute: "b", Prefer: Different, Weight: r.IntN(20)}},
			Start:          time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 1+time.Month(r.IntN(12)), 1, 0, 0, 0, 0, time.UTC),
		}}
		for k := range 2 + r.IntN(14) {
			p := Participant{Name: fmt.Sprint("p", k), Role: []Role{Mentor, Mentee}[r.IntN(2)], Seniority: r.IntN(10),
				Department: []string{"", "x", "y"}[r.IntN(3)], IDs: []string{fmt.Sprint("id", k)}, Zone: zones[r.IntN(len(zones))],
				Expertise: map[string]int{}, Goals: map[string]int{}, Paused: r.IntN(10) == 0,
				Attributes: map[string]string{"a": []string{"", "1", "2"}[r.IntN(3)], "b": []string{"", "1", "2"}[r.IntN(3)]}}
			for range 3 {
				p.Expertise[topics[r.IntN(len(topics))]] = r.IntN(7) - 1
				p.Goals[topics[r.IntN(len(topics))]] = r.IntN(7) - 1
				p.ManagementChain = append(p.ManagementChain, fmt.Sprint("id", r.IntN(16)))
			}
			var ws []weekly.Window
			for range 4 {
				ws = append(ws, weekly.Window{Day: time.Weekday(r.IntN(7)), Start: r.IntN(1440), End: r.IntN(1441)})
			}
			p.Availability = weekly.FromWindows(ws)
			in.Participants = append(in.Participants, p)
		}
		for k := range r.IntN(6) {
			in.Pairings = append(in.Pairings, Pairing{Name: fmt.Sprint("e", k), Mentor: fmt.Sprint("p", r.IntN(16)), Mentee: fmt.Sprint("p", r.IntN(16)), State: Ended})
		}
		x := newIndex(in)
		p := newPairs(x)
		for _, mentor := range x.mentors {
			for _, mentee := range x.mentees {
				want := x.check(mentor, mentee)
				if got := p.check(mentor.number, mentee.number); got != want {
					t.Fatalf("input %d: pair %s→%s: flat check %q, check %q", i, mentor.Name, mentee.Name, got, want)
				}
				if want != "" {
					continue
				}
				if got, want := p.units(mentor.number, mentee.number), int64(x.scoreUnitsOf(mentor, mentee, nil)); got != want {
					t.Fatalf("input %d: pair %s→%s: flat units %d, scoreUnitsOf %d", i, mentor.Name, mentee.Name, got, want)
				}
				if got, want := int64(p.tieBreak(mentor.number, mentee.number)), tieBreak(mentor.Name, mentee.Name); got != want {
					t.Fatalf("input %d: pair %s→%s: flat tie-break %d, tieBreak %d", i, mentor.Name, mentee.Name, got, want)
				}
			}
		}
		// The edges are exactly the allowed pairs.
		var rows, cols []*person
		for _, e := range x.mentees {
			if !e.Paused {
				rows = append(rows, e)
			}
		}
		for _, m := range x.mentors {
			if !m.Paused {
				cols = append(cols, m)
			}
		}
		columns, costs := p.edges(rows, cols)
		for r, mentee := range rows {
			k := 0
			for c, mentor := range cols {
				if x.check(mentor, mentee) != "" {
					continue
				}
				if k >= len(columns[r]) || columns[r][k] != int32(c) {
					t.Fatalf("input %d: row %s misses the edge to %s", i, mentee.Name, mentor.Name)
				}
				want := uint32(scoreUnits-x.scoreUnitsOf(mentor, mentee, nil))<<tieBreakBits | uint32(tieBreak(mentor.Name, mentee.Name))
				if costs[r][k] != want {
					t.Fatalf("input %d: edge %s→%s costs %d, want %d", i, mentor.Name, mentee.Name, costs[r][k], want)
				}
				k++
			}
			if k != len(columns[r]) {
				t.Fatalf("input %d: row %s has %d edges, want %d", i, mentee.Name, len(columns[r]), k)
			}
		}
	}
}
