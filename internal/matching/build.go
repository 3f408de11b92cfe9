package matching

import (
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/weekly"
)

// pairs is the index in flat arrays for checking and scoring many pairs quickly: what check and
// scoreUnitsOf read, with departments and diversity attributes as numbers, and the management chains
// and previous pairings as sorted lists of mentor numbers per mentee. check and scoreUnitsOf remain
// the definitions; tests hold the two to the same answers.
type pairs struct {
	x                *index
	mentors, mentees []flat
	// chain and previous list, per mentee number, the mentor numbers in either one's management
	// chain and those paired before, when the policy excludes them.
	chain, previous [][]int32
	// Scoring: each criterion's weight times scoreUnits (zero when its weight is not positive), the
	// total weight, and the most availability that counts.
	topicFit, availability, crossDepartment, seniorityGap int64
	diversity                                             []int64
	prefer                                                []bool
	total                                                 int64
	most                                                  int
}

// flat is one participant's share of pairs.
type flat struct {
	seniority int
	// department and attributes are numbers; -1 when missing.
	department int32
	attributes []int32
	// zone is a mentor's zone number, -1 when unknown.
	zone   int32
	paused bool
	// topics are the offered or sought topics; weights the levels or priorities.
	topics     uint64
	weights    []int
	goalWeight int
	// own, starts: a mentor's slots. common, commonStarts: a mentee's, per anchor zone.
	own, starts          *weekly.Set
	common, commonStarts []weekly.Set
	// hash is, for a mentor, the tie-break hash's state after the name and a zero byte.
	hash uint64
	name string
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func newPairs(x *index) *pairs {
	p := &pairs{x: x, mentors: make([]flat, len(x.mentors)), mentees: make([]flat, len(x.mentees)),
		chain: make([][]int32, len(x.mentees)), previous: make([][]int32, len(x.mentees))}
	numbers := map[string]int32{}
	number := func(s string) int32 {
		if s == "" {
			return -1
		}
		n, ok := numbers[s]
		if !ok {
			n = int32(len(numbers))
			numbers[s] = n
		}
		return n
	}
	fill := func(f *flat, q *person) {
		f.seniority, f.department, f.paused, f.name = q.Seniority, number(q.Department), q.Paused, q.Name
		f.attributes = make([]int32, len(q.attributes))
		for i, a := range q.attributes {
			f.attributes[i] = number(a)
		}
	}
	for i, m := range x.mentors {
		f := &p.mentors[i]
		fill(f, m)
		f.zone, f.topics, f.weights, f.own, f.starts = int32(m.zone), m.offers, m.level, &m.own, &m.starts
		h := uint64(fnvOffset)
		for j := range len(m.Name) {
			h = (h ^ uint64(m.Name[j])) * fnvPrime
		}
		f.hash = h * fnvPrime // the zero byte
	}
	for i, e := range x.mentees {
		f := &p.mentees[i]
		fill(f, e)
		f.topics, f.weights, f.goalWeight, f.common, f.commonStarts = e.seeks, e.priority, e.goalWeight, e.common, e.commonStarts
	}
	if x.policy.ExcludeManagementChain {
		add := func(mentor, mentee *person) {
			if mentor.Role == Mentor && mentee.Role == Mentee {
				p.chain[mentee.number] = append(p.chain[mentee.number], int32(mentor.number))
			}
		}
		for _, q := range x.byName {
			for _, manager := range q.managers {
				add(q, manager)
				add(manager, q)
			}
		}
	}
	if x.policy.AvoidPreviousPartners {
		for pair := range x.previous {
			p.previous[pair[1]] = append(p.previous[pair[1]], int32(pair[0]))
		}
	}
	for i := range p.chain {
		slices.Sort(p.chain[i])
		slices.Sort(p.previous[i])
	}
	w := x.policy.Weights
	weight := func(w int) int64 { return int64(max(w, 0)) * scoreUnits }
	p.topicFit, p.availability = weight(w.TopicFit), weight(w.Availability)
	p.crossDepartment, p.seniorityGap = weight(w.CrossDepartment), weight(w.SeniorityGap)
	for _, goal := range x.policy.Diversity {
		p.diversity = append(p.diversity, weight(goal.Weight))
		p.prefer = append(p.prefer, goal.Prefer == Same)
	}
	p.total = int64(x.weights)
	p.most = availabilityMeetings * x.meetingSlots
	return p
}

// gap is check's seniority gap.
func (p *pairs) gap(m, e *flat) int {
	if p.x.policy.Direction == Traditional {
		return m.seniority - e.seniority
	}
	return e.seniority - m.seniority
}

// check is index.check: the first hard constraint the pair of mentor number mi and mentee number ei
// breaks, or "".
func (p *pairs) check(mi, ei int) Constraint { return hardConstraints[p.broken(mi, ei)] }

// broken is check as a position in hardConstraints: 0 when the pair is allowed.
func (p *pairs) broken(mi, ei int) uint8 {
	m, e := &p.mentors[mi], &p.mentees[ei]
	policy := &p.x.policy
	switch {
	case m.paused || e.paused:
		return 1
	case p.gap(m, e) < policy.MinSeniorityGap:
		return 2
	case policy.ExcludeSameDepartment && m.department >= 0 && m.department == e.department:
		return 3
	case contains(p.chain[ei], mi):
		return 4
	case contains(p.previous[ei], mi):
		return 5
	case m.topics&e.topics == 0:
		return 6
	case m.zone < 0 || !meets(m.starts, &e.commonStarts[m.zone]):
		return 7
	}
	return 0
}

func contains(sorted []int32, n int) bool {
	if len(sorted) == 0 {
		return false
	}
	_, found := slices.BinarySearch(sorted, int32(n))
	return found
}

// meets reports whether two sets of meeting starts share one: Set.And without copying the sets.
func meets(a, b *weekly.Set) bool {
	for i := range a {
		if a[i]&b[i] != 0 {
			return true
		}
	}
	return false
}

// units is index.scoreUnitsOf for an allowed pair.
func (p *pairs) units(mi, ei int) int64 {
	m, e := &p.mentors[mi], &p.mentees[ei]
	if p.total == 0 {
		return 0
	}
	var sum int64
	part := func(weight int64, num, den int) {
		sum += weight * int64(num) / (int64(den) * p.total)
	}
	if p.topicFit > 0 {
		if e.goalWeight == 0 {
			part(p.topicFit, 0, 1)
		} else {
			fit := 0
			for shared := m.topics & e.topics; shared != 0; shared &= shared - 1 {
				t := bits.TrailingZeros64(shared)
				fit += e.weights[t] * m.weights[t]
			}
			part(p.topicFit, fit, e.goalWeight)
		}
	}
	if p.availability > 0 {
		overlap := 0
		if m.zone >= 0 {
			common := &e.common[m.zone]
			for i, w := range m.own {
				overlap += bits.OnesCount64(w & common[i])
			}
		}
		part(p.availability, min(overlap, p.most), p.most)
	}
	if p.crossDepartment > 0 && m.department >= 0 && e.department >= 0 && m.department != e.department {
		sum += p.crossDepartment / p.total
	}
	if p.seniorityGap > 0 {
		part(p.seniorityGap, min(max(p.gap(m, e)-p.x.policy.MinSeniorityGap, 0), seniorityGapScale), seniorityGapScale)
	}
	for i, weight := range p.diversity {
		if a, b := m.attributes[i], e.attributes[i]; weight > 0 && a >= 0 && b >= 0 && (a == b) == p.prefer[i] {
			sum += weight / p.total
		}
	}
	return sum
}

// tieBreak is the tie-breaking hash of a pair: FNV-1a of the mentor's name, a zero byte and the
// mentee's name, below tieBreakRange.
func (p *pairs) tieBreak(mi, ei int) uint32 {
	h := p.mentors[mi].hash
	name := p.mentees[ei].name
	for i := range len(name) {
		h = (h ^ uint64(name[i])) * fnvPrime
	}
	return uint32(h % tieBreakRange)
}

// packed is an allowed pair's packed cost: its missing score units above its tie-breaking hash.
func (p *pairs) packed(mi, ei int) uint32 {
	return uint32(scoreUnits-p.units(mi, ei))<<tieBreakBits | p.tieBreak(mi, ei)
}

// edges lists the allowed pairs of free mentees (rows) and mentors with free capacity (columns; nil
// for a column nobody fits), on all cores: each row's columns and packed costs, the missing score
// units above the tie-break hash. Each core stores its rows' edges in large blocks, so that memory
// holds little more than the edges.
func (p *pairs) edges(rows, cols []*person) ([][]int32, [][]uint32) {
	// What rules most pairs out, per column and contiguous, so that ruling them out is quick.
	quick := make([]quickColumn, len(cols))
	for c, mentor := range cols {
		if mentor == nil {
			continue // a column nobody fits
		}
		m := &p.mentors[mentor.number]
		quick[c] = quickColumn{topics: m.topics, seniority: m.seniority, number: int32(mentor.number), department: m.department}
		if m.zone < 0 || m.paused {
			quick[c].topics = 0
		}
	}
	columns, costs := make([][]int32, len(rows)), make([][]uint32, len(rows))
	var next atomic.Int64
	const chunk = 16
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			scratchCols, scratchCosts := make([]int32, len(cols)), make([]uint32, len(cols))
			var blockCols []int32
			var blockCosts []uint32
			for {
				first := int(next.Add(chunk)) - chunk
				if first >= len(rows) {
					return
				}
				for r := first; r < min(first+chunk, len(rows)); r++ {
					n := p.row(rows[r].number, quick, scratchCols, scratchCosts)
					if len(blockCols) < n {
						size := max(n, 1<<16)
						blockCols, blockCosts = make([]int32, size), make([]uint32, size)
					}
					columns[r], blockCols = blockCols[:n:n], blockCols[n:]
					costs[r], blockCosts = blockCosts[:n:n], blockCosts[n:]
					copy(columns[r], scratchCols[:n])
					copy(costs[r], scratchCosts[:n])
				}
			}
		})
	}
	wg.Wait()
	return columns, costs
}

