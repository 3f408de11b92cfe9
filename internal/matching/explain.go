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

// Alternative is another participant of the other role: another mentor for a mentee, another mentee for
// a mentor.
type Alternative struct {
	Name string
	// Violation is the hard constraint that rules the pair out; nil when the pair is allowed.
	Violation *Violation
	// Score of the pair, when allowed.
	Score int
	// Partners are the participants the alternative is paired with after the pass.
	Partners []string
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
	for i, p := range result.Pairs {
		if p.Mentee == mentee && e.Pair == nil {
			e.Pair = &result.Pairs[i]
		}
	}
	for i, u := range result.Unmatched {
		if u.Name == mentee {
			e.Unmatched = &result.Unmatched[i].Reason
		}
	}
	e.Mentors = alternatives(in, x, result, target, func(mentor string) bool { return e.Pair != nil && mentor == e.Pair.Mentor })
	return e, nil
}

// alternatives explains the pairs of target with every participant of the other role but those it is
// paired with: allowed ones by score, best first, then the ruled-out ones by name.
func alternatives(in Input, x *index, result Result, target *person, paired func(name string) bool) []Alternative {
	others := x.mentors
	partnersOf := map[string][]string{}
	for _, p := range result.Pairs {
		if target.Role == Mentee {
			partnersOf[p.Mentor] = append(partnersOf[p.Mentor], p.Mentee)
		} else {
			partnersOf[p.Mentee] = append(partnersOf[p.Mentee], p.Mentor)
		}
	}
	if target.Role == Mentor {
		others = x.mentees
	}
	var alts []Alternative
	for _, other := range others {
		if paired(other.Name) {
			continue
		}
		mentor, mentee := other, target
		if target.Role == Mentor {
			mentor, mentee = target, other
		}
		alt := Alternative{Name: other.Name, Partners: partnersOf[other.Name]}
		if c := x.check(mentor, mentee); c != "" {
			alt.Violation = x.violation(c, mentor, mentee)
		} else {
			alt.Score, _ = x.score(mentor, mentee)
		}
		alts = append(alts, alt)
	}
	slices.SortStableFunc(alts, func(a, b Alternative) int {
		return cmp.Or(cmp.Compare(boolRank(a.Violation != nil), boolRank(b.Violation != nil)), cmp.Compare(b.Score, a.Score))
	})
	for i := range alts[:min(forcedAlternatives, len(alts))] {
		alt := &alts[i]
		if alt.Violation != nil {
			break
		}
		if target.Role == Mentee {
			alt.Forced = forcedOutcome(in, x, alt.Name, target.Name)
		} else {
			alt.Forced = forcedOutcome(in, x, target.Name, alt.Name)
		}
	}
	return alts
}

// forcedOutcome is the programme's outcome if mentor and mentee, an allowed pair, were paired; nil when
// no pass could make the pair: after enrolment closed, for a held participant, or when pinned pairings
// hold the mentor's capacity or the mentee.
func forcedOutcome(in Input, x *index, mentor, mentee string) *Outcome {
	if x.policy.Closed || x.byName[mentor].Hold != nil || x.byName[mentee].Hold != nil {
		return nil
	}
	// The pair as an active pairing named to come first: kept unless pinned pairings stand in its way.
	forced := in
	forced.Pairings = append(slices.Clone(in.Pairings), Pairing{Name: "\x00explain", Mentor: mentor, Mentee: mentee, State: Active})
	result := Match(forced)
	if !slices.ContainsFunc(result.Pairs, func(p Pair) bool { return p.Pairing == "\x00explain" }) {
		return nil
	}
	outcome := outcomeOf(result)
	return &outcome
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
