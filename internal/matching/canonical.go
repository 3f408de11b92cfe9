package matching

import (
	"cmp"
	"slices"
)

// canonicalize replaces the optimal assignment the solver found by the canonical one, so that the
// result depends on the problem alone and never on the path that found it: a solve from scratch and a
// warm start that repaired an earlier optimum (see warm) end with the same pairs even where several
// assignments tie exactly, hashes included.
//
// The canonical assignment is the first optimal one in rank order: the first row (by rank) takes the
// first column (by rank) it has in any optimal assignment, then the second row the first column it
// has in any optimal assignment that keeps the first row's choice, and so on; staying unassigned comes
// after every column.
//
// Every optimal assignment differs from the current one by cycles of arcs of reduced cost zero in the
// residual graph (linear-programming complementary slackness: the potentials are optimal for all of
// them). So a row r in column node cur may move to a column node c it has a zero-cost edge to exactly
// when the zero-cost residual graph, without r and the rows already decided, holds a path from c back
// to cur: a breadth-first search finds it, and moving every row along it keeps the assignment optimal.
// Rows with no zero-cost edge better than their own, nearly all of them, cost one look at their
// candidates.
func (s *solver) canonicalize() {
	order := make([]int32, 0, s.rows)
	for r := range s.rows {
		if s.colOf[r] >= 0 {
			order = append(order, int32(r))
		}
	}
	if s.rowRank != nil {
		slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(s.rowRank[a], s.rowRank[b]) })
	}
	decided := make([]bool, s.rows)
	var better []int32
	for _, r := range order {
		own := s.colOf[r]
		better = better[:0]
		for _, c := range s.tightEdges(r) {
			if s.before(c, own) {
				better = append(better, c)
			}
		}
		slices.SortFunc(better, func(a, b int32) int { return cmp.Compare(s.columnRank(a), s.columnRank(b)) })
		for _, c := range better {
			if s.moveAlong(r, c, decided) {
				break
			}
		}
		decided[r] = true
	}
	s.checkpoint("canonical")
}

// columnRank orders column nodes for canonicalize: real columns by rank, then every dummy column.
func (s *solver) columnRank(c int32) int64 {
	if int(c) >= s.cols {
		return 1 << 40
	}
	if s.colRank != nil {
		return int64(s.colRank[c])
	}
	return int64(c)
}

// before reports whether column node a comes before b in the canonical order.
func (s *solver) before(a, b int32) bool { return s.columnRank(a) < s.columnRank(b) }

// moveAlong moves row r into column node c along a cycle of zero reduced cost that leaves every
// decided row in place, if there is one, and reports whether it did.
func (s *solver) moveAlong(r, c int32, decided []bool) bool {
	target := s.colOf[r]
	s.search++
	stamp := s.search
	// The search runs over column nodes and t; each node reached records the node before it and the
	// row that moves from there into it (-1 for a step through t).
	if s.back == nil {
		s.back, s.mover = make([]int32, len(s.v)), make([]int32, len(s.v))
	}
	s.nodeStamp[c] = stamp
	queue := append(s.queue[:0], c)
	defer func() { s.queue = queue[:0] }()
	reach := func(n, from, row int32) {
		if s.nodeStamp[n] != stamp {
			s.nodeStamp[n] = stamp
			s.back[n], s.mover[n] = from, row
			queue = append(queue, n)
		}
	}
	for head := 0; head < len(queue); head++ {
		x := queue[head]
		if x == target {
			s.applyCycle(r, c, x)
			return true
		}
		if x == s.t {
			for j := range s.t {
				if s.sourceArc(j) {
					reach(j, x, -1)
				}
			}
			continue
		}
		for i := 0; ; i++ {
			q, ok := s.rowIn(x, i)
			if !ok {
				break
			}
			if q == r || decided[q] || s.rowStamp[q] == stamp {
				continue
			}
			s.rowStamp[q] = stamp
			for _, y := range s.tightEdges(q) {
				if y != x {
					reach(y, x, q)
				}
			}
		}
		if s.sinkArc(x) {
			reach(s.t, x, -1)
		}
	}
	return false
}

// applyCycle moves row r into column node c and every row on the path the search found from c to
// end, r's own column node, one step along it.
func (s *solver) applyCycle(r, c, end int32) {
	for n := end; n != c; {
		from := s.back[n]
		switch row := s.mover[n]; {
		case row >= 0:
			s.unassign(row)
			s.assign(row, n)
		case n == s.t:
			s.flow[from]++
		default:
			s.flow[n]--
		}
		n = from
	}
	s.unassign(r)
	s.assign(r, c)
}
