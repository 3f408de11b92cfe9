package pages_test

import (
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/portal"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

var (
	benchPeople = flag.Int("portal.people", 1000, "Participants in the submission benchmark, half of them mentors.")
	benchUsers  = flag.Int("portal.concurrency", 16, "People submitting at the same moment in the submission benchmark.")
)

// BenchmarkSubmissions: every participant of a programme opens their page and submits a check-in, on
// one replica against a real API server. It reports the time per person (page and post) at the median
// and the 99th percentile, the page server's CPU per submission (the API server's is its own), and its
// heap. Run at the scale with
//
//	go test ./controllers/internal/pages -run '^$' -bench Submissions -benchtime 10000x -portal.people 10000
func BenchmarkSubmissions(b *testing.B) {
	w := newProgramme(b, false)
	pairs := *benchPeople / 2
	type pair struct{ name, mentor, mentee string }
	var all []pair
	for i := range pairs {
		all = append(all, pair{fmt.Sprintf("dl-%05d", i), fmt.Sprintf("m-%05d", i), fmt.Sprintf("e-%05d", i)})
	}
	must(b, testenv.Parallel(16, all, func(p pair) error {
		w.participant(p.mentor, "Mentor "+p.mentor, "Europe/London", mentoringv1alpha1.RoleMentor)
		w.participant(p.mentee, "Mentee "+p.mentee, "America/New_York", mentoringv1alpha1.RoleMentee)
		w.pair(p.name, p.mentor, p.mentee)
		return nil
	}))
	w.probe = all[len(all)-1].mentee
	r := w.startReplica(portal.Options{})
	type submission struct{ link, pairing string }
	var work []submission
	for i := range b.N {
		p := all[(i/2)%pairs]
		person := p.mentor
		if i%2 == 1 {
			person = p.mentee
		}
		work = append(work, submission{w.links[person], p.name})
	}
	var (
		mu        sync.Mutex
		latencies []time.Duration
	)
	runtime.GC()
	cpuBefore := cpuTime()
	b.ResetTimer()
	must(b, testenv.Parallel(*benchUsers, work, func(s submission) error {
		start := time.Now()
		if code := w.post(b, r, s.link, s.pairing, url.Values{"q-meetings": {"3"}, "q-usefulness": {"4"}, "t-ai": {"5"}}); code != http.StatusSeeOther {
			return fmt.Errorf("submission answered %d", code)
		}
		mu.Lock()
		latencies = append(latencies, time.Since(start))
		mu.Unlock()
		return nil
	}))
	b.StopTimer()
	cpu := cpuTime() - cpuBefore
	slices.Sort(latencies)
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	b.ReportMetric(float64(latencies[len(latencies)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Milliseconds()), "p99-ms")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N)/1000, "cpu-ms/submission")
	b.ReportMetric(float64(mem.HeapInuse)/(1<<20), "heap-MB")
}

// cpuTime is the CPU time this process used so far, user and system.
func cpuTime() time.Duration {
	var u syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
