package matching_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching/matchingtest"
)

// fedBack is the input after the result's pairs were created: kept pairs keep their pairings, new ones
// become active pairings, and ended pairings become history.
func fedBack(in matching.Input, r matching.Result) matching.Input {
	out := in
	out.Pairings = nil
	ended := map[string]bool{}
	for _, e := range r.Ends {
		ended[e.Pairing] = true
	}
	for _, p := range in.Pairings {
		if p.State == matching.Ended || ended[p.Name] {
			out.Pairings = append(out.Pairings, pairing(p.Name, p.Mentor, p.Mentee, matching.Ended))
		}
	}
	for _, p := range r.Pairs {
		switch {
		case p.Pinned:
			out.Pairings = append(out.Pairings, pairing(p.Pairing, p.Mentor, p.Mentee, matching.Pinned))
		case p.Pairing != "":
			out.Pairings = append(out.Pairings, pairing(p.Pairing, p.Mentor, p.Mentee, matching.Active))
		default:
			out.Pairings = append(out.Pairings, pairing(fmt.Sprintf("new-%s-%s", p.Mentor, p.Mentee), p.Mentor, p.Mentee, matching.Active))
		}
	}
	return out
}

// pairSet is a result's pairs as mentor→mentee.
func pairSet(r matching.Result) map[string]bool {
	out := map[string]bool{}
	for _, p := range pairsOf(r) {
		out[p] = true
	}
	return out
}

// stableProgramme draws a programme whose pass settled: its result fed back as pairings.
func stableProgramme(t *testing.T, r *rand.Rand) (matching.Input, matching.Result) {
	in := randomInput(t, r, randomShape{mentors: 1 + r.IntN(8), mentees: 1 + r.IntN(12)})
	in.Policy.Closed = false
	in = fedBack(in, matching.Match(in))
	return in, matching.Match(in)
}

// A pass over its own result changes nothing: every pair is kept under its pairing, none ends, none
// is new.
func TestAPassOverItsOwnResultChangesNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for i := range 150 {
		in := randomInput(t, r, randomShape{mentors: r.IntN(9), mentees: r.IntN(12), odd: i%4 == 0})
		first := matching.Match(in)
		again := fedBack(in, first)
		second := matching.Match(again)
		checkResult(t, again, second)
		if len(second.Ends) > 0 || second.Summary.NewPairings > 0 || !sameSet(pairSet(first), pairSet(second)) {
			t.Fatalf("programme %d: the second pass changed\n%s\ninto\n%s", i, describe(first), describe(second))
		}
	}
}

// A participant who joins gets new pairs, if any; no existing pair ends or moves, and no new pair leaves
// the newcomer out.
func TestAJoinOnlyAddsPairsWithTheNewcomer(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for i := range 150 {
		in, before := stableProgramme(t, r)
		newcomer := mentee("joiner", seniority(1+r.IntN(10)), available(randomWeek(r)), goals(in.Policy.Topics[0], 3))
		if i%2 == 0 {
			newcomer = mentor("joiner", seniority(1+r.IntN(10)), capacity(1+r.IntN(3)), available(randomWeek(r)), expertise(in.Policy.Topics[0], 4))
		}
		newcomer.Zone = in.Participants[r.IntN(len(in.Participants))].Zone
		joined := in
		joined.Participants = append(slices.Clone(in.Participants), newcomer)
		after := matching.Match(joined)
		checkResult(t, joined, after)
		if len(after.Ends) > 0 {
			t.Fatalf("programme %d: a join ended %v", i, after.Ends)
		}
		for p := range pairSet(before) {
			if !pairSet(after)[p] {
				t.Fatalf("programme %d: pair %s lost after a join: %s", i, p, describe(after))
			}
		}
		for _, p := range after.Pairs {
			if p.Pairing == "" && p.Mentor != "joiner" && p.Mentee != "joiner" {
				t.Fatalf("programme %d: new pair %s→%s without the newcomer", i, p.Mentor, p.Mentee)
			}
		}
	}
}

