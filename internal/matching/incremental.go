package matching

import (
	"maps"
	"slices"
	"time"
)

// Incremental runs the matching passes of one programme, one after another, and returns exactly what
// Match returns for each input, but a change costs what it changes: it keeps the programme's unfixed
// problem solved between passes (see warm) and repairs its optimum from the people who changed, and it
// keeps the tallies that explain unmatched participants up to date instead of checking each of them
// against everyone again.
//
// The first pass, and any pass after a change of policy, after more changes than a repair is worth or
// when the programme outgrew the room kept for it, solves from scratch; Path says which. The zero
// value is ready to use, and dropping it at any time only costs the next pass a solve from scratch.
// It is not safe for concurrent use.
type Incremental struct {
	// last is the previous pass's input, copied, and index its index: what the tallies are up to
	// date with.
	last    Input
	index   *index
	warm    *warm
	tallies map[string]tally
	// unsynced are the participants who changed since warm was last synced, by name.
	unsynced map[string]bool
}

// Path says how a pass found its optimum.
type Path struct {
	// Solve is PathIncremental when the pass repaired the last pass's optimum, or had nothing to
	// solve; PathFull when it solved from scratch.
	Solve string
	// Reason says why a pass solved from scratch, such as ReasonFirstSolve.
	Reason string
}

// The paths a pass takes.
const (
	PathFull        = "full"
	PathIncremental = "incremental"
)

// Match runs one matching pass over in: Match(in), repaired from the last pass where it can be.
func (inc *Incremental) Match(in Input) (Result, Path) {
	in, fresh := inc.copyInput(in)
	x := newIndexAfter(in, inc.index, fresh)
	m := newMatcher(x)
	m.keep(in.Pairings)
	changed := inc.changes(x, fresh)
	if inc.unsynced == nil {
		inc.unsynced = map[string]bool{}
	}
	for name := range changed {
		inc.unsynced[name] = true
	}
	path := Path{Solve: PathIncremental}
	if !x.policy.Closed {
		path = inc.fill(m, in.Pairings)
	}
	m.tallies = inc.updateTallies(x, in, changed)
	r := m.result()
	inc.last, inc.index, inc.tallies = in, x, m.tallies
	return r, path
}

// fill fills the free capacity as fillConsistently does, from the unfixed optimum kept in warm,
// synced or built afresh.
func (inc *Incremental) fill(m *matcher, pairings []Pairing) Path {
	pinned := newMatcher(m.index)
	pinned.keep(withoutActive(pairings))
	rows, cols := pinned.free()
	capacity := make([]int, len(cols))
	for i, mentor := range cols {
		capacity[i] = m.capacity(mentor) - pinned.load[mentor.number]
	}
	ended := endedPairs(pairings)
	path := Path{Solve: PathIncremental}
	switch {
	case headroom(len(rows)) > maxWarmRows:
		inc.warm = nil
		clear(inc.unsynced)
		m.fillConsistently(pairings)
		return Path{Solve: PathFull, Reason: ReasonTooLarge}
	case inc.warm == nil:
		path.Reason = ReasonFirstSolve
	default:
		path.Reason = inc.warm.sync(m.index, rows, cols, capacity, ended, inc.unsynced)
	}
	if path.Reason != "" {
		path.Solve = PathFull
		inc.warm = newWarm(m.index, rows, cols, capacity, ended)
	}
	clear(inc.unsynced)
	if !m.adopt(inc.warm.matches(m.index)) {
		m.edges = inc.warm.edges
		m.fill()
	}
	return path
}

// changes names the participants of x who joined, left or changed since the last pass, given the
// names of those copyInput copied afresh; nil on the first pass.
func (inc *Incremental) changes(x *index, fresh map[string]bool) map[string]bool {
	if inc.index == nil {
		return nil
	}
	changed := map[string]bool{}
	for name := range x.byName {
		if fresh[name] {
			changed[name] = true
		}
	}
	for name := range inc.index.byName {
		if x.byName[name] == nil {
			changed[name] = true
		}
	}
	return changed
}

// updateTallies brings the tallies of the last pass up to date with the people of x: each tally
// loses what the participants who changed counted for in the last pass and gains what they count for
// now. It returns no tallies after a change of policy or many changes.
func (inc *Incremental) updateTallies(x *index, in Input, changedNames map[string]bool) map[string]tally {
	if inc.index == nil || !samePolicy(inc.last.Policy, in.Policy) {
		return map[string]tally{}
	}
	old := inc.index
	changed := slices.Sorted(maps.Keys(changedNames))
	// A pair whose pairing ended, or no longer counts as ended, may now break PreviousPartner.
	var pairs [][2]string
	was, is := endedPairs(inc.last.Pairings), endedPairs(in.Pairings)
	for p := range is {
		if !was[p] {
			pairs = append(pairs, p)
		}
	}
	for p := range was {
		if !is[p] {
			pairs = append(pairs, p)
		}
	}
	if len(changed)+len(pairs) > Repairable(len(x.byName)) {
		return map[string]tally{}
	}
	tallies := make(map[string]tally, len(inc.tallies))
	for name, t := range inc.tallies {
		if changedNames[name] {
			continue
		}
		for _, other := range changed {
			t.recount(old, x, name, other)
		}
		for _, pair := range pairs {
			if other, mine := partner(pair, name); mine {
				if _, found := slices.BinarySearch(changed, other); !found {
					t.recount(old, x, name, other)
				}
			}
		}
		tallies[name] = t
	}
	return tallies
}

