package matching

import (
	"cmp"
	"math"
	"slices"
)

// warm is a programme's unfixed problem, kept solved from one pass to the next. Its rows are the
// mentees who may take a new pair and have no pinned one, its columns the mentors with capacity left
// after their pinned pairs, its edges the allowed pairs: the problem whose optimum fillConsistently
// adopts when that optimum holds every active pairing. The problem does not depend on the active
// pairings, only on the people and on the pinned and ended pairings, so a pass changes a few of its
// rows and columns.
//
// sync repairs the optimum from the rows and columns that changed, keeping the potentials of the last
// solve, which prove the rest optimal (see assignment.solve):
//   - A row that changes (a mentee who joins, leaves or edits their profile) leaves its column, takes
//     its new edges (none when leaving) and the potential of the cheapest, and is routed again: a
//     join is one shortest augmenting path from the newcomer, and a leave sends the leaver to its
//     dummy column and re-augments into the place it frees, if anyone gains by taking it.
//   - A column that changes (a mentor who joins, leaves or edits, or whose capacity changes) frees
//     its rows and takes its new edges, at the highest potential that keeps every reduced cost
//     non-negative. Below t's potential, some rows gain by moving into it: the column is then filled
//     with units from t, and shortest paths from t decide who moves in, or send the units back.
//
// Either keeps every reduced cost non-negative, so the solver's routing ends with an optimum, and
// canonicalize makes it the canonical one: what a solve from scratch finds.
//
// Rows and columns live in slots with room to grow, so that nothing is renumbered: a free row slot is
// a row without edges on its dummy column, a free column slot has no capacity and no edges. Costs are
// encoded for as many rows as there are slots (index.costs), an encoding that orders assignments
// exactly as the one for the rows in use.
type warm struct {
	s          *solver
	rows, cols slots
	// policy is the policy the problem was built for; ended are the pairs, by mentor and mentee name,
	// whose pairings ended, on which edges depend.
	policy Policy
	ended  map[[2]string]bool
}

// slots seat the people of one side of the problem.
type slots struct {
	// name says who sits in each slot, if used.
	name []string
	used []bool
	of   map[string]int32
	// free lists the free slots, the lowest last.
	free []int32
}

// newSlots seats people in the first slots of n.
func newSlots(n int, people []*person) slots {
	s := slots{name: make([]string, n), used: make([]bool, n), of: make(map[string]int32, len(people))}
	for i, p := range people {
		s.name[i], s.used[i], s.of[p.Name] = p.Name, true, int32(i)
	}
	for i := n - 1; i >= len(people); i-- {
		s.free = append(s.free, int32(i))
	}
	return s
}

func (s *slots) take(p *person) int32 {
	slot := s.free[len(s.free)-1]
	s.free = s.free[:len(s.free)-1]
	s.name[slot], s.used[slot], s.of[p.Name] = p.Name, true, slot
	return slot
}

func (s *slots) release(slot int32) {
	delete(s.of, s.name[slot])
	s.name[slot], s.used[slot] = "", false
	s.free = append(s.free, slot)
}

// people are the persons of x in the slots; nil for free ones.
func (s *slots) people(x *index) []*person {
	out := make([]*person, len(s.name))
	for i, name := range s.name {
		if s.used[i] {
			out[i] = x.byName[name]
		}
	}
	return out
}

// headroom is how many slots a side of n people gets.
func headroom(n int) int { return 2*n + 8 }

// maxWarmRows bounds the row slots of a warm problem, so that its costs and potentials stay far from
// the limits of 64 bits (index.costs); larger programmes solve from scratch on every pass.
const maxWarmRows = 1 << 16

// newWarm solves the unfixed problem of rows, columns and their capacities from scratch.
func newWarm(x *index, rows, cols []*person, capacity []int, ended map[[2]string]bool) *warm {
	w := &warm{rows: newSlots(headroom(len(rows)), rows), cols: newSlots(headroom(len(cols)), cols), policy: x.policy, ended: ended}
	a := &assignment{rows: len(w.rows.name), cols: len(w.cols.name), capacity: make([]int, len(w.cols.name)),
		columns: make([][]int32, len(w.rows.name)), costs: make([][]uint32, len(w.rows.name))}
	copy(a.capacity, capacity)
	a.scaleShift, a.unassigned = x.costs(a.rows)
	columns, costs := x.fast().edges(rows, w.cols.people(x))
	for r := range rows {
		a.columns[r], a.costs[r] = withRoom(columns[r]), withRoom(costs[r])
	}
	w.s = newSolver(a)
	w.rank(x)
	w.s.run()
	if w.s.shift > 0 {
		// The last round's costs had no lower bits: the potentials, scaled, are exact.
		w.s.rescale(0)
		w.s.prepare()
	}
	// A repair moves potentials by whole score units, 2^scaleShift at a time: candidates within a
	// margin of a few units spare most reached rows a look at all their edges.
	w.s.keepWarm(a.scaleShift + warmGrain)
	return w
}

