package matching

import "math"

// assignment is a minimum-cost transportation problem: every row (a mentee) goes to one column (a
// mentor, up to the column's capacity) along one of its edges, or stays unassigned at a fixed cost.
// Edges are stored row by row with integer costs.
//
// solve finds an optimal assignment by successive shortest augmenting paths, as in the Jonker–Volgenant
// and Crouse algorithms, on the sparse graph: rows are added one at a time, and each addition follows
// the cheapest path, in reduced costs, from the new row to a column with free capacity or to an
// unassigned state, found by Dijkstra's algorithm and stopped as soon as that path is known. Row and
// column potentials keep every reduced cost non-negative, which is what makes each path optimal and
// the final assignment optimal (linear programming duality). Leaving a row unassigned is modelled as a
// column of its own with capacity one, reachable only from that row.
type assignment struct {
	rows, cols int
	capacity   []int
	// Row r's edges go to columns[r][i] at cost[r][i].
	columns [][]int32
	cost    [][]int64
	// unassigned is the cost of leaving a row without a column.
	unassigned int64
}

// solver is the state of solve: the assignment so far, the potentials and Dijkstra's scratch space.
type solver struct {
	*assignment
	// colOf is each row's column; a row's own unassigned column is cols+row.
	colOf []int32
	// rowsOf lists the rows assigned to each real column.
	rowsOf [][]int32
	// u and v are the row and column potentials.
	u, v []int64
	// dist, via and done are Dijkstra's labels per column; touched lists the columns to reset.
	dist    []int64
	via     []int32
	done    []bool
	touched []int32
	// reached lists the rows reached in the current search and the distance at which each was.
	reached []reach
	heap    minHeap
}

type reach struct {
	row  int32
	dist int64
}

const unreached = math.MaxInt64

// solve returns each row's column, or -1 for a row left unassigned.
func (a *assignment) solve() []int32 {
	total := a.cols + a.rows
	s := &solver{assignment: a, colOf: make([]int32, a.rows), rowsOf: make([][]int32, a.cols),
		u: make([]int64, a.rows), v: make([]int64, total), dist: make([]int64, total),
		via: make([]int32, total), done: make([]bool, total)}
	for c := range s.dist {
		s.dist[c] = unreached
	}
	for r := range a.rows {
		s.add(int32(r))
	}
	out := make([]int32, a.rows)
	for r, c := range s.colOf {
		out[r] = c
		if int(c) >= a.cols {
			out[r] = -1
		}
	}
	return out
}

// full reports whether a column has no capacity left.
func (s *solver) full(c int32) bool {
	if int(c) >= s.cols {
		return s.colOf[int(c)-s.cols] == c
	}
	return len(s.rowsOf[c]) >= s.capacity[c]
}

// add assigns a new row along the cheapest augmenting path.
func (s *solver) add(row int32) {
	s.colOf[row] = -1
	s.relax(row, 0)
	var sink int32
	var length int64
	for {
		c, d := s.heap.pop()
		if s.done[c] || d != s.dist[c] {
			continue
		}
		s.done[c] = true
		if !s.full(c) {
			sink, length = c, d
			break
		}
		if int(c) >= s.cols {
			s.relaxRow(int32(int(c)-s.cols), d)
			continue
		}
		for _, r := range s.rowsOf[c] {
			s.relaxRow(r, d)
		}
	}
	s.updatePotentials(row, length)
	s.augment(row, sink)
	s.reset()
}

// relaxRow records that a row was reached at distance d and relaxes its edges.
func (s *solver) relaxRow(r int32, d int64) {
	s.reached = append(s.reached, reach{r, d})
	s.relax(r, d)
}

// relax offers every column of row r at distance d plus the edge's reduced cost.
func (s *solver) relax(r int32, d int64) {
	base := d - s.u[r]
	for i, c := range s.columns[r] {
		s.offer(c, base+s.cost[r][i], r)
	}
	s.offer(int32(s.cols)+r, base+s.unassigned, r)
}

func (s *solver) offer(c int32, d int64, r int32) {
	if s.done[c] {
		return
	}
	d -= s.v[c]
	if d < s.dist[c] {
		if s.dist[c] == unreached {
			s.touched = append(s.touched, c)
		}
		s.dist[c], s.via[c] = d, r
		s.heap.push(c, d)
	}
}

// updatePotentials keeps reduced costs non-negative and those of assigned edges zero after a search
// that found a path of the given length.
func (s *solver) updatePotentials(row int32, length int64) {
	s.u[row] += length
	for _, r := range s.reached {
		s.u[r.row] += length - r.dist
	}
	for _, c := range s.touched {
		if s.done[c] {
			s.v[c] -= length - s.dist[c]
		}
	}
}

// augment moves every row on the path one column along, ending at sink.
func (s *solver) augment(row, sink int32) {
	for c := sink; ; {
		r := s.via[c]
		previous := s.colOf[r]
		s.assign(r, c)
		if r == row {
			return
		}
		c = previous
	}
}

// assign moves row r to column c.
func (s *solver) assign(r, c int32) {
	if previous := s.colOf[r]; previous >= 0 && int(previous) < s.cols {
		rows := s.rowsOf[previous]
		for i, other := range rows {
			if other == r {
				rows[i] = rows[len(rows)-1]
				s.rowsOf[previous] = rows[:len(rows)-1]
				break
			}
		}
	}
	s.colOf[r] = c
	if int(c) < s.cols {
		s.rowsOf[c] = append(s.rowsOf[c], r)
	}
}

func (s *solver) reset() {
	for _, c := range s.touched {
		s.dist[c], s.done[c] = unreached, false
	}
	s.touched, s.reached = s.touched[:0], s.reached[:0]
	s.heap.items = s.heap.items[:0]
}

// minHeap is a binary heap of columns by distance; stale entries are skipped when popped. Equal
// distances pop the lower column first, so the search is deterministic.
type minHeap struct{ items []heapItem }

type heapItem struct {
	dist int64
	col  int32
}

func (h *minHeap) less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	return a.dist < b.dist || (a.dist == b.dist && a.col < b.col)
}

func (h *minHeap) push(c int32, d int64) {
	h.items = append(h.items, heapItem{d, c})
	for i := len(h.items) - 1; i > 0; {
		parent := (i - 1) / 2
		if !h.less(i, parent) {
			break
		}
		h.items[i], h.items[parent] = h.items[parent], h.items[i]
		i = parent
	}
}

func (h *minHeap) pop() (int32, int64) {
	top := h.items[0]
	last := len(h.items) - 1
	h.items[0] = h.items[last]
	h.items = h.items[:last]
	for i := 0; ; {
		smallest, l, r := i, 2*i+1, 2*i+2
		if l < last && h.less(l, smallest) {
			smallest = l
		}
		if r < last && h.less(r, smallest) {
			smallest = r
		}
		if smallest == i {
			break
		}
		h.items[i], h.items[smallest] = h.items[smallest], h.items[i]
		i = smallest
	}
	return top.col, top.dist
}
