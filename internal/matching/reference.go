package matching

// Problem is the assignment problem a matching pass solves for its free mentees and mentors, without
// the tie-breaking hash, in a form reference solvers such as SciPy's linear_sum_assignment read: the
// tests and hack/matching-benchmark compare Match with them on the same problems.
type Problem struct {
	// Rows is the number of free mentees; Capacity the free capacity of each free mentor.
	Rows     int   `json:"rows"`
	Capacity []int `json:"capacity"`
	// Entries are the allowed pairs as [row, column, cost]: the score missing to 100, in hundredths.
	Entries [][3]int64 `json:"entries"`
	// Unassigned is the cost of leaving a row unassigned.
	Unassigned int64 `json:"unassigned"`
}

// Reference returns the problem the matching pass of in solves for its free people (the mentees
// without a pair, the mentors with capacity left, once the existing pairings that stay are kept), and
// the total cost and number of assigned rows of Match's own new pairs under the problem's costs. Both
// branches of a pass (adopting the unfixed optimum, or solving for the free people alone) must leave
// the free people optimally matched, so the total must equal the problem's optimum.
func Reference(in Input) (p Problem, cost int64, assigned int) {
	m := newMatcher(newIndex(in))
	m.keep(in.Pairings)
	rows, cols := m.free()
	a := m.assignment(rows, cols)
	// Empty lists rather than nil ones, which JSON would write as null.
	p = Problem{Rows: a.rows, Capacity: append([]int{}, a.capacity...), Entries: [][3]int64{}, Unassigned: m.unassignedUnits(len(rows))}
	for r := range a.columns {
		for i, c := range a.columns[r] {
			p.Entries = append(p.Entries, [3]int64{int64(r), int64(c), int64(a.costs[r][i] >> tieBreakBits)})
		}
	}
	// A new pair of anyone but a free mentee and a mentor with capacity left would be a bug: it
	// counts as a pair without sparing a row its unassigned cost, so the total exceeds the optimum.
	for _, pair := range Match(in).Pairs {
		if pair.Pairing == "" {
			mentor, mentee, _ := m.pair(pair.Mentor, pair.Mentee)
			cost += scoreUnits - int64(m.scoreUnitsOf(mentor, mentee, nil))
			if available(mentee) && !m.paired[mentee.number] {
				assigned++
			}
		}
	}
	cost += int64(len(rows)-assigned) * p.Unassigned
	return p, cost, assigned
}
