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
)

// Match runs one matching pass: it keeps the existing pairings that may stay, ends the others, and
// pairs the free mentees with the free capacity of the mentors optimally for the policy's objective.
// The result depends only on the input's content, never on its order.
func Match(in Input) Result {
	m := newMatcher(newIndex(in))
	m.keep(in.Pairings)
	if !m.policy.Closed {
		m.fill()
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
}

func newMatcher(x *index) *matcher {
	return &matcher{index: x, load: make([]int, len(x.mentors)), paired: make([]bool, len(x.mentees))}
}

// keep decides about every existing pairing that has not ended: pinned ones first, then active ones,
// each in name order. Pinned pairings are honoured whatever they break, unless a participant paused;
// active ones stay while they satisfy every constraint and their mentee has no other pairing.
func (m *matcher) keep(pairings []Pairing) {
	current := slices.DeleteFunc(slices.Clone(pairings), func(p Pairing) bool { return p.State == Ended })
	slices.SortFunc(current, func(a, b Pairing) int {
		return cmp.Or(cmp.Compare(rank(a.State), rank(b.State)), cmp.Compare(a.Name, b.Name))
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

// unassignedUnits is the cost, in hundredths of a point, of leaving one of rows mentees unmatched: a
// pair of score zero under MaxScore; more than any set of pairs under MaxParticipation.
func (m *matcher) unassignedUnits(rows int) int64 {
	if m.policy.Objective == MaxScore {
		return scoreUnits
	}
	return int64(rows+1) * (scoreUnits + 1)
}

// tieBreakRange bounds the hash that breaks ties between equal scores.
const tieBreakRange = 1024

// assignment builds the assignment problem of the free rows and columns, checking and scoring every
// pair on all cores.
func (m *matcher) assignment(rows, cols []*person) *assignment {
	a := &assignment{rows: len(rows), cols: len(cols), capacity: make([]int, len(cols)),
		columns: make([][]int32, len(rows)), cost: make([][]int64, len(rows))}
	for c, mentor := range cols {
		a.capacity[c] = m.capacity(mentor) - m.load[mentor.number]
	}
	scale := costScale(len(rows))
	a.unassigned = m.unassignedUnits(len(rows))*scale + tieBreakRange
	var next sync.Mutex
	nextRow := 0
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			buf := make([]criterion, 0, 4+len(m.policy.Diversity))
			for {
				next.Lock()
				r := nextRow
				nextRow++
				next.Unlock()
				if r >= len(rows) {
					return
				}
				a.columns[r], a.cost[r] = m.edges(rows[r], cols, scale, buf)
			}
		})
	}
	wg.Wait()
	return a
}

// edges are a mentee's allowed mentors among cols and their costs.
func (m *matcher) edges(mentee *person, cols []*person, scale int64, buf []criterion) ([]int32, []int64) {
	var columns []int32
	var costs []int64
	for c, mentor := range cols {
		if m.check(mentor, mentee) == "" {
			columns = append(columns, int32(c))
			costs = append(costs, int64(scoreUnits-m.scoreUnitsOf(mentor, mentee, buf))*scale+tieBreak(mentor.Name, mentee.Name))
		}
	}
	return columns, costs
}

// costScale multiplies scores in the costs, leaving room below for the tie-breaking hashes of every row.
func costScale(rows int) int64 { return tieBreakRange * int64(rows+1) }

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
	slices.SortFunc(m.pairs, func(a, b Pair) int { return cmp.Or(cmp.Compare(a.Mentee, b.Mentee), cmp.Compare(a.Mentor, b.Mentor)) })
	slices.SortFunc(m.ends, func(a, b End) int { return cmp.Compare(a.Pairing, b.Pairing) })
	r := Result{Pairs: m.pairs, Ends: m.ends}
	for _, p := range m.people() {
		if p.Role == Mentee && !m.paired[p.number] || p.Role == Mentor && m.load[p.number] == 0 {
			r.Unmatched = append(r.Unmatched, Unmatched{Name: p.Name, Role: p.Role, Reason: m.whyUnmatched(p)})
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

// whyUnmatched explains why a participant has no pair: paused, held, enrolment closed, everyone who
// fits is taken, or the constraint that rules out most of the other role.
func (m *matcher) whyUnmatched(p *person) Reason {
	switch {
	case p.Paused:
		return Reason{string(Paused), "Participant is paused: set spec.paused to false to be matched."}
	case p.Hold != nil:
		return *p.Hold
	case m.policy.Closed:
		return Reason{ReasonEnrolmentClosed, "Enrolment has closed: the programme makes no new pairings."}
	}
	others, other := m.mentors, "mentor"
	if p.Role == Mentor {
		others, other = m.mentees, "mentee"
	}
	counts := map[Constraint]int{}
	fits := 0
	for _, o := range others {
		mentor, mentee := o, p
		if p.Role == Mentor {
			mentor, mentee = p, o
		}
		if c := m.check(mentor, mentee); c != "" {
			counts[c]++
		} else {
			fits++
		}
	}
	switch {
	case len(others) == 0:
		return Reason{ReasonNoCounterpart, fmt.Sprintf("The programme has no %s.", other)}
	case fits > 0 && p.Role == Mentee:
		return Reason{ReasonCounterpartsTaken, fmt.Sprintf("%s fit, and all of them are at capacity with mentees the %s objective prefers.", count(fits, "mentor"), m.policy.Objective)}
	case fits > 0:
		return Reason{ReasonCounterpartsTaken, fmt.Sprintf("%s fit, and all of them have a mentor the %s objective prefers.", count(fits, "mentee"), m.policy.Objective)}
	}
	constraints := make([]Constraint, 0, len(counts))
	for c := range counts {
		constraints = append(constraints, c)
	}
	slices.SortFunc(constraints, func(a, b Constraint) int { return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b)) })
	parts := make([]string, len(constraints))
	for i, c := range constraints {
		parts[i] = fmt.Sprintf("%d %s", counts[c], phrase[c])
	}
	return Reason{string(constraints[0]), fmt.Sprintf("No %s fits: %s.", other, strings.Join(parts, ", "))}
}

// phrase describes each constraint as what the people it rules out have in common.
var phrase = map[Constraint]string{
	Paused:               "paused",
	SeniorityGap:         "too close in seniority",
	SameDepartment:       "in the same department",
	ManagementChain:      "in the same management chain",
	PreviousPartner:      "paired before",
	NoSharedTopic:        "with no shared topic",
	NoCommonAvailability: "with no common weekly time",
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
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
