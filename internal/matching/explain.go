package matching

import (
	"cmp"
	"fmt"
	"slices"
)

// Candidate is an allowed pair and its score.
type Candidate struct {
	Mentor, Mentee string
	Score          int
}

// Candidates lists every allowed pair of the input, ignoring capacity, sorted by mentee and mentor.
func Candidates(in Input) []Candidate {
	x := newIndex(in)
	var out []Candidate
	for _, mentee := range x.mentees {
		for _, mentor := range x.mentors {
			if x.check(mentor, mentee) == "" {
				out = append(out, Candidate{Mentor: mentor.Name, Mentee: mentee.Name, Score: roundDiv(x.scoreUnitsOf(mentor, mentee, nil), 100)})
			}
		}
	}
	return out
}

// Explanation says why a mentee got their mentor, and why every other mentor was not chosen.
type Explanation struct {
	Mentee string
	// Pair is the mentee's pair after the pass (the first, should pinned pairings give them several);
	// nil when the mentee is unmatched, and Unmatched says why.
	Pair      *Pair
	Unmatched *Reason
	// Outcome is the pass's result for the whole programme.
	Outcome Outcome
	// Mentors are every other mentor: allowed ones by score, best first, then the ruled-out ones by name.
	Mentors []Alternative
}

// Outcome is what a pass achieves for the whole programme.
type Outcome struct {
	MatchedMentees, TotalScore int
}

// Alternative is another mentor for the mentee.
type Alternative struct {
	Mentor string
	// Violation is the hard constraint that rules the pair out; nil when the pair is allowed.
	Violation *Violation
	// Score of the pair, when allowed.
	Score int
	// Mentees the mentor has after the pass.
	Mentees []string
	// Forced is the programme's outcome if this pair were made instead, found by matching again with
	// the pair in place; set for the best-scoring allowed alternatives only (see forcedAlternatives), and
	// only for pairs a pass could make: not after enrolment closed, nor for held participants, nor when
	// pinned pairings hold the mentor's capacity or the mentee.
	Forced *Outcome
}

// forcedAlternatives bounds how many alternatives Explain matches again with the pair pinned.
const forcedAlternatives = 10

// Explain runs the pass of in and explains the named mentee's result against every mentor.
func Explain(in Input, mentee string) (Explanation, error) {
	result := Match(in)
	x := newIndex(in)
	target, ok := x.byName[mentee]
	if !ok || target.Role != Mentee {
		return Explanation{}, fmt.Errorf("no mentee named %q", mentee)
	}
	e := Explanation{Mentee: mentee, Outcome: outcomeOf(result)}
	menteesOf := map[string][]string{}
	for i, p := range result.Pairs {
		menteesOf[p.Mentor] = append(menteesOf[p.Mentor], p.Mentee)
		if p.Mentee == mentee && e.Pair == nil {
			e.Pair = &result.Pairs[i]
		}
	}
	for i, u := range result.Unmatched {
		if u.Name == mentee {
			e.Unmatched = &result.Unmatched[i].Reason
		}
	}
	for _, mentor := range x.mentors {
		if e.Pair != nil && mentor.Name == e.Pair.Mentor {
			continue
		}
		alt := Alternative{Mentor: mentor.Name, Mentees: menteesOf[mentor.Name]}
		if c := x.check(mentor, target); c != "" {
			alt.Violation = x.violation(c, mentor, target)
		} else {
			alt.Score, _ = x.score(mentor, target)
		}
		e.Mentors = append(e.Mentors, alt)
	}
	slices.SortStableFunc(e.Mentors, func(a, b Alternative) int {
		return cmp.Or(cmp.Compare(boolRank(a.Violation != nil), boolRank(b.Violation != nil)), cmp.Compare(b.Score, a.Score))
	})
	for i := range e.Mentors[:min(forcedAlternatives, len(e.Mentors))] {
		alt := &e.Mentors[i]
		if alt.Violation != nil {
			break
		}
		if x.policy.Closed || target.Hold != nil || x.byName[alt.Mentor].Hold != nil {
			// The pass could not make this pair: no outcome to compare.
			continue
		}
		// The pair as an active pairing named to come first: kept unless a pinned pairing holds the
		// mentor's capacity or the mentee, in which case no pass could make it.
		forced := in
		forced.Pairings = append(slices.Clone(in.Pairings), Pairing{Name: "\x00explain", Mentor: alt.Mentor, Mentee: mentee, State: Active})
		result := Match(forced)
		if slices.ContainsFunc(result.Pairs, func(p Pair) bool { return p.Pairing == "\x00explain" }) {
			outcome := outcomeOf(result)
			alt.Forced = &outcome
		}
	}
	return e, nil
}

func outcomeOf(r Result) Outcome {
	return Outcome{MatchedMentees: r.Summary.MatchedMentees, TotalScore: r.Summary.TotalScore}
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
