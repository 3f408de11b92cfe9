package matching_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

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

// BenchmarkChange is one change to a settled programme of 2,000 or 10,000 participants, with mentor
// capacity to spare (most joiners get a pair), and the pass after it, by a full pass (Match)
// and by an Incremental matcher, side by side on the same sequence of changes: a mentee or a mentor
// joins, a participant leaves, or a participant's availability changes. After each pass the pairings
// it made are fed back, as the operator would create them. Besides time it reports the processor time
// of the pass alone (cpu-ms/op), and for the incremental matcher the passes that solved from scratch
// and the memory it keeps between passes (kept-MiB).
//
//	go test ./internal/matching -run '^$' -bench Change -benchtime 20x
func BenchmarkChange(b *testing.B) {
	for _, size := range [][2]int{{1200, 800}, {6000, 4000}} {
		for _, kind := range []string{"join", "leave", "edit"} {
			for _, path := range []string{matching.PathFull, matching.PathIncremental} {
				b.Run(fmt.Sprintf("%d/%s/%s", size[0]+size[1], kind, path), func(b *testing.B) {
					benchmarkChange(b, size[0], size[1], kind, path)
				})
			}
		}
	}
}

func benchmarkChange(b *testing.B, mentees, mentors int, kind, path string) {
	in := matchingtest.Generate(1, matchingtest.Options{Mentees: mentees, Mentors: mentors})
	in = fedBack(in, matching.Match(in))
	newcomers := matchingtest.Generate(2, matchingtest.Options{Mentees: b.N, Mentors: b.N})
	var inc matching.Incremental
	full := 0
	pass := func(in matching.Input) matching.Result {
		if path == matching.PathFull {
			return matching.Match(in)
		}
		r, p := inc.Match(in)
		if p.Solve == matching.PathFull {
			full++
		}
		return r
	}
	pass(in)
	full = 0
	r := rand.New(rand.NewPCG(3, 4))
	var processor time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		in.Participants = slices.Clone(in.Participants)
		switch kind {
		case "join":
			p := newcomers.Participants[i+b.N*(i%2)]
			p.Name, p.IDs = "joiner-"+p.Name, []string{"joiner-" + p.Name + "@example.org"}
			in.Participants = append(in.Participants, p)
		case "leave":
			i := r.IntN(len(in.Participants))
			in.Participants = slices.Delete(in.Participants, i, i+1)
		case "edit":
			p := &in.Participants[r.IntN(len(in.Participants))]
			p.Availability = in.Participants[r.IntN(len(in.Participants))].Availability
		}
		before := processorTime()
		b.StartTimer()
		result := pass(in)
		b.StopTimer()
		processor += processorTime() - before
		in = fedBack(in, result)
	}
	b.ReportMetric(float64(processor.Milliseconds())/float64(b.N), "cpu-ms/op")
	if path == matching.PathIncremental {
		b.ReportMetric(float64(full), "full-solves")
		// What the matcher keeps between passes: the heap it holds.
		with := heapInUse()
		runtime.KeepAlive(&inc)
		inc = matching.Incremental{}
		without := heapInUse()
		runtime.KeepAlive(in)
		b.ReportMetric(float64(with-without)/(1<<20), "kept-MiB")
	}
}

// heapInUse is the heap in use after a collection.
func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// processorTime is the processor time the process used so far, user and system.
func processorTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		panic(err)
	}
	return time.Duration(syscall.TimevalToNsec(u.Utime) + syscall.TimevalToNsec(u.Stime))
}

// BenchmarkChanges is a batch of availability edits to a settled programme of 10,000 participants, and
// the pass after it, by a full pass and by an Incremental matcher, side by side: where a repair stops
// paying (Repairable).
//
//	go test ./internal/matching -run '^$' -bench Changes -benchtime 5x
func BenchmarkChanges(b *testing.B) {
	for _, changes := range []int{50, 200, 500, 1000} {
		for _, path := range []string{matching.PathFull, matching.PathIncremental} {
			b.Run(fmt.Sprintf("%d/%s", changes, path), func(b *testing.B) {
				in := matchingtest.Generate(1, matchingtest.Options{Mentees: 6000, Mentors: 4000})
				in = fedBack(in, matching.Match(in))
				var inc matching.Incremental
				inc.Match(in)
				r := rand.New(rand.NewPCG(3, 4))
				full := 0
				b.ResetTimer()
				for range b.N {
					b.StopTimer()
					in.Participants = slices.Clone(in.Participants)
					for range changes {
						p := &in.Participants[r.IntN(len(in.Participants))]
						p.Availability = in.Participants[r.IntN(len(in.Participants))].Availability
					}
					b.StartTimer()
					var result matching.Result
					if path == matching.PathFull {
						result = matching.Match(in)
					} else {
						var p matching.Path
						if result, p = inc.Match(in); p.Solve == matching.PathFull {
							full++
						}
					}
					b.StopTimer()
					in = fedBack(in, result)
				}
				b.ReportMetric(float64(full), "full-solves")
			})
		}
	}
}
