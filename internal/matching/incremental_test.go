package matching_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching/matchingtest"
)

// change is one thing that happens to a programme between two passes.
type change func(r *rand.Rand, in *matching.Input, t testing.TB)

// changes are the programme's events, the commonest first: the operator creates the pairings of the
// last pass, someone joins, leaves or edits their profile, a person pins or ends a pairing, enrolment
// closes or opens, and once in a while the policy changes.
var changes = []struct {
	name   string
	weight int
	apply  change
}{
	{"join", 6, func(r *rand.Rand, in *matching.Input, t testing.TB) {
		shape := randomInput(t, r, randomShape{mentors: 1, mentees: 1})
		p := shape.Participants[r.IntN(2)]
		p.Name = fmt.Sprintf("joiner-%d", r.Uint32())
		p.IDs = []string{p.Name + "@example.org"}
		if len(in.Participants) > 0 && r.IntN(3) == 0 {
			p.ManagementChain = append(p.ManagementChain, in.Participants[r.IntN(len(in.Participants))].IDs...)
		}
		in.Participants = append(in.Participants, p)
	}},
	{"leave", 4, func(r *rand.Rand, in *matching.Input, t testing.TB) {
		if len(in.Participants) > 0 {
			i := r.IntN(len(in.Participants))
			in.Participants = slices.Delete(in.Participants, i, i+1)
		}
	}},
	{"edit", 6, func(r *rand.Rand, in *matching.Input, t testing.TB) {
		if len(in.Participants) == 0 {
			return
		}
		p := &in.Participants[r.IntN(len(in.Participants))]
		other := randomInput(t, r, randomShape{mentors: 1, mentees: 1}).Participants[0]
		switch r.IntN(9) {
		case 0:
			p.Seniority = other.Seniority
		case 1:
			p.Availability = other.Availability
		case 2:
			p.Zone = other.Zone
		case 3:
			p.Expertise, p.Goals = other.Expertise, other.Expertise
		case 4:
			p.Capacity = 1 + r.IntN(3)
		case 5:
			p.Paused = !p.Paused
		case 6:
			if p.Hold == nil {
				p.Hold = &matching.Reason{Reason: "ConsentMissing", Message: "Consent is missing."}
			} else {
				p.Hold = nil
			}
		case 7:
			p.Department = other.Department
		case 8:
			p.ManagementChain = append(slices.Clone(p.ManagementChain), in.Participants[r.IntN(len(in.Participants))].IDs...)
		}
	}},
	{"pin", 1, func(r *rand.Rand, in *matching.Input, t testing.TB) {
		var mentors, mentees []string
		for _, p := range in.Participants {
			if p.Role == matching.Mentor {
				mentors = append(mentors, p.Name)
			} else {
				mentees = append(mentees, p.Name)
			}
		}
		if len(mentors) > 0 && len(mentees) > 0 {
			in.Pairings = append(in.Pairings, pairing(fmt.Sprintf("pinned-%d", r.Uint32()), mentors[r.IntN(len(mentors))], mentees[r.IntN(len(mentees))], matching.Pinned))
		}
	}},
	{"end", 2, func(r *rand.Rand, in *matching.Input, t testing.TB) {
		if len(in.Pairings) > 0 {
			i := r.IntN(len(in.Pairings))
			in.Pairings = slices.Clone(in.Pairings)
			in.Pairings[i].State = []matching.PairingState{matching.Ended, matching.Ended, matching.Pinned, matching.Active}[r.IntN(4)]
			if r.IntN(4) == 0 {
				in.Pairings = slices.Delete(in.Pairings, i, i+1)
			}
		}
	}},
	{"bulk", 1, func(r *rand.Rand, in *matching.Input, t testing.TB) {
		for _, p := range randomInput(t, r, randomShape{mentors: r.IntN(8), mentees: r.IntN(12)}).Participants {
			p.Name = fmt.Sprintf("bulk-%d", r.Uint32())
			p.IDs = []string{p.Name + "@example.org"}
			in.Participants = append(in.Participants, p)
		}
	}},
	{"close", 1, func(r *rand.Rand, in *matching.Input, t testing.TB) { in.Policy.Closed = !in.Policy.Closed }},
	{"policy", 1, func(r *rand.Rand, in *matching.Input, t testing.TB) {
		in.Policy.Weights.TopicFit = r.IntN(80)
		in.Policy.Objective = []matching.Objective{matching.MaxParticipation, matching.MaxScore}[r.IntN(2)]
	}},
}