// rank orders the slots by name, as a solve from scratch numbers its rows and columns.
func (w *warm) rank(x *index) {
	rank := func(s *slots) []int32 {
		out := make([]int32, len(s.name))
		for i, name := range s.name {
			out[i] = math.MaxInt32
			if s.used[i] {
				out[i] = int32(x.byName[name].number)
			}
		}
		return out
	}
	w.s.rowRank, w.s.colRank = rank(&w.rows), rank(&w.cols)
}

// warmGrain sets the warm candidate margin to maxMargin units of 2^(scaleShift+warmGrain), about
// five points. Measured on a settled programme of 10,000 (BenchmarkChange): 2 to 4 cost least per
// join; -6, a margin of a hundredth of a point, cost 1.7 times as much, 8 1.4 times.
const warmGrain = 3

// Why a warm problem is built afresh, as Path.Reason says.
const (
	ReasonFirstSolve     = "FirstSolve"
	ReasonPolicyChanged  = "PolicyChanged"
	ReasonManyChanges    = "ManyChanges"
	ReasonProgrammeGrew  = "ProgrammeGrew"
	ReasonTooLarge       = "TooLarge"
	ReasonPotentialRange = "PotentialsOutOfRange"
)

// Repairable is how many changes to a programme of this many people a pass repairs at most: a
// change costs about one shortest path, and beyond a tenth of the people a solve from scratch, which
// shares the work of all paths, is as quick (BenchmarkChanges).
func Repairable(people int) int { return max(people/10, 8) }

// sync brings the problem to the people of x and repairs its optimum; changed names the participants
// who changed since the last sync. It returns why it could not (a reason for Path), before changing
// anything, or "".
func (w *warm) sync(x *index, rows, cols []*person, capacity []int, ended map[[2]string]bool, changed map[string]bool) string {
	if !samePolicy(w.policy, x.policy) {
		return ReasonPolicyChanged
	}
	if len(rows) > len(w.rows.name) || len(cols) > len(w.cols.name) {
		return ReasonProgrammeGrew
	}
	// A row changes with its mentee, or when a pair of theirs ended or no longer counts as ended; a
	// column with its mentor or its capacity.
	history := map[string]bool{}
	for p := range ended {
		if !w.ended[p] {
			history[p[1]] = true
		}
	}
	for p := range w.ended {
		if !ended[p] {
			history[p[1]] = true
		}
	}
	rowChanged := func(slot int32, e *person) bool { return changed[e.Name] || history[e.Name] }
	colCapacity := make(map[string]int, len(cols))
	for i, m := range cols {
		colCapacity[m.Name] = capacity[i]
	}
	colChanged := func(slot int32, m *person) bool {
		return changed[m.Name] || w.s.capacity[slot] != colCapacity[m.Name]
	}
	if leaving, joining := w.count(rows, cols, rowChanged, colChanged); leaving+joining > Repairable(len(rows)+len(cols)) {
		return ReasonManyChanges
	}
	s := w.s
	// Leavers free their slots first, so that joiners can take them.
	wanted := func(people []*person) map[string]bool {
		out := make(map[string]bool, len(people))
		for _, p := range people {
			out[p.Name] = true
		}
		return out
	}
	wantRow, wantCol := wanted(rows), wanted(cols)
	for slot, name := range w.rows.name {
		if w.rows.used[slot] && !wantRow[name] {
			s.setRow(int32(slot), nil, nil)
			w.rows.release(int32(slot))
		}
	}
	for slot, name := range w.cols.name {
		if w.cols.used[slot] && !wantCol[name] {
			s.setColumn(int32(slot), 0, nil, nil)
			w.cols.release(int32(slot))
		}
	}
	seat := func(side *slots, p *person, changed func(int32, *person) bool) (int32, bool) {
		slot, seated := side.of[p.Name]
		if !seated {
			return side.take(p), true
		}
		return slot, changed(slot, p)
	}
	dirtyRow := make([]bool, len(w.rows.name))
	var dirtyRows []int32
	for _, e := range rows {
		if slot, dirty := seat(&w.rows, e, rowChanged); dirty {
			dirtyRow[slot] = true
			dirtyRows = append(dirtyRows, slot)
		}
	}
	var dirtyCols []int32
	for _, m := range cols {
		if slot, dirty := seat(&w.cols, m, colChanged); dirty {
			dirtyCols = append(dirtyCols, slot)
		}
	}
	w.ended = ended
	w.rank(x)
	// Changed columns take their edges to the rows that keep theirs; changed rows take all of theirs.
	fast := x.fast()
	rowPeople, colPeople := w.rows.people(x), w.cols.people(x)
	for _, c := range dirtyCols {
		mentor := colPeople[c].number
		var edgeRows []int32
		var edgeCosts []uint32
		for r, e := range rowPeople {
			if e != nil && !dirtyRow[r] && fast.broken(mentor, e.number) == 0 {
				edgeRows = append(edgeRows, int32(r))
				edgeCosts = append(edgeCosts, fast.packed(mentor, e.number))
			}
		}
		s.setColumn(c, colCapacity[colPeople[c].Name], edgeRows, edgeCosts)
	}
	changedPeople := make([]*person, len(dirtyRows))
	for i, r := range dirtyRows {
		changedPeople[i] = rowPeople[r]
	}
	columns, costs := fast.edges(changedPeople, colPeople)
	for i, r := range dirtyRows {
		s.setRow(r, withRoom(columns[i]), withRoom(costs[i]))
	}
	s.repair()
	if !s.normalize() {
		return ReasonPotentialRange
	}
	return ""
}

