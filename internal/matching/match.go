package matching

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Match runs one matching pass: it keeps the existing pairings that may stay, ends the others, and
// pairs the free mentees with the free capacity of the mentors optimally for the policy's objective.
// The result depends only on the input's content, never on its order.
//
// A rollout that was interrupted completes as it would have without the interruption: before keeping
// the matcher's own active pairings fixed, the pass solves the programme as if they were free, and when
// that optimum contains every one of them it is the plan, whichever way equally good assignments tie.
// Otherwise the active pairings stay and only the free people are matched, so nobody is reshuffled.
func Match(in Input) Result {
	x := newIndex(in)
	m := newMatcher(x)
	m.keep(in.Pairings)
	if !m.policy.Closed {
		m.fillConsistently(in.Pairings)
	}
	return m.result()
}

// matcher holds one pass's decisions.
type matcher struct {
	*index
	pairs []Pair
	ends  []End
	// load counts each mentor's pairs; paired marks the mentees that have one.
	load   []int
	paired []bool
	// edges, when set, stands for pairs.edges: an Incremental matcher reads the edges it keeps.
	edges func(rows, cols []*person) ([][]int32, [][]uint32)
	// tallies, when not nil, are the tallies an Incremental matcher kept up to date, by name; result
	// replaces them by those of the participants it explained.
	tallies map[string]tally
}

func newMatcher(x *index) *matcher {
	return &matcher{index: x, load: make([]int, len(x.mentors)), paired: make([]bool, len(x.mentees))}
}

// keep decides about every existing pairing that has not ended: pinned ones first, then active ones,
// each in name order. Pinned pairings are honoured whatever they break, unless a participant paused;
// active ones stay while they satisfy every constraint and their mentee has no other pairing.
func (m *matcher) keep(pairings []Pairing) {
	// A pairing without a name could not be told apart from a new pair: only its history counts.
	current := slices.DeleteFunc(slices.Clone(pairings), func(p Pairing) bool { return p.State == Ended || p.Name == "" })
	slices.SortFunc(current, func(a, b Pairing) int {
		return cmp.Or(cmp.Compare(rank(a.State), rank(b.State)), cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Mentee, b.Mentee), cmp.Compare(a.Mentor, b.Mentor), cmp.Compare(a.State, b.State))
	})
	for _, p := range current {
		mentor, mentee, ok := m.pair(p.Mentor, p.Mentee)
		pinned := p.State == Pinned
		switch {
		case !ok && pinned:
			// A person's pairing that names nobody: the Pairing reports it; the matcher ignores it.
		case !ok:
			m.end(p, EndParticipantLeft, "a participant of the pairing left the programme")
		case mentor.Paused || mentee.Paused:
			m.end(p, EndParticipantPaused, "a participant of the pairing paused")
		default:
			constraint := m.check(mentor, mentee)
			switch {
			case pinned:
				m.add(mentor, mentee, p.Name, true, m.keptViolation(constraint, mentor, mentee))
			case constraint != "":
				m.end(p, EndConstraintViolated, "the pair now breaks a hard constraint: "+m.violation(constraint, mentor, mentee).Message)
			case m.paired[mentee.number]:
				m.end(p, EndConstraintViolated, "the mentee has another pairing")
			case m.load[mentor.number] >= m.capacity(mentor):
				m.end(p, EndConstraintViolated, "the pair now breaks a hard constraint: "+m.violation(MentorAtCapacity, mentor, mentee).Message)
			default:
				m.add(mentor, mentee, p.Name, false, nil)
			}
		}
	}
}

// keptViolation is what a pinned pair breaks, capacity and a second pairing of the mentee included.
func (m *matcher) keptViolation(constraint Constraint, mentor, mentee *person) *Violation {
	switch {
	case constraint != "":
		return m.violation(constraint, mentor, mentee)
	case m.paired[mentee.number]:
		return &Violation{Constraint: MentorAtCapacity, Message: "the mentee has another pairing"}
	case m.load[mentor.number] >= m.capacity(mentor):
		return m.violation(MentorAtCapacity, mentor, mentee)
	}
	return nil
}

