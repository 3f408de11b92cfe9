package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching/matchingtest"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner/plannertest"
)

// BenchmarkPlan is `kubectl mentoring plan -f roster.yaml -o json` in process, end to end, on the
// generated 4,000 × 2,000 programme that hack/matching-benchmark.sh plans beside SciPy.
//
//	go test ./cmd/kubectl-mentoring -run '^$' -bench Plan -benchtime 3x -cpuprofile plan.prof
func BenchmarkPlan(b *testing.B) {
	roster := filepath.Join(b.TempDir(), "roster.yaml")
	f, err := os.Create(roster)
	if err != nil {
		b.Fatal(err)
	}
	if err := plannertest.Roster(f, "generated", matchingtest.Generate(1, matchingtest.Options{Mentees: 4000, Mentors: 2000})); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if r := kubectlMentoring(b, "", "plan", "-f", roster, "-o", "json"); r.code != 0 {
			b.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	}
}