// count counts the rows and columns that leave the problem, and those that join or change.
func (w *warm) count(rows, cols []*person, rowChanged, colChanged func(int32, *person) bool) (leaving, changed int) {
	side := func(s *slots, people []*person, changedFn func(int32, *person) bool) {
		stay := 0
		for _, p := range people {
			slot, seated := s.of[p.Name]
			if seated {
				stay++
			}
			if !seated || changedFn(slot, p) {
				changed++
			}
		}
		leaving += len(s.of) - stay
	}
	side(&w.rows, rows, rowChanged)
	side(&w.cols, cols, colChanged)
	return leaving, changed
}

// matches are the pairs of the optimum.
func (w *warm) matches(x *index) []match {
	var out []match
	for r, c := range w.s.colOf {
		if name := w.rows.name[r]; w.rows.used[r] && c >= 0 && int(c) < w.s.cols {
			out = append(out, match{mentor: x.byName[w.cols.name[c]], mentee: x.byName[name]})
		}
	}
	return out
}

// edges lists the allowed pairs of some of the rows and columns, as pairs.edges does, from the edges
// kept: the free people of a pass are rows and columns of the unfixed problem.
func (w *warm) edges(rows, cols []*person) ([][]int32, [][]uint32) {
	position := make([]int32, len(w.cols.name))
	for i := range position {
		position[i] = -1
	}
	for i, m := range cols {
		position[w.cols.of[m.Name]] = int32(i)
	}
	columns, costs := make([][]int32, len(rows)), make([][]uint32, len(rows))
	for i, e := range rows {
		slot := w.rows.of[e.Name]
		type edge struct {
			col  int32
			cost uint32
		}
		var found []edge
		for j, c := range w.s.columns[slot] {
			if p := position[c]; p >= 0 {
				found = append(found, edge{p, w.s.costs[slot][j]})
			}
		}
		slices.SortFunc(found, func(a, b edge) int { return cmp.Compare(a.col, b.col) })
		for _, f := range found {
			columns[i] = append(columns[i], f.col)
			costs[i] = append(costs[i], f.cost)
		}
	}
	return columns, costs
}

// keepWarm readies a solved problem for repairs: candidates within a margin in units of 2^grain,
// chosen afresh (their deltas are in the units of the grain they were chosen with), each list on its
// own, since the rounds of the solve left many behind in the arenas.
func (s *solver) keepWarm(grain uint) {
	s.grain = grain
	s.arena, s.arenas, s.tightCols = arena{single: true}, nil, nil
	for r := range s.candidates {
		s.candidates[r] = nil
		s.choose(int32(r))
	}
	s.newEpoch()
}