func rank(s PairingState) int {
	if s == Pinned {
		return 0
	}
	return 1
}

func (m *matcher) end(p Pairing, reason EndReason, message string) {
	m.ends = append(m.ends, End{Pairing: p.Name, Mentor: p.Mentor, Mentee: p.Mentee, Reason: reason, Message: message})
}

func (m *matcher) add(mentor, mentee *person, pairing string, pinned bool, violation *Violation) {
	score, breakdown := m.score(mentor, mentee)
	m.pairs = append(m.pairs, Pair{Mentor: mentor.Name, Mentee: mentee.Name, Pairing: pairing, Pinned: pinned,
		Score: score, Breakdown: breakdown, Topics: m.sharedTopics(mentor, mentee), Violation: violation})
	m.load[mentor.number]++
	m.paired[mentee.number] = true
}

// available reports whether a person may take a new pairing.
func available(p *person) bool { return !p.Paused && p.Hold == nil }

// fill pairs the free mentees with the mentors' free capacity by solving an assignment problem whose
// costs encode the objective: each allowed pair costs its missing score, leaving a mentee unmatched
// costs more than any pair (MaxParticipation: more than all pairs together), and a hash of the two
// names, too small to outweigh a hundredth of a point summed over every mentee, breaks ties.
func (m *matcher) fill() {
	rows, cols := m.free()
	if len(rows) == 0 || len(cols) == 0 {
		return
	}
	for r, c := range m.assignment(rows, cols).solve() {
		if c >= 0 {
			m.add(cols[c], rows[r], "", false, nil)
		}
	}
}

// fillConsistently fills the free capacity with the rest of the optimum the programme would have if
// the matcher's active pairings were free, when that optimum holds all of them; else it solves for the
// free people alone. Either way only free mentees and mentors with free capacity take new pairs, so
// when no allowed pair joins them, as in a programme where everyone is paired, there is nothing to
// solve.
func (m *matcher) fillConsistently(pairings []Pairing) {
	if !m.canPair(m.free()) {
		return
	}
	if m.keepsActive() {
		unfixed := newMatcher(m.index)
		unfixed.keep(withoutActive(pairings))
		unfixed.fill()
		var pairs []match
		for _, p := range unfixed.pairs {
			if p.Pairing == "" {
				pairs = append(pairs, match{m.byName[p.Mentor], m.byName[p.Mentee]})
			}
		}
		if m.adopt(pairs) {
			return
		}
	}
	m.fill()
}

// match is a mentor and a mentee the optimum pairs.
type match struct{ mentor, mentee *person }

// keepsActive reports whether the pass keeps a pairing the matcher made.
func (m *matcher) keepsActive() bool {
	return slices.ContainsFunc(m.pairs, func(p Pair) bool { return !p.Pinned })
}

// withoutActive are the pairings that fix the unfixed optimum: pinned and ended ones.
func withoutActive(pairings []Pairing) []Pairing {
	return slices.DeleteFunc(slices.Clone(pairings), func(p Pairing) bool { return p.State == Active })
}

// adopt adds the pairs of the unfixed optimum (the optimum with only pinned pairs fixed) that the pass
// does not keep already, when that optimum holds every active pair kept, and reports whether it did.
// Every pair it adds joins a free mentee to a mentor with free capacity: a mentee with an active pair
// has that pair in the optimum, and a mentor's active pairs are among theirs in the optimum.
func (m *matcher) adopt(unfixed []match) bool {
	mentorOf := make(map[*person]*person, len(unfixed))
	for _, p := range unfixed {
		mentorOf[p.mentee] = p.mentor
	}
	for _, p := range m.pairs {
		if !p.Pinned && mentorOf[m.byName[p.Mentee]] != m.byName[p.Mentor] {
			return false
		}
	}
	for _, p := range unfixed {
		if !m.paired[p.mentee.number] {
			m.add(p.mentor, p.mentee, "", false, nil)
		}
	}
	return true
}

