package matching_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching/matchingtest"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// python is Debian's interpreter, which sees python3-scipy.
const python = "/usr/bin/python3"

// Match's new pairs are as good as SciPy's linear_sum_assignment on the problems of the free people:
// hundreds of generated and random programmes, up to 60 mentees and 40 mentors, capacities up to
// four, sparse and dense allowed pairs, existing pairings kept, both objectives. SciPy runs once, on
// all of them, through hack/matching-benchmark/scipy_assign.py, which solves the capacity-expanded
// matrix. Without SciPy the test skips, except in CI (CI=true), where it fails.
func TestOptimalAgainstSciPy(t *testing.T) {
	if err := exec.Command(python, "-c", "import scipy.optimize").Run(); err != nil {
		testenv.SkipOutsideCI(t, "SciPy is not installed (apt-get install python3-scipy, as hack/test-deps.sh does): %v", err)
	}
	r := rand.New(rand.NewPCG(9, 9))
	type instance struct {
		name           string
		total          int64
		assigned       int
		rows, capacity int
	}
	var instances []instance
	var lines bytes.Buffer
	for i := 0; len(instances) < 400; i++ {
		var in matching.Input
		if i%2 == 0 {
			in = matchingtest.Generate(uint64(i), matchingtest.Options{
				Mentors: 1 + r.IntN(40), Mentees: 1 + r.IntN(60), MaxCapacity: 1 + r.IntN(4),
				Objective: []matching.Objective{matching.MaxParticipation, matching.MaxScore}[r.IntN(2)],
				// More topics make fewer pairs share one: from almost every pair allowed to few.
				Topics: 1 + r.IntN(16),
			})
		} else {
			in = randomInput(t, r, randomShape{mentors: 1 + r.IntN(25), mentees: 1 + r.IntN(40)})
			in.Policy.Closed = false
		}
		p, total, assigned := matching.Reference(in)
		if p.Rows == 0 {
			continue
		}
		line, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		lines.Write(append(line, '\n'))
		capacity := 0
		for _, c := range p.Capacity {
			capacity += c
		}
		instances = append(instances, instance{fmt.Sprintf("%d (%s)", i, in.Policy.Objective), total, assigned, p.Rows, capacity})
	}
	file := filepath.Join(t.TempDir(), "problems.jsonl")
	if err := os.WriteFile(file, lines.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, filepath.Join("..", "..", "hack", "matching-benchmark", "scipy_assign.py"), file)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("scipy_assign.py: %v", err)
	}
	scanner := bufio.NewScanner(bytes.NewReader(out))
	k := 0
	for ; scanner.Scan(); k++ {
		var got struct {
			Total    int64 `json:"total"`
			Assigned int   `json:"assigned"`
		}
		if err := json.Unmarshal(scanner.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		want := instances[k]
		if got.Total != want.total || got.Assigned != want.assigned {
			t.Errorf("programme %s, %d rows, capacity %d: matcher total %d with %d assigned, SciPy %d with %d",
				want.name, want.rows, want.capacity, want.total, want.assigned, got.Total, got.Assigned)
		}
	}
	if k != len(instances) {
		t.Fatalf("SciPy answered %d of %d problems", k, len(instances))
	}
}
