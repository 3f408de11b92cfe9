// Command matching-benchmark times one matching pass on a generated programme in a fresh process, so
// that its peak memory is its own, and can export the pass's assignment problem for SciPy.
// hack/matching-benchmark.sh runs it beside scipy_assign.py and prints the comparison.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching/matchingtest"
)

func main() {
	var (
		o      matchingtest.Options
		seed   uint64
		export string
	)
	flag.IntVar(&o.Mentees, "mentees", 4000, "Mentees in the programme.")
	flag.IntVar(&o.Mentors, "mentors", 2000, "Mentors in the programme.")
	flag.IntVar(&o.MaxCapacity, "max-capacity", 3, "Largest mentor capacity.")
	flag.Uint64Var(&seed, "seed", 1, "Seed of the generated programme.")
	flag.StringVar(&export, "export", "", "Write the pass's assignment problem as one JSON line to this file.")
	flag.Parse()

	in := matchingtest.Generate(seed, o)
	started := time.Now()
	result := matching.Match(in)
	elapsed := time.Since(started)
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		fail(err)
	}
	report := map[string]any{
		"mentees": o.Mentees, "mentors": o.Mentors, "seconds": elapsed.Seconds(),
		"maxRSSMiB": usage.Maxrss / 1024, "pairs": len(result.Pairs), "averageScore": result.Summary.AverageScore,
	}
	if export != "" {
		problem, cost, assigned := matching.Reference(in)
		line, err := json.Marshal(problem)
		if err != nil {
			fail(err)
		}
		if err := os.WriteFile(export, append(line, '\n'), 0o644); err != nil {
			fail(err)
		}
		report["total"], report["assigned"] = cost, assigned
	}
	if err := json.NewEncoder(os.Stdout).Encode(report); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