// free lists the mentees without a pair and the mentors with free capacity, who may take new pairs.
func (m *matcher) free() (rows, cols []*person) {
	for _, e := range m.mentees {
		if available(e) && !m.paired[e.number] {
			rows = append(rows, e)
		}
	}
	for _, mentor := range m.mentors {
		if available(mentor) && m.load[mentor.number] < m.capacity(mentor) {
			cols = append(cols, mentor)
		}
	}
	return rows, cols
}

// canPair reports whether any of the rows may be paired with any of the columns.
func (m *matcher) canPair(rows, cols []*person) bool {
	if len(rows) == 0 || len(cols) == 0 {
		return false
	}
	columns, _ := m.fast().edges(rows, cols)
	return slices.ContainsFunc(columns, func(c []int32) bool { return len(c) > 0 })
}

// unassignedUnits is the cost, in hundredths of a point, of leaving one of rows mentees unmatched: a
// pair of score zero under MaxScore; more than any set of pairs under MaxParticipation.
func (x *index) unassignedUnits(rows int) int64 {
	if x.policy.Objective == MaxScore {
		return scoreUnits
	}
	return int64(rows+1) * (scoreUnits + 1)
}

// The tie-breaking hash of a pair has tieBreakBits bits.
const (
	tieBreakBits  = 10
	tieBreakRange = 1 << tieBreakBits
)

// assignment builds the assignment problem of the free rows and columns. Its costs encode the
// objective exactly, lexicographically, in integers (see costs).
func (m *matcher) assignment(rows, cols []*person) *assignment {
	a := &assignment{rows: len(rows), cols: len(cols), capacity: make([]int, len(cols))}
	for c, mentor := range cols {
		// No column takes more than all rows, whatever its capacity.
		a.capacity[c] = min(m.capacity(mentor)-m.load[mentor.number], len(rows))
	}
	a.scaleShift, a.unassigned = m.costs(len(rows))
	if m.edges != nil {
		a.columns, a.costs = m.edges(rows, cols)
	} else {
		a.columns, a.costs = m.fast().edges(rows, cols)
	}
	return a
}

// costs returns how the costs of an assignment of rows mentees encode the objective. A pair costs its
// missing score units times 2^shift plus its tie-breaking hash, and leaving a mentee unmatched costs
// unassigned. Over rows mentees the hashes add up to less than hashes := tieBreakRange*(rows+1).
//
//   - MaxParticipation: 2^shift is at least hashes, so a hundredth of a point outweighs every
//     tie-break; leaving a mentee unmatched costs more than any rows pairs, so more mentees matched
//     comes first, then a higher total score, then the tie-break.
//   - MaxScore: 2^shift is at least hashes*(rows+1), and leaving a mentee unmatched costs as much as a
//     pair of score zero, plus hashes: a higher total score comes first, then more mentees matched,
//     then the tie-break.
//
// 2^shift is a power of two, so that the bits between the hashes and the scores are zero, which the
// solver's cost scaling skips. Costs fit in 63 bits for up to several hundred thousand mentees.
func (x *index) costs(rows int) (shift uint, unassigned int64) {
	hashes := tieBreakRange * int64(rows+1)
	if x.policy.Objective == MaxScore {
		shift = uint(bits.Len64(uint64(hashes * int64(rows+1))))
		return shift, scoreUnits<<shift + hashes
	}
	shift = uint(bits.Len64(uint64(hashes)))
	return shift, x.unassignedUnits(rows)<<shift + tieBreakRange
}

// fast returns the index in flat arrays, built on first use.
func (x *index) fast() *pairs {
	x.flatOnce.Do(func() { x.flat = newPairs(x) })
	return x.flat
}

// tieBreak is a stable hash of a pair's names, below tieBreakRange.
func tieBreak(mentor, mentee string) int64 {
	h := fnv.New64a()
	h.Write([]byte(mentor))
	h.Write([]byte{0})
	h.Write([]byte(mentee))
	return int64(h.Sum64() % tieBreakRange)
}