// quickColumn is a column's share of the first checks: its topics (none for a mentor without a zone,
// or paused, who fits nobody), seniority, mentor number and department.
type quickColumn struct {
	topics     uint64
	seniority  int
	number     int32
	department int32
}

// row writes one mentee's allowed columns and packed costs to the scratch slices and returns how many.
func (p *pairs) row(ei int, cols []quickColumn, outCols []int32, outCosts []uint32) int {
	e := &p.mentees[ei]
	if e.paused {
		return 0
	}
	policy := &p.x.policy
	chain, previous := p.chain[ei], p.previous[ei]
	seeks, reverse := e.topics, policy.Direction != Traditional
	sameDepartment := int32(-2)
	if policy.ExcludeSameDepartment && e.department >= 0 {
		sameDepartment = e.department
	}
	n := 0
	for c := range cols {
		q := &cols[c]
		if q.topics&seeks == 0 || q.department == sameDepartment {
			continue
		}
		if gap := e.seniority - q.seniority; reverse && gap < policy.MinSeniorityGap || !reverse && -gap < policy.MinSeniorityGap {
			continue
		}
		mi := int(q.number)
		if len(chain) > 0 && contains(chain, mi) || len(previous) > 0 && contains(previous, mi) {
			continue
		}
		m := &p.mentors[mi]
		if !meets(m.starts, &e.commonStarts[m.zone]) {
			continue
		}
		outCols[n] = int32(c)
		outCosts[n] = p.packed(mi, ei)
		n++
	}
	return n
}