// A participant who leaves ends their own pairings only; their former partners may get new pairs, and
// nobody else does.
func TestALeaveOnlyEndsTheLeaversPairings(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	for i := range 150 {
		in, before := stableProgramme(t, r)
		leaver := in.Participants[r.IntN(len(in.Participants))].Name
		left := in
		left.Participants = slices.DeleteFunc(slices.Clone(in.Participants), func(p matching.Participant) bool { return p.Name == leaver })
		after := matching.Match(left)
		checkResult(t, left, after)
		partners := map[string]bool{}
		for _, p := range before.Pairs {
			if p.Mentor == leaver {
				partners[p.Mentee] = true
			}
			if p.Mentee == leaver {
				partners[p.Mentor] = true
			}
		}
		for _, e := range after.Ends {
			if e.Mentor != leaver && e.Mentee != leaver || e.Reason != matching.EndParticipantLeft {
				t.Fatalf("programme %d: %s left, but pairing %+v ended", i, leaver, e)
			}
		}
		for _, p := range before.Pairs {
			if p.Mentor != leaver && p.Mentee != leaver && !pairSet(after)[p.Mentor+"→"+p.Mentee] {
				t.Fatalf("programme %d: %s left, and pair %s→%s was lost", i, leaver, p.Mentor, p.Mentee)
			}
		}
		for _, p := range after.Pairs {
			if p.Pairing == "" && !partners[p.Mentor] && !partners[p.Mentee] {
				t.Fatalf("programme %d: %s left, and new pair %s→%s involves none of their partners %v", i, leaver, p.Mentor, p.Mentee, partners)
			}
		}
	}
}

// A mentor who leaves frees their mentee, who is matched again.
func TestALeaversPartnerIsMatchedAgain(t *testing.T) {
	in := input(programme(), mentor("ann"), mentor("amy"), mentee("bob"))
	first := matching.Match(in)
	settled := fedBack(in, first)
	leaver := first.Pairs[0].Mentor
	settled.Participants = slices.DeleteFunc(settled.Participants, func(p matching.Participant) bool { return p.Name == leaver })
	r := matching.Match(settled)
	if len(r.Ends) != 1 || r.Ends[0].Reason != matching.EndParticipantLeft || len(r.Pairs) != 1 || r.Pairs[0].Pairing != "" {
		t.Fatalf("after %s left: %s", leaver, describe(r))
	}
}

func TestPinnedPairs(t *testing.T) {
	t.Run("kept although they break constraints, and reported", func(t *testing.T) {
		in := withPairings(input(programme(func(p *matching.Policy) { p.ExcludeSameDepartment = true }),
			mentor("ann", department("sales")), mentee("bob")), pairing("by-hand", "ann", "bob", matching.Pinned))
		r := matching.Match(in)
		checkResult(t, in, r)
		p := pairOf(r, "bob")
		if p == nil || !p.Pinned || p.Pairing != "by-hand" || p.Violation == nil || p.Violation.Constraint != matching.SameDepartment {
			t.Fatalf("got %s, want the pinned pair kept with its violation", describe(r))
		}
	})
	t.Run("use capacity", func(t *testing.T) {
		in := withPairings(input(programme(), mentor("ann"), mentee("bob", seniority(1)), mentee("cat")),
			pairing("by-hand", "ann", "bob", matching.Pinned))
		r := matching.Match(in)
		checkResult(t, in, r)
		if pairOf(r, "bob") == nil || pairOf(r, "cat") != nil || unmatchedReason(r, "cat") != matching.ReasonCounterpartsTaken {
			t.Fatalf("got %s, want ann's capacity taken by the pinned pair", describe(r))
		}
	})
	t.Run("beyond capacity, reported", func(t *testing.T) {
		in := withPairings(input(programme(), mentor("ann"), mentee("bob"), mentee("cat")),
			pairing("one", "ann", "bob", matching.Pinned), pairing("two", "ann", "cat", matching.Pinned))
		r := matching.Match(in)
		checkResult(t, in, r)
		if len(r.Pairs) != 2 || r.Pairs[1].Violation == nil || r.Pairs[1].Violation.Constraint != matching.MentorAtCapacity {
			t.Fatalf("got %s, want both pinned pairs, the second at capacity", describe(r))
		}
	})
	t.Run("before active ones", func(t *testing.T) {
		in := withPairings(input(programme(), mentor("ann"), mentee("bob"), mentee("cat")),
			pairing("a-active", "ann", "bob", matching.Active), pairing("z-pinned", "ann", "cat", matching.Pinned))
		r := matching.Match(in)
		checkResult(t, in, r)
		if pairOf(r, "cat") == nil || len(r.Ends) != 1 || r.Ends[0].Pairing != "a-active" {
			t.Fatalf("got %s, want the pinned pair kept and the active one ended", describe(r))
		}
	})
	t.Run("end when a participant pauses", func(t *testing.T) {
		in := withPairings(input(programme(), mentor("ann", paused()), mentee("bob")), pairing("by-hand", "ann", "bob", matching.Pinned))
		r := matching.Match(in)
		checkResult(t, in, r)
		if len(r.Ends) != 1 || r.Ends[0].Reason != matching.EndParticipantPaused {
			t.Fatalf("got %s, want the pinned pairing ended", describe(r))
		}
	})
}