// result sorts the decisions and explains every participant left without a pair.
func (m *matcher) result() Result {
	slices.SortFunc(m.pairs, func(a, b Pair) int {
		return cmp.Or(cmp.Compare(a.Mentee, b.Mentee), cmp.Compare(a.Mentor, b.Mentor), cmp.Compare(a.Pairing, b.Pairing))
	})
	slices.SortFunc(m.ends, func(a, b End) int {
		return cmp.Or(cmp.Compare(a.Pairing, b.Pairing), cmp.Compare(a.Mentee, b.Mentee), cmp.Compare(a.Mentor, b.Mentor),
			cmp.Compare(a.Reason, b.Reason), cmp.Compare(a.Message, b.Message))
	})
	r := Result{Pairs: m.pairs, Ends: m.ends}
	for _, p := range m.people() {
		if p.Role == Mentee && !m.paired[p.number] || p.Role == Mentor && m.load[p.number] == 0 {
			r.Unmatched = append(r.Unmatched, Unmatched{Name: p.Name, Role: p.Role})
		}
	}
	// Explaining checks each unmatched participant against everyone of the other role, unless a tally
	// is known: on all cores.
	tallies := make([]*tally, len(r.Unmatched))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(r.Unmatched); i = int(next.Add(1)) - 1 {
				p := m.byName[r.Unmatched[i].Name]
				if reason, out := m.heldOut(p); out {
					r.Unmatched[i].Reason = reason
					continue
				}
				t, known := m.tallies[p.Name]
				if !known {
					t = m.tally(p)
				}
				tallies[i] = &t
				r.Unmatched[i].Reason = m.explainTally(p.Role, t)
			}
		})
	}
	wg.Wait()
	if m.tallies != nil {
		m.tallies = map[string]tally{}
		for i, t := range tallies {
			if t != nil {
				m.tallies[r.Unmatched[i].Name] = *t
			}
		}
	}
	r.Summary = m.summary(r)
	return r
}

// people lists every participant in name order.
func (m *matcher) people() []*person {
	people := append(slices.Clone(m.mentors), m.mentees...)
	slices.SortFunc(people, func(a, b *person) int { return cmp.Compare(a.Name, b.Name) })
	return people
}

// Reasons a participant is left without a pair, besides the hard constraints.
const (
	ReasonEnrolmentClosed = "EnrolmentClosed"
	// ReasonNoCounterpart means the programme has nobody of the other role.
	ReasonNoCounterpart = "NoCounterpart"
	// ReasonCounterpartsTaken means some people of the other role fit, but the optimal assignment gives
	// them to others.
	ReasonCounterpartsTaken = "CounterpartsTaken"
)

// heldOut is the reason a participant takes no new pair whoever else is in the programme: paused,
// held or enrolment closed.
func (m *matcher) heldOut(p *person) (Reason, bool) {
	switch {
	case p.Paused:
		return Reason{string(Paused), "Participant is paused: set spec.paused to false to be matched."}, true
	case p.Hold != nil:
		hold := *p.Hold
		if hold.Reason == "" {
			hold.Reason = "Held"
		}
		if hold.Message == "" {
			hold.Message = "Participant is held out of new pairings."
		}
		return hold, true
	case m.policy.Closed && m.policy.ClosedReason != nil:
		return *m.policy.ClosedReason, true
	case m.policy.Closed:
		return Reason{ReasonEnrolmentClosed, "Enrolment has closed: the programme makes no new pairings."}, true
	}
	return Reason{}, false
}

// tally is how the people of the other role fit one participant: how many there are, and how many
// each position of hardConstraints describes (position 0: those who fit).
type tally struct {
	others int
	counts [len(hardConstraints)]int
}

// tally checks a participant against everyone of the other role.
func (m *matcher) tally(p *person) tally {
	fast := m.fast()
	t := tally{}
	if p.Role == Mentor {
		t.others = len(m.mentees)
		for e := range m.mentees {
			t.counts[fast.broken(p.number, e)]++
		}
	} else {
		t.others = len(m.mentors)
		for mentor := range m.mentors {
			t.counts[fast.broken(mentor, p.number)]++
		}
	}
	return t
}