// recount moves, in the tally of participant me, participant other from what they counted for in the
// last pass's index to what they count for in x; either index may lack them.
func (t *tally) recount(last, x *index, me, other string) {
	count := func(x *index, n int) {
		p, o := x.byName[me], x.byName[other]
		if o == nil || o.Role == p.Role || o.Role != Mentor && o.Role != Mentee {
			return
		}
		mentor, mentee := p, o
		if p.Role == Mentee {
			mentor, mentee = o, p
		}
		t.others += n
		t.counts[x.fast().broken(mentor.number, mentee.number)] += n
	}
	count(last, -1)
	count(x, 1)
}

// partner returns the other name of a pair, if name is one of the two.
func partner(pair [2]string, name string) (string, bool) {
	switch name {
	case pair[0]:
		return pair[1], true
	case pair[1]:
		return pair[0], true
	}
	return "", false
}

func endedPairs(pairings []Pairing) map[[2]string]bool {
	out := map[[2]string]bool{}
	for _, p := range pairings {
		if p.State == Ended {
			out[[2]string{p.Mentor, p.Mentee}] = true
		}
	}
	return out
}

// samePolicy reports whether two policies allow and score the same pairs: Closed and ClosedReason
// aside, which only decide whether a pass makes new pairs.
func samePolicy(a, b Policy) bool {
	return a.Direction == b.Direction && a.Objective == b.Objective && slices.Equal(a.Topics, b.Topics) &&
		a.MaxMenteesPerMentor == b.MaxMenteesPerMentor && a.MinSeniorityGap == b.MinSeniorityGap &&
		a.ExcludeManagementChain == b.ExcludeManagementChain && a.ExcludeSameDepartment == b.ExcludeSameDepartment &&
		a.AvoidPreviousPartners == b.AvoidPreviousPartners && a.MeetingMinutes == b.MeetingMinutes &&
		a.Weights == b.Weights && slices.Equal(a.Diversity, b.Diversity) && a.Start.Equal(b.Start) && a.End.Equal(b.End)
}

// sameParticipant reports whether two participants are the same to the matcher.
func sameParticipant(a, b *Participant) bool {
	return a.Name == b.Name && a.Role == b.Role && a.Seniority == b.Seniority && a.Department == b.Department &&
		slices.Equal(a.IDs, b.IDs) && slices.Equal(a.ManagementChain, b.ManagementChain) && sameZone(a.Zone, b.Zone) &&
		a.Availability == b.Availability && maps.Equal(a.Expertise, b.Expertise) && maps.Equal(a.Goals, b.Goals) &&
		a.Capacity == b.Capacity && maps.Equal(a.Attributes, b.Attributes) && a.Paused == b.Paused &&
		(a.Hold == nil) == (b.Hold == nil) && (a.Hold == nil || *a.Hold == *b.Hold)
}

// sameZone compares time zones by name: the same zone may be loaded more than once.
func sameZone(a, b *time.Location) bool {
	return a == b || a != nil && b != nil && a.String() == b.String()
}

// copyInput copies an input deeply enough that changing the maps and slices of the original leaves
// the copy as it was: the next pass compares its people with these. A participant the same as in the
// last pass keeps the last pass's copy; fresh names those copied afresh.
func (inc *Incremental) copyInput(in Input) (out Input, fresh map[string]bool) {
	out = in
	out.Policy.Topics = slices.Clone(in.Policy.Topics)
	out.Policy.Diversity = slices.Clone(in.Policy.Diversity)
	if in.Policy.ClosedReason != nil {
		reason := *in.Policy.ClosedReason
		out.Policy.ClosedReason = &reason
	}
	out.Pairings = slices.Clone(in.Pairings)
	out.Participants = make([]Participant, len(in.Participants))
	fresh = map[string]bool{}
	for i := range in.Participants {
		p := &in.Participants[i]
		if inc.index != nil {
			if last := inc.index.byName[p.Name]; last != nil && sameParticipant(last.Participant, p) {
				out.Participants[i] = *last.Participant
				continue
			}
		}
		fresh[p.Name] = true
		q := *p
		q.IDs, q.ManagementChain = slices.Clone(p.IDs), slices.Clone(p.ManagementChain)
		q.Expertise, q.Goals, q.Attributes = maps.Clone(p.Expertise), maps.Clone(p.Goals), maps.Clone(p.Attributes)
		if p.Hold != nil {
			hold := *p.Hold
			q.Hold = &hold
		}
		out.Participants[i] = q
	}
	return out, fresh
}
