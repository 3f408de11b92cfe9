package matching_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
)

// The matcher's allowed pairs are exactly the naive constraints' allowed pairs, on random programmes
// with clock changes, unusual offsets and periods starting in every month.
func TestAllowedPairsAreThoseOfTheNaiveConstraints(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for i := range 150 {
		in := randomInput(t, r, randomShape{mentors: r.IntN(8), mentees: r.IntN(10), odd: i%2 == 0})
		n := newNaive(in)
		allowed := map[[2]string]bool{}
		for _, c := range matching.Candidates(in) {
			allowed[[2]string{c.Mentor, c.Mentee}] = true
		}
		for _, mentor := range in.Participants {
			for _, mentee := range in.Participants {
				if mentor.Role != matching.Mentor || mentee.Role != matching.Mentee {
					continue
				}
				if got, want := allowed[[2]string{mentor.Name, mentee.Name}], n.allowed(mentor, mentee); got != want {
					t.Fatalf("programme %d: pair %s→%s allowed = %v, the naive constraints say %v (%v)", i, mentor.Name, mentee.Name, got, want, n.violations(mentor, mentee))
				}
			}
		}
	}
}

// Whatever the programme, the result satisfies every constraint (see checkResult).
func TestEveryResultSatisfiesTheConstraints(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for i := range 300 {
		in := randomInput(t, r, randomShape{mentors: r.IntN(10), mentees: r.IntN(14), odd: i%3 == 0})
		checkResult(t, in, matching.Match(in))
	}
}

// Shuffling participants and pairings gives an identical result.
func TestInputOrderNeverChangesTheResult(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for i := range 100 {
		in := randomInput(t, r, randomShape{mentors: r.IntN(10), mentees: r.IntN(14), odd: i%2 == 0})
		want := matching.Match(in)
		for range 3 {
			if got := matching.Match(shuffled(r, in)); !reflect.DeepEqual(got, want) {
				t.Fatalf("programme %d: shuffled input gives\n%s\nnot\n%s", i, describe(got), describe(want))
			}
		}
	}
}

// Participants sharing a name are ignored whatever their order, rather than the first one winning.
func TestParticipantsSharingANameAreIgnored(t *testing.T) {
	in := input(programme(), mentor("ann"), mentor("ann", seniority(1)), mentee("bob"))
	r := matching.Match(in)
	if len(r.Pairs) != 0 || unmatchedReason(r, "bob") != matching.ReasonNoCounterpart {
		t.Fatalf("got %s, want bob unmatched for want of a mentor", describe(r))
	}
	in.Participants[0], in.Participants[1] = in.Participants[1], in.Participants[0]
	if again := matching.Match(in); !reflect.DeepEqual(again, r) {
		t.Fatalf("swapping the two gives %s, not %s", describe(again), describe(r))
	}
}