// explainTally says why a participant of the role, with the tally, is left without a pair. The message
// names no counts, only which constraints rule people out, the most common first: a newcomer of the
// other role then leaves it as it is, so one join does not rewrite every unmatched participant's
// status. `kubectl mentoring explain` gives the verdict for each person of the other role.
func (x *index) explainTally(role Role, t tally) Reason {
	other := "mentor"
	if role == Mentor {
		other = "mentee"
	}
	switch {
	case t.others == 0:
		return Reason{ReasonNoCounterpart, fmt.Sprintf("The programme has no %s.", other)}
	case t.counts[0] > 0 && role == Mentee:
		return Reason{ReasonCounterpartsTaken, fmt.Sprintf("The mentors who fit are all at capacity with mentees the %s objective prefers.", x.policy.Objective)}
	case t.counts[0] > 0:
		return Reason{ReasonCounterpartsTaken, fmt.Sprintf("The mentees who fit all have a mentor the %s objective prefers.", x.policy.Objective)}
	}
	var broken []int
	for i := 1; i < len(t.counts); i++ {
		if t.counts[i] > 0 {
			broken = append(broken, i)
		}
	}
	slices.SortFunc(broken, func(a, b int) int {
		return cmp.Or(cmp.Compare(t.counts[b], t.counts[a]), cmp.Compare(hardConstraints[a], hardConstraints[b]))
	})
	if len(broken) == 1 {
		return Reason{string(hardConstraints[broken[0]]), fmt.Sprintf("No %s fits: every %s is %s.", other, other, phrase[hardConstraints[broken[0]]])}
	}
	parts := make([]string, len(broken))
	for i, c := range broken {
		parts[i] = phrase[hardConstraints[c]]
	}
	return Reason{string(hardConstraints[broken[0]]), fmt.Sprintf("No %s fits: most are %s; the others are %s.", other, parts[0], strings.Join(parts[1:], " or "))}
}

// phrase describes each constraint as what the people it rules out have in common.
var phrase = map[Constraint]string{
	Paused:               "paused",
	SeniorityGap:         "too close in seniority",
	SameDepartment:       "in the same department",
	ManagementChain:      "in the same management chain",
	PreviousPartner:      "a previous partner",
	NoSharedTopic:        "without a shared topic",
	NoCommonAvailability: "without a common weekly time",
}

// summary counts the pass's outcome.
func (m *matcher) summary(r Result) Summary {
	s := Summary{Participants: len(m.mentors) + len(m.mentees), Mentors: len(m.mentors), Mentees: len(m.mentees),
		Pairings: len(r.Pairs), Ended: len(r.Ends)}
	for _, e := range m.mentees {
		if available(e) {
			s.EligibleMentees++
			if m.paired[e.number] {
				s.MatchedMentees++
			}
		}
	}
	s.Unmatched = s.EligibleMentees - s.MatchedMentees
	s.MatchRatePercent = percent(s.MatchedMentees, s.EligibleMentees)
	goals, covered := 0, 0
	for _, p := range r.Pairs {
		if p.Pairing == "" {
			s.NewPairings++
		}
		s.TotalScore += p.Score
		mentee := m.byName[p.Mentee]
		goals += bits.OnesCount64(mentee.seeks)
		covered += bits.OnesCount64(m.byName[p.Mentor].offers & mentee.seeks)
	}
	s.AverageScore = roundDiv(s.TotalScore, len(r.Pairs))
	s.TopicCoveragePercent = percent(covered, goals)
	return s
}

func percent(part, whole int) int { return roundDiv(100*part, whole) }

// roundDiv divides non-negative numbers, rounding half up; zero when whole is zero.
func roundDiv(part, whole int) int {
	if whole == 0 {
		return 0
	}
	return (2*part + whole) / (2 * whole)
}
