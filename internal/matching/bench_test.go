package matching_test

import (
	"fmt"
	"testing"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching/matchingtest"
)

// Benchmarks of one matching pass, end to end, on programmes from matchingtest.Generate with its
// default shape (capacities 1 to 3, about a quarter of all pairs allowed). They run only with -bench;
// hack/matching-benchmark.sh runs the large ones in fresh processes beside SciPy.
//
//	go test ./internal/matching -run '^$' -bench . -benchtime 3x

func benchmarkMatch(b *testing.B, mentees, mentors int) {
	in := matchingtest.Generate(1, matchingtest.Options{Mentees: mentees, Mentors: mentors})
	var r matching.Result
	for b.Loop() {
		r = matching.Match(in)
	}
	b.ReportMetric(float64(r.Summary.MatchedMentees), "matched")
	b.ReportMetric(float64(r.Summary.AverageScore), "avg-score")
}

func BenchmarkMatch200x100(b *testing.B)   { benchmarkMatch(b, 200, 100) }
func BenchmarkMatch1000x500(b *testing.B)  { benchmarkMatch(b, 1000, 500) }
func BenchmarkMatch4000x2000(b *testing.B) { benchmarkMatch(b, 4000, 2000) }

// BenchmarkMatch10000 is 10,000 participants in three compositions: as many mentees per mentor as in
// 4,000 × 2,000, more mentors, and as many of each.
func BenchmarkMatch10000(b *testing.B) {
	for _, size := range [][2]int{{6667, 3333}, {6000, 4000}, {5000, 5000}} {
		b.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(b *testing.B) { benchmarkMatch(b, size[0], size[1]) })
	}
}

// BenchmarkMatchSettled is a pass over a programme of 10,000 participants after its rollout: every
// pair of the first pass is an active pairing, and a pass must keep them and find nothing to add.
func BenchmarkMatchSettled(b *testing.B) {
	in := matchingtest.Generate(1, matchingtest.Options{Mentees: 6000, Mentors: 4000})
	for _, p := range matching.Match(in).Pairs {
		in.Pairings = append(in.Pairings, matching.Pairing{Name: p.Mentor + "-" + p.Mentee, Mentor: p.Mentor, Mentee: p.Mentee, State: matching.Active})
	}
	var r matching.Result
	for b.Loop() {
		r = matching.Match(in)
	}
	if len(r.Pairs) != len(in.Pairings) {
		b.Fatalf("the pass made %d pairs from %d active pairings", len(r.Pairs), len(in.Pairings))
	}
}

// BenchmarkMatchObjectives compares the objectives on a mid-sized programme.
func BenchmarkMatchObjectives(b *testing.B) {
	for _, o := range []matching.Objective{matching.MaxParticipation, matching.MaxScore} {
		b.Run(string(o), func(b *testing.B) {
			in := matchingtest.Generate(1, matchingtest.Options{Mentees: 2000, Mentors: 1000, Objective: o})
			for b.Loop() {
				matching.Match(in)
			}
		})
	}
}
