package matching_test

import (
	"slices"
	"testing"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching/matchingtest"
)

// ExplainMentor agrees with the pass: a mentor's pairs are theirs in Match, every other mentee is
// explained once, allowed ones first by score, and forcing another pair never beats the optimum.
func TestExplainMentor(t *testing.T) {
	forced := 0
	for seed := range uint64(4) {
		in := matchingtest.Generate(seed, matchingtest.Options{Mentors: 12, Mentees: 20, MaxCapacity: 2, Topics: 3})
		result := matching.Match(in)
		mentees := 0
		for _, p := range in.Participants {
			if p.Role == matching.Mentee {
				mentees++
			}
		}
		for _, p := range in.Participants {
			if p.Role != matching.Mentor {
				continue
			}
			e, err := matching.ExplainMentor(in, p.Name)
			if err != nil {
				t.Fatal(err)
			}
			var want []matching.Pair
			for _, pair := range result.Pairs {
				if pair.Mentor == p.Name {
					want = append(want, pair)
				}
			}
			if len(e.Pairs) != len(want) || len(e.Pairs) > e.Capacity || (len(e.Pairs) == 0) != (e.Unmatched != nil) {
				t.Errorf("seed %d, %s: pairs %+v (capacity %d, unmatched %+v), want %+v", seed, p.Name, e.Pairs, e.Capacity, e.Unmatched, want)
			}
			if len(e.Pairs)+len(e.Mentees) != mentees {
				t.Errorf("seed %d, %s: %d pairs and %d other mentees, want %d mentees in all", seed, p.Name, len(e.Pairs), len(e.Mentees), mentees)
			}
			ruledOut := false
			for i, alt := range e.Mentees {
				if alt.Violation != nil {
					ruledOut = true
					continue
				}
				if ruledOut || i > 0 && e.Mentees[i-1].Score < alt.Score {
					t.Errorf("seed %d, %s: alternatives out of order at %s", seed, p.Name, alt.Name)
				}
				if slices.Contains(alt.Partners, p.Name) {
					t.Errorf("seed %d, %s: alternative %s is already theirs", seed, p.Name, alt.Name)
				}
				if alt.Forced != nil {
					forced++
				}
				if f := alt.Forced; f != nil && (f.MatchedMentees > e.Outcome.MatchedMentees ||
					f.MatchedMentees == e.Outcome.MatchedMentees && f.TotalScore > e.Outcome.TotalScore) {
					t.Errorf("seed %d, %s: forcing %s (%+v) beats the optimum %+v", seed, p.Name, alt.Name, *f, e.Outcome)
				}
			}
		}
	}
	if forced == 0 {
		t.Error("no alternative was forced: the optimum was never compared")
	}
	if _, err := matching.ExplainMentor(input(programme(), mentor("ann"), mentee("bob")), "bob"); err == nil {
		t.Error("a mentee is explained as a mentor")
	}
}
