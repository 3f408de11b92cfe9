// Command matching-benchmark times one matching pass (matching.Match, end to end) on a generated
// programme in a fresh process, so that its peak memory is its own, and can export the pass's
// assignment problem for SciPy. It prints one JSON line: the wall-clock and processor seconds of the
// pass, the peak resident memory of the process up to the end of the pass, and with -export the
// optimum's total cost and assigned rows under the exported problem's costs. With -roster it also
// writes the programme as the manifests that kubectl mentoring plan reads (plannertest.Manifests).
// hack/matching-benchmark.sh runs it beside scipy_assign.py and the plugin, and prints the comparison.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching/matchingtest"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner/plannertest"
)

func main() {
	var (
		o       matchingtest.Options
		seed    uint64
		export  string
		roster  string
		profile string
	)
	flag.IntVar(&o.Mentees, "mentees", 4000, "Mentees in the programme.")
	flag.IntVar(&o.Mentors, "mentors", 2000, "Mentors in the programme.")
	flag.IntVar(&o.MaxCapacity, "max-capacity", 3, "Largest mentor capacity.")
	flag.IntVar(&o.Topics, "topics", 6, "Programme topics: fewer make more pairs share one.")
	flag.StringVar((*string)(&o.Objective), "objective", string(matching.MaxParticipation), "MaxParticipation or MaxScore.")
	flag.Uint64Var(&seed, "seed", 1, "Seed of the generated programme.")
	flag.StringVar(&export, "export", "", "Write the pass's assignment problem as one JSON line to this file.")
	flag.StringVar(&roster, "roster", "", "Write the programme's Programme and Participant manifests, as YAML, to this file.")
	flag.StringVar(&profile, "cpuprofile", "", "Write a CPU profile of the pass to this file.")
	flag.Parse()

	in := matchingtest.Generate(seed, o)
	if roster != "" {
		if err := writeRoster(roster, in); err != nil {
			fail(err)
		}
	}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
	}
	var before syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &before); err != nil {
		fail(err)
	}
	started := time.Now()
	result := matching.Match(in)
	elapsed := time.Since(started)
	pprof.StopCPUProfile()
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		fail(err)
	}
	report := map[string]any{
		"mentees": o.Mentees, "mentors": o.Mentors, "seed": seed, "seconds": elapsed.Seconds(),
		"cpuSeconds": cpuSeconds(usage) - cpuSeconds(before), "maxRSSMiB": usage.Maxrss / 1024,
		"pairs": len(result.Pairs), "averageScore": result.Summary.AverageScore, "totalScore": result.Summary.TotalScore,
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

// writeRoster writes the manifests of a generated programme as one YAML stream.
func writeRoster(path string, in matching.Input) error {
	var out bytes.Buffer
	if err := plannertest.Roster(&out, "generated", in); err != nil {
		return err
	}
	return os.WriteFile(path, out.Bytes(), 0o644)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

// cpuSeconds is the processor time, user and system, in a resource usage.
func cpuSeconds(u syscall.Rusage) float64 {
	return time.Duration(syscall.TimevalToNsec(u.Utime) + syscall.TimevalToNsec(u.Stime)).Seconds()
}