func TestActivePairs(t *testing.T) {
	tests := []struct {
		name     string
		policy   func(*matching.Policy)
		mentor   []option
		mentee   []option
		pairings []matching.Pairing
		ends     matching.EndReason
	}{
		{name: "kept while allowed", pairings: []matching.Pairing{pairing("p", "ann", "bob", matching.Active)}},
		{name: "ended when a constraint now forbids it", mentee: []option{seniority(1)},
			pairings: []matching.Pairing{pairing("p", "ann", "bob", matching.Active)}, ends: matching.EndConstraintViolated},
		{name: "ended when the policy now forbids it", policy: func(p *matching.Policy) { p.ExcludeSameDepartment = true }, mentor: []option{department("sales")},
			pairings: []matching.Pairing{pairing("p", "ann", "bob", matching.Active)}, ends: matching.EndConstraintViolated},
		{name: "ended when a participant pauses", mentee: []option{paused()},
			pairings: []matching.Pairing{pairing("p", "ann", "bob", matching.Active)}, ends: matching.EndParticipantPaused},
		{name: "ended when a participant left", pairings: []matching.Pairing{pairing("p", "ann", "gone", matching.Active)}, ends: matching.EndParticipantLeft},
		{name: "kept for a held participant", mentee: []option{hold("ConsentMissing")}, pairings: []matching.Pairing{pairing("p", "ann", "bob", matching.Active)}},
		{name: "kept after enrolment closed", policy: func(p *matching.Policy) { p.Closed = true }, pairings: []matching.Pairing{pairing("p", "ann", "bob", matching.Active)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			policy := programme()
			if tt.policy != nil {
				tt.policy(&policy)
			}
			in := withPairings(input(policy, mentor("ann", tt.mentor...), mentee("bob", tt.mentee...)), tt.pairings...)
			r := matching.Match(in)
			checkResult(t, in, r)
			if tt.ends == "" {
				if p := pairOf(r, "bob"); p == nil || p.Pairing != "p" || len(r.Ends) != 0 {
					t.Fatalf("got %s, want pairing p kept", describe(r))
				}
				return
			}
			if len(r.Ends) != 1 || r.Ends[0].Pairing != "p" || r.Ends[0].Reason != tt.ends || r.Ends[0].Message == "" {
				t.Fatalf("got %s, want pairing p ended for %s", describe(r), tt.ends)
			}
		})
	}
}

// After enrolment closes, nobody gets a new pair, and the unmatched learn why.
func TestClosedEnrolmentMakesNoNewPairs(t *testing.T) {
	in := input(programme(func(p *matching.Policy) { p.Closed = true }), mentor("ann"), mentee("bob"))
	r := matching.Match(in)
	checkResult(t, in, r)
	if len(r.Pairs) != 0 || unmatchedReason(r, "bob") != matching.ReasonEnrolmentClosed || unmatchedReason(r, "ann") != matching.ReasonEnrolmentClosed {
		t.Fatalf("got %s, want no pairs and both unmatched as EnrolmentClosed", describe(r))
	}
	in.Policy.ClosedReason = &matching.Reason{Reason: "Suspended", Message: "The programme is suspended."}
	if r := matching.Match(in); len(r.Pairs) != 0 || unmatchedReason(r, "bob") != "Suspended" {
		t.Fatalf("got %s, want no pairs and bob unmatched as Suspended", describe(r))
	}
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// A rollout interrupted after any part of its pairings were made completes to the same plan, even in
// programmes full of equally good assignments (two topics, many identical scores).
func TestAnInterruptedRolloutCompletesToTheSamePlan(t *testing.T) {
	for seed := uint64(1); seed <= 60; seed++ {
		in := matchingtest.Generate(seed, matchingtest.Options{Mentees: 120, Mentors: 60, MaxCapacity: 2, Topics: 2})
		want := pairSet(matching.Match(in))
		r := rand.New(rand.NewPCG(seed, 11))
		made := in
		for i, p := range matching.Match(in).Pairs {
			if r.IntN(4) == 0 {
				made.Pairings = append(made.Pairings, matching.Pairing{Name: fmt.Sprintf("made-%03d", i), Mentor: p.Mentor, Mentee: p.Mentee, State: matching.Active})
			}
		}
		if got := pairSet(matching.Match(made)); !maps.Equal(got, want) {
			t.Fatalf("seed %d: after %d of %d pairings were made, the pass completes to another plan", seed, len(made.Pairings), len(want))
		}
	}
}