// randomChange draws a change by weight; the controller feeding the pass's pairings back comes
// between two changes half of the time.
func randomChange(r *rand.Rand) (string, change) {
	total := 0
	for _, c := range changes {
		total += c.weight
	}
	n := r.IntN(total)
	for _, c := range changes {
		if n < c.weight {
			return c.name, c.apply
		}
		n -= c.weight
	}
	panic("unreachable")
}

// After every change of random sequences, the incremental matcher returns exactly what a pass from
// scratch returns (every pair, score, breakdown, end, unmatched reason and the summary), and most
// passes repair the last optimum rather than solve again. The solver's invariants are checked after
// every step of every solve, warm or not.
func TestIncrementalEqualsAFullPassAfterEveryChange(t *testing.T) {
	matching.CheckSolverInvariants(t)
	r := rand.New(rand.NewPCG(21, 22))
	paths := map[string]int{}
	for programme := range 60 {
		in := randomInput(t, r, randomShape{mentors: 1 + r.IntN(12), mentees: 1 + r.IntN(18), odd: programme%4 == 0})
		var inc matching.Incremental
		var history []string
		for step := range 40 {
			got, path := inc.Match(in)
			want := matching.Match(in)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("programme %d, step %d (after %v), %s pass:\ngot  %s\nwant %s", programme, step, history, path.Solve, describe(got), describe(want))
			}
			paths[path.Solve+" "+path.Reason]++
			if r.IntN(2) == 0 {
				in = fedBack(in, want)
			}
			name, apply := randomChange(r)
			apply(r, &in, t)
			history = append(history, name)
		}
	}
	t.Logf("passes by path: %v", paths)
	if paths[matching.PathIncremental+" "] < 10*paths[matching.PathFull+" "+matching.ReasonPolicyChanged] ||
		paths[matching.PathFull+" "+matching.ReasonManyChanges] == 0 || paths[matching.PathFull+" "+matching.ReasonProgrammeGrew] == 0 {
		t.Fatalf("the passes took too few of the paths to prove anything: %v", paths)
	}
}

// The same on generated programmes full of exact ties (one or two topics, so that many pairs score
// alike and only the tie-breaking hash, or not even that, tells assignments apart), where a repaired
// optimum differs from a fresh one unless both are the canonical optimum.
func TestIncrementalEqualsAFullPassWithManyTies(t *testing.T) {
	matching.CheckSolverInvariants(t)
	r := rand.New(rand.NewPCG(23, 24))
	incremental := 0
	for programme := range 12 {
		in := matchingtest.Generate(uint64(programme), matchingtest.Options{Mentees: 40 + r.IntN(60), Mentors: 20 + r.IntN(30),
			MaxCapacity: 1 + r.IntN(3), Topics: 1 + r.IntN(2),
			Objective: []matching.Objective{matching.MaxParticipation, matching.MaxScore}[programme%2]})
		var inc matching.Incremental
		for step := range 25 {
			got, path := inc.Match(in)
			want := matching.Match(in)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("programme %d, step %d, %s pass:\ngot  %s\nwant %s", programme, step, path.Solve, describe(got), describe(want))
			}
			if path.Solve == matching.PathIncremental {
				incremental++
			}
			in = fedBack(in, want)
			switch r.IntN(3) {
			case 0:
				// A mentee like the others joins: their pairs tie with many.
				p := in.Participants[len(in.Participants)-1-r.IntN(10)]
				p.Name = fmt.Sprintf("mentee-joiner-%03d", step)
				in.Participants = append(in.Participants, p)
			case 1:
				i := r.IntN(len(in.Participants))
				in.Participants = slices.Delete(slices.Clone(in.Participants), i, i+1)
			default:
				p := &in.Participants[r.IntN(len(in.Participants))]
				p.Seniority++
			}
		}
	}
	if incremental < 12*20 {
		t.Fatalf("only %d incremental passes", incremental)
	}
}