// repair routes every unit left over by setRow and setColumn and makes the optimum canonical.
func (s *solver) repair() {
	s.newEpoch()
	s.free = s.free[:0]
	for r, c := range s.colOf {
		if c < 0 {
			s.free = append(s.free, int32(r))
		}
	}
	s.route()
	s.canonicalize()
}

// setRow takes a row out of its column node and gives it new edges, sorted by column, and the
// potential of the cheapest: the row is free until routed again.
func (s *solver) setRow(r int32, columns []int32, costs []uint32) {
	if s.colOf[r] >= 0 {
		s.unassign(r)
	}
	s.columns[r], s.costs[r] = columns, costs
	u := s.dummyKey(r)
	for i, c := range columns {
		u = min(u, s.key(costs[i], c))
	}
	s.u[r] = u
	s.candidates[r] = s.candidates[r][:0]
	s.choose(r)
}

// setColumn frees a column's rows and replaces its capacity and edges: rows lists the rows that have
// an edge to it, in order, and costs their packed costs. Its potential is the highest that keeps every
// reduced cost non-negative, at most t's; below t's, the column is filled with units from t.
func (s *solver) setColumn(c int32, capacity int, rows []int32, costs []uint32) {
	for len(s.rowsOf[c]) > 0 {
		s.unassign(s.rowsOf[c][0])
	}
	s.tDeficit += int(s.flow[c])
	s.flow[c] = 0
	for r := range s.rows {
		s.removeEdge(int32(r), c)
	}
	s.capacity[c] = capacity
	if capacity == 0 {
		s.v[c] = s.v[s.t]
		return
	}
	v := s.v[s.t]
	for i, r := range rows {
		v = min(v, s.cost(costs[i])-s.u[r])
	}
	s.v[c] = v
	for i, r := range rows {
		s.insertEdge(r, c, costs[i])
	}
	if v < s.v[s.t] {
		s.flow[c] = int32(capacity)
		s.tDeficit -= capacity
	}
}

// removeEdge removes a row's edge to column c, if it has one, from its edges and its candidates.
func (s *solver) removeEdge(r, c int32) {
	i, found := slices.BinarySearch(s.columns[r], c)
	if !found {
		return
	}
	s.columns[r] = slices.Delete(s.columns[r], i, i+1)
	s.costs[r] = slices.Delete(s.costs[r], i, i+1)
	s.candidates[r] = slices.DeleteFunc(s.candidates[r], func(e candidate) bool { return e.col == c })
}

// insertEdge adds an edge from a row to column c. Its key may lie below the row's other edges that
// are no candidates: the bound says so, and the row chooses its candidates afresh when reached.
func (s *solver) insertEdge(r, c int32, cost uint32) {
	i, _ := slices.BinarySearch(s.columns[r], c)
	s.columns[r] = slices.Insert(withRoom(s.columns[r]), i, c)
	s.costs[r] = slices.Insert(withRoom(s.costs[r]), i, cost)
	s.bound[r] = min(s.bound[r], s.key(cost, c))
}

// withRoom returns a row's edges in a list of its own with room for at least one more: the edges of
// pairs.edges share large blocks, which a row kept for long would keep whole, and a list grown by
// append doubles.
func withRoom[T any](edges []T) []T {
	if len(edges) < cap(edges) {
		return edges
	}
	return append(make([]T, 0, len(edges)+len(edges)/16+4), edges...)
}

// potentialRange bounds the potentials normalize accepts, far below the limit of 64 bits; index.costs
// keeps every cost below 2^59 for maxWarmRows rows.
const potentialRange = 1 << 61

// normalize moves every potential by the same amount, so that t's is zero, which changes no reduced
// cost, and reports whether they all lie within potentialRange. Successive searches lower t's
// potential, and many passes would otherwise carry the potentials away.
func (s *solver) normalize() bool {
	shift := s.v[s.t]
	ok := true
	for i := range s.v {
		s.v[i] -= shift
		ok = ok && abs(s.v[i]) < potentialRange
	}
	for r := range s.u {
		s.u[r] += shift
		ok = ok && abs(s.u[r]) < potentialRange
	}
	for r := range s.base {
		s.base[r] += shift
		if s.bound[r] != noBound {
			s.bound[r] += shift
		}
	}
	s.newEpoch()
	return ok
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
