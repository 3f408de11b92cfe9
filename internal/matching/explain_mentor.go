package matching

import (
	"fmt"
	"slices"
)

// MentorExplanation says why a mentor got their mentees, or none, and why every other mentee is not
// theirs: Explain from the mentor's side.
type MentorExplanation struct {
	Mentor string
	// Capacity is the most mentees the mentor takes: their own capacity within the programme's cap.
	Capacity int
	// Pairs are the mentor's pairs after the pass, by mentee; when there are none, Unmatched says why.
	Pairs     []Pair
	Unmatched *Reason
	// Outcome is the pass's result for the whole programme.
	Outcome Outcome
	// Mentees are every other mentee: allowed ones by score, best first, then the ruled-out ones by name.
	Mentees []Alternative
}

// ExplainMentor runs the pass of in and explains the named mentor's result against every mentee.
func ExplainMentor(in Input, mentor string) (MentorExplanation, error) {
	result := Match(in)
	x := newIndex(in)
	target, ok := x.byName[mentor]
	if !ok || target.Role != Mentor {
		return MentorExplanation{}, fmt.Errorf("no mentor named %q", mentor)
	}
	e := MentorExplanation{Mentor: mentor, Capacity: x.capacity(target), Outcome: outcomeOf(result)}
	for _, p := range result.Pairs {
		if p.Mentor == mentor {
			e.Pairs = append(e.Pairs, p)
		}
	}
	for i, u := range result.Unmatched {
		if u.Name == mentor {
			e.Unmatched = &result.Unmatched[i].Reason
		}
	}
	e.Mentees = alternatives(in, x, result, target, func(mentee string) bool {
		return slices.ContainsFunc(e.Pairs, func(p Pair) bool { return p.Mentee == mentee })
	})
	return e, nil
}
