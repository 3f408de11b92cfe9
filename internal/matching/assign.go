package matching

import (
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"
)

// assignment is a minimum-cost transportation problem: every row (a mentee) goes to one column (a
// mentor, up to the column's capacity) along one of its edges, or stays unassigned at a fixed cost.
type assignment struct {
	rows, cols int
	capacity   []int
	// Row r's edges go to columns[r][i] at the cost packed in costs[r][i]: the missing score units
	// above tieBreakBits bits of tie-breaking hash, which stand for the cost
	// missing<<scaleShift | hash (see cost).
	columns    [][]int32
	costs      [][]uint32
	scaleShift uint
	// unassigned is the cost of leaving a row without a column.
	unassigned int64
}

// cost unpacks an edge's cost.
func (a *assignment) cost(packed uint32) int64 {
	return int64(packed>>tieBreakBits)<<a.scaleShift | int64(packed&(tieBreakRange-1))
}

// solve returns an optimal assignment: each row's column, or -1 for a row left unassigned.
//
// The problem is solved as a minimum-cost flow. Each row sends one unit to a sink t, either through a
// column (edge row→column at the edge's cost, then column→t, at most the column's capacity, at cost
// 0) or through its own dummy column (at the cost of staying unassigned). Column nodes are numbered
// 0..cols-1 for the columns, cols+r for row r's dummy, and t is the last.
//
// Potentials. Every node has a potential, u for rows and v for column nodes and t. The reduced cost of
// an edge row→column is cost−u[row]−v[column], that of column→t is v[column]−v[t], and an arc along
// which flow can be cancelled has minus the reduced cost of its edge. The solver keeps every reduced
// cost of the residual graph non-negative; arcs carrying flow then have reduced cost zero. A flow
// that meets every supply and demand under such potentials is optimal: the potentials are a
// feasible dual solution satisfying complementary slackness with it (linear-programming duality).
//
// Successive shortest paths. A row without a column has an excess of one unit. A column node whose
// flow to t exceeds its rows has a deficit, and so does t while it receives fewer units than there
// are rows. Moving a unit along a path of reduced cost zero from an excess to a deficit keeps every
// reduced cost non-negative, because the arcs it reverses had reduced cost zero. When no such path
// is left, Dijkstra's algorithm from all excess rows at once finds the distance L to the nearest
// deficit; raising each settled node's potential by L minus its distance keeps every reduced cost
// non-negative and gives the shortest paths reduced cost zero. Paths of reduced cost zero are used
// in phases as in Hopcroft and Karp's maximum-matching algorithm: a breadth-first search from all
// excess rows numbers the layers of the zero-cost graph up to the nearest deficit, and a depth-first
// search moves rows along disjoint paths that go one layer deeper at each step.
//
// Cost scaling. From zero potentials, late searches would visit most of the graph. So the problem is
// first solved exactly with every cost shifted right by many bits (rounded down), whose many ties make
// paths of reduced cost zero plentiful, and then again with b more bits of every cost at a time,
// starting from the previous round's flow and its potentials multiplied by 2^b. The arcs between
// column nodes and t cost nothing, so their reduced costs keep their signs; each row's potential
// becomes its least reduced cost, which makes all its edges' reduced costs non-negative; and a row
// whose column is no longer among its cheapest loses it (the column keeps its flow to t and so gets a
// deficit). Every invariant holds again, and only the rows that lost their column are routed again,
// along short paths, since the coarser potentials are nearly right. Bits that are zero in every cost
// are skipped. The last round uses the exact costs, so the flow it ends with is exactly optimal.
//
// Candidate edges. Within a round, column potentials only fall, so an edge's key, cost−v[column],
// only rises. Each row keeps as candidates the edges whose key was below its potential plus a margin,
// sorted by key, and the key bound of the others. Dijkstra's algorithm relaxes a reached row's
// candidates and puts the row back into the heap at the distance its other edges could give at best;
// if the search gets there before it stops, it relaxes all of the row's edges and chooses candidates
// afresh. Edges never relaxed are provably no shorter than the path found, so the search is exact.
// Zero-cost edges are found among the candidates too: those whose recorded key is at most the row's
// potential.
//
// The solver is sequential apart from preparing rounds, and processes rows, columns and ties in index
// order; the callers number rows and columns by name, so the result depends only on the input's
// content.
func (a *assignment) solve() []int32 { return newSolver(a).run() }

// run solves the problem from scratch, round by round, and returns the canonical optimum.
func (s *solver) run() []int32 {
	a := s.assignment
	var bitsUsed uint64
	var largest int64
	for r := range a.rows {
		for _, p := range a.costs[r] {
			c := a.cost(p)
			bitsUsed |= uint64(c)
			largest = max(largest, c)
		}
	}
	bitsUsed |= uint64(a.unassigned)
	s.shift = uint(max(bits.Len64(uint64(largest))-firstRoundBits, 0))
	s.margin = min(firstRoundMargin, maxMargin)
	s.prepare()
	s.checkpoint("first round prepared")
	for {
		s.route()
		if s.shift == 0 {
			break
		}
		// The next round adds the next roundBits bits that are set in some cost, and the zero bits
		// above them. When no cost has a bit left, the costs are the round's costs times 2^shift, and
		// the flow is optimal for them too.
		below := bitsUsed & (1<<s.shift - 1)
		if below == 0 {
			break
		}
		next := uint(max(bits.Len64(below)-roundBits, 0))
		s.rescale(next)
		s.margin = min(1<<roundBits, maxMargin)
		s.prepare()
		s.checkpoint("round prepared")
	}
	s.canonicalize()
	out := make([]int32, a.rows)
	for r, c := range s.colOf {
		out[r] = c
		if int(c) >= a.cols {
			out[r] = -1
		}
	}
	return out
}

const (
	// firstRoundBits is the precision of the first round: costs below 2^firstRoundBits.
	firstRoundBits = 4
	// roundBits is how many bits of precision each further round adds.
	roundBits = 4
	// firstRoundMargin and, for later rounds, 2^roundBits are the candidate margins: a row's edges
	// whose reduced cost is below the margin are its candidates. Measured on generated programmes:
	// smaller margins make more rows relax all their edges, larger ones relax more candidates.
	firstRoundMargin = 4
)

// solver is the state of solve.
type solver struct {
	*assignment
	// t is the sink's node number; column nodes are numbered below it.
	t int32
	// shift is the round's precision: costs are used shifted right by shift bits.
	shift uint
	// margin is the round's candidate margin, in units of 2^grain: a warm start, whose potentials move
	// by whole score units at a time, measures it coarsely (see newWarm).
	margin int64
	grain  uint
	// colOf is each row's column node, or -1 while the row has an excess.
	colOf []int32
	// rowsOf lists the rows in each real column.
	rowsOf [][]int32
	// load counts each column node's rows and flow its units sent to t; flow−load is its deficit.
	load, flow []int32
	// tDeficit is how many more units t must receive; below zero, t has received too many, which
	// happens only when a warm start prices a new column below t (see warm.setColumn).
	tDeficit int
	u, v     []int64
	// candidates are each row's candidate edges by key; base is the row's potential when they were
	// chosen, and bound the key below which its other edges lay then (noBound: no other edges).
	candidates  [][]candidate
	base, bound []int64
	// free lists the rows with an excess, in order.
	free []int32
	// search numbers the Dijkstra and breadth-first searches; stamps below compare with it.
	search uint32

	// Dijkstra's labels per column node (dist, via: a row or fromT, settled), the nodes to reset,
	// the rows reached with their distances, and by stamp the rows whose every edge was relaxed.
	dist    []int64
	via     []int32
	settled []uint32
	touched []int32
	reached []reach
	relaxed []uint32
	heap    minHeap

	// The layers of the zero-cost graph, valid where stamped; the columns of each expanded row's
	// zero-cost edges, tightCols[tightFrom[r]:tightTo[r]]; and the searches' queue and stack.
	rowLayer, nodeLayer []int32
	rowStamp, nodeStamp []uint32
	tightCols           []int32
	tightFrom, tightTo  []int32
	tightEpoch          []uint32
	epoch               uint32
	queue               []int32
	stack               []frame
	// keys is scratch space for choosing candidates; arena and arenas (one per core preparing rounds)
	// hold the candidate lists.
	keys   []int64
	arena  arena
	arenas []arena

	// rowRank and colRank order rows and real columns for canonicalize; nil means by number. back and
	// mover are its search's labels per node: the node before, and the row that moved from there.
	rowRank, colRank []int32
	back, mover      []int32
}

// candidate is a candidate edge: its column, and its packed cost (the low 24 bits) with, above, how
// far its key was above the row's potential when the candidates were chosen (base), in units of
// 2^grain, rounded down. base plus that is a lower bound of its key for the rest of the round.
type candidate struct {
	col  int32
	cost uint32
}

const candidateDelta = 24

func (c candidate) packed() uint32 { return c.cost & (1<<candidateDelta - 1) }
func (c candidate) delta() int64   { return int64(c.cost >> candidateDelta) }

// reach is a row reached by a search and its distance.
type reach struct {
	row  int32
	dist int64
}

const (
	unreached = math.MaxInt64
	noBound   = math.MaxInt64
	// fromT marks a column node reached from t; fromSource marks t as a source of a search.
	fromT      = -1
	fromSource = -2
)

func newSolver(a *assignment) *solver {
	nodes := a.cols + a.rows + 1
	arenas := make([]arena, runtime.GOMAXPROCS(0))
	s := &solver{assignment: a, t: int32(nodes - 1), colOf: make([]int32, a.rows), rowsOf: make([][]int32, a.cols),
		load: make([]int32, nodes), flow: make([]int32, nodes), tDeficit: a.rows,
		u: make([]int64, a.rows), v: make([]int64, nodes), candidates: make([][]candidate, a.rows), base: make([]int64, a.rows),
		bound: make([]int64, a.rows), dist: make([]int64, nodes), via: make([]int32, nodes),
		settled: make([]uint32, nodes), relaxed: make([]uint32, a.rows),
		rowLayer: make([]int32, a.rows), rowStamp: make([]uint32, a.rows),
		nodeLayer: make([]int32, nodes), nodeStamp: make([]uint32, nodes),
		tightFrom: make([]int32, a.rows), tightTo: make([]int32, a.rows), tightEpoch: make([]uint32, a.rows), epoch: 1,
		arenas: arenas}
	for c := range s.dist {
		s.dist[c] = unreached
	}
	for r := range s.colOf {
		s.colOf[r] = -1
	}
	return s
}

// rescale moves to a round whose costs are shifted right by shift bits, fewer than the current round's:
// potentials are multiplied to match.
func (s *solver) rescale(shift uint) {
	step := s.shift - shift
	s.shift = shift
	for i := range s.u {
		s.u[i] <<= step
	}
	for i := range s.v {
		s.v[i] <<= step
	}
}

// key is an edge's key in the current round.
func (s *solver) key(packed uint32, col int32) int64 { return s.cost(packed)>>s.shift - s.v[col] }

// dummyKey is the key of a row's edge to its dummy column.
func (s *solver) dummyKey(r int32) int64 { return s.unassigned>>s.shift - s.v[int32(s.cols)+r] }

// prepare starts a round: every row's potential becomes its least key, a row whose column is no
// longer among its cheapest loses it, and every row chooses its candidates. Rows are prepared on all
// cores; the columns are then taken away in row order.
func (s *solver) prepare() {
	s.newEpoch()
	lose := make([]bool, s.rows)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			var keys []int64
			a := &s.arenas[w%len(s.arenas)]
			for r := w * s.rows / workers; r < (w+1)*s.rows/workers; r++ {
				lose[r] = s.prepareRow(int32(r), &keys, a)
			}
		})
	}
	wg.Wait()
	candidates := 0
	for _, c := range s.candidates {
		candidates += len(c)
	}
	if cap(s.tightCols) < candidates {
		s.tightCols = make([]int32, 0, candidates)
	}
	s.free = s.free[:0]
	for r := range s.rows {
		if lose[r] {
			s.unassign(int32(r))
		}
		if s.colOf[r] < 0 {
			s.free = append(s.free, int32(r))
		}
	}
}

// prepareRow sets a row's potential and candidates, and reports whether it must lose its column.
func (s *solver) prepareRow(r int32, keys *[]int64, a *arena) bool {
	own := s.colOf[r]
	best := s.dummyKey(r)
	ownKey := best
	costs := s.costs[r]
	k := (*keys)[:0]
	for i, c := range s.columns[r] {
		key := s.key(costs[i], c)
		k = append(k, key)
		best = min(best, key)
		if c == own {
			ownKey = key
		}
	}
	*keys = k
	s.u[r] = best
	s.chooseFrom(r, k, a)
	return own >= 0 && ownKey != best
}

// choose makes a row's candidates its edges whose key is below its potential plus the margin.
func (s *solver) choose(r int32) {
	keys := s.keys[:0]
	costs := s.costs[r]
	for i, c := range s.columns[r] {
		keys = append(keys, s.key(costs[i], c))
	}
	s.keys = keys
	s.chooseFrom(r, keys, &s.arena)
}

// maxMargin bounds the candidate margin, so that candidates sort by counting.
const maxMargin = 64

// chooseFrom chooses a row's candidates given the keys of its edges, and sorts them by key (counting
// sort: the candidates' keys lie within the margin above the row's potential). The keys are
// overwritten.
func (s *solver) chooseFrom(r int32, keys []int64, a *arena) {
	u, margin, grain := s.u[r], s.margin, s.grain
	var counts [maxMargin + 1]int32
	// First pass: count the candidates per key, and keep their positions and keys at the front.
	n := 0
	for i, k := range keys {
		if d := k - u; d < margin<<grain {
			d = max(d, 0) >> grain
			counts[d+1]++
			keys[n] = int64(i)<<8 | d
			n++
		}
	}
	for i := 1; i <= int(margin); i++ {
		counts[i] += counts[i-1]
	}
	cand := s.candidates[r][:0]
	if cap(cand) < n {
		cand = a.alloc(n)
	}
	cand = cand[:n]
	columns, costs := s.columns[r], s.costs[r]
	for _, k := range keys[:n] {
		i, d := k>>8, k&0xff
		at := &counts[d]
		cand[*at] = candidate{col: columns[i], cost: costs[i] | uint32(d)<<candidateDelta}
		*at++
	}
	s.candidates[r] = cand
	s.base[r] = u
	s.bound[r] = u + margin<<grain
	if n == len(columns) {
		s.bound[r] = noBound
	}
}

// arena hands out candidate lists from large blocks, sparing the many small allocations of lists that
// grow; a list outgrown is left behind. A solver that outlives its solve (see newWarm) allocates each
// list on its own instead (single), so that what it leaves behind is collected.
type arena struct {
	block  []candidate
	single bool
}

func (a *arena) alloc(n int) []candidate {
	if a.single {
		return make([]candidate, n)
	}
	if len(a.block) < n {
		a.block = make([]candidate, max(n, 1<<16))
	}
	out := a.block[:n:n]
	a.block = a.block[n:]
	return out
}

// unassign takes a row out of its column; the column keeps its flow to t and so gets a deficit.
func (s *solver) unassign(r int32) {
	c := s.colOf[r]
	s.load[c]--
	if int(c) < s.cols {
		rows := s.rowsOf[c]
		i := slices.Index(rows, r)
		rows[i] = rows[len(rows)-1]
		s.rowsOf[c] = rows[:len(rows)-1]
	}
	s.colOf[r] = -1
}

// assign puts a row with an excess into a column node.
func (s *solver) assign(r, c int32) {
	s.colOf[r] = c
	s.load[c]++
	if int(c) < s.cols {
		s.rowsOf[c] = append(s.rowsOf[c], r)
	}
}

// capacityOf is a column node's capacity; a dummy column takes one row.
func (s *solver) capacityOf(c int32) int32 {
	if int(c) >= s.cols {
		return 1
	}
	return int32(s.capacity[c])
}

// deficit reports whether a node has to receive a unit.
func (s *solver) deficit(c int32) bool {
	if c == s.t {
		return s.tDeficit > 0
	}
	return s.flow[c] > s.load[c]
}

// sinkArc reports whether the arc from column node c to t is residual with reduced cost zero.
func (s *solver) sinkArc(c int32) bool { return s.flow[c] < s.capacityOf(c) && s.v[c] == s.v[s.t] }

// sourceArc reports whether the arc from t back to column node c is residual with reduced cost zero.
func (s *solver) sourceArc(c int32) bool { return s.flow[c] > 0 && s.v[c] == s.v[s.t] }

// rowIn returns the i-th row in a column node, if any.
func (s *solver) rowIn(c int32, i int) (int32, bool) {
	if int(c) < s.cols {
		if rows := s.rowsOf[c]; i < len(rows) {
			return rows[i], true
		}
		return 0, false
	}
	if r := c - int32(s.cols); i == 0 && s.colOf[r] == c {
		return r, true
	}
	return 0, false
}

// route sends every excess row to a deficit: as many as possible along paths of reduced cost zero,
// then, when none is left, along a shortest path after raising the potentials, and so on.
func (s *solver) route() {
	for {
		for s.blockingFlow() > 0 {
			s.checkpoint("moved along zero-cost paths")
		}
		free := s.free[:0]
		for _, r := range s.free {
			if s.colOf[r] < 0 {
				free = append(free, r)
			}
		}
		s.free = free
		if len(free) == 0 && s.tDeficit >= 0 {
			return
		}
		s.shortestPath(free)
		s.checkpoint("moved along a shortest path")
	}
}

// blockingFlow runs one phase of moves along paths of reduced cost zero and returns how many rows it
// moved.
func (s *solver) blockingFlow() int {
	s.search++
	stamp := s.search
	queue := s.queue[:0]
	for _, r := range s.free {
		if s.colOf[r] < 0 {
			s.rowStamp[r], s.rowLayer[r] = stamp, 0
			queue = append(queue, s.t+1+r)
		}
	}
	limit := int32(math.MaxInt32)
	label := func(c, layer int32) {
		if s.nodeStamp[c] == stamp {
			return
		}
		s.nodeStamp[c], s.nodeLayer[c] = stamp, layer
		if s.deficit(c) {
			limit = layer
		} else {
			queue = append(queue, c)
		}
	}
	for head := 0; head < len(queue); head++ {
		n := queue[head]
		if n > s.t {
			r := n - s.t - 1
			layer := s.rowLayer[r] + 1
			if layer > limit {
				break
			}
			own := s.colOf[r]
			for _, c := range s.tightEdges(r) {
				if c != own {
					label(c, layer)
				}
			}
			continue
		}
		layer := s.nodeLayer[n] + 1
		if layer > limit {
			break
		}
		if n == s.t {
			for j := range s.t {
				if s.sourceArc(j) {
					label(j, layer)
				}
			}
			continue
		}
		for i := 0; ; i++ {
			r, ok := s.rowIn(n, i)
			if !ok {
				break
			}
			if s.rowStamp[r] != stamp {
				s.rowStamp[r], s.rowLayer[r] = stamp, layer
				queue = append(queue, s.t+1+r)
			}
		}
		if s.sinkArc(n) {
			label(s.t, layer)
		}
	}
	s.queue = queue
	if limit == math.MaxInt32 {
		return 0
	}
	moved := 0
	for _, r := range s.free {
		if s.colOf[r] < 0 && s.rowStamp[r] == stamp && s.rowLayer[r] == 0 && s.layeredPath(r, stamp, limit) {
			moved++
		}
	}
	return moved
}

// tightEdges returns the column nodes of a row's edges of reduced cost zero, its own column included,
// computed once per state of the potentials.
func (s *solver) tightEdges(r int32) []int32 {
	if s.tightEpoch[r] != s.epoch {
		s.tightEpoch[r] = s.epoch
		s.tightFrom[r] = int32(len(s.tightCols))
		u := s.u[r]
		if s.bound[r] <= u {
			// Edges that were no candidates may have reduced cost zero by now.
			s.choose(r)
		}
		slack := (u - s.base[r]) >> s.grain
		for _, e := range s.candidates[r] {
			if e.delta() > slack {
				break
			}
			if s.key(e.packed(), e.col) == u {
				s.tightCols = append(s.tightCols, e.col)
			}
		}
		if s.dummyKey(r) == u {
			s.tightCols = append(s.tightCols, int32(s.cols)+r)
		}
		s.tightTo[r] = int32(len(s.tightCols))
	}
	return s.tightCols[s.tightFrom[r]:s.tightTo[r]]
}

// newEpoch forgets the zero-cost edges after the potentials changed.
func (s *solver) newEpoch() {
	s.epoch++
	s.tightCols = s.tightCols[:0]
}

// frame is a node on the depth-first search's stack and the next arc it will try.
type frame struct {
	node int32
	kind uint8
	next int32
}

const (
	rowFrame uint8 = iota
	columnFrame
	sinkFrame
)

// layeredPath looks depth first for a path from a free row to a deficit that goes one layer deeper
// at every step, and moves the row along it. Nodes it leaves without success are dead for the rest of
// the phase (layer -1), and so are the rows of a path found.
func (s *solver) layeredPath(root int32, stamp uint32, limit int32) bool {
	stack := append(s.stack[:0], frame{node: root, kind: rowFrame})
	defer func() { s.stack = stack[:0] }()
	next := func(c int32, layer int32) bool { return s.nodeStamp[c] == stamp && s.nodeLayer[c] == layer }
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		pushed := false
		switch f.kind {
		case rowFrame:
			r := f.node
			layer := s.rowLayer[r] + 1
			if layer > limit {
				break
			}
			tight, own := s.tightEdges(r), s.colOf[r]
			for int(f.next) < len(tight) && !pushed {
				c := tight[f.next]
				f.next++
				if c != own && next(c, layer) {
					stack = append(stack, frame{node: c, kind: columnFrame})
					pushed = true
				}
			}
		case columnFrame:
			c := f.node
			if s.deficit(c) {
				s.finishPath(stack)
				return true
			}
			layer := s.nodeLayer[c] + 1
			if layer > limit {
				break
			}
			for f.next >= 0 && !pushed {
				r, ok := s.rowIn(c, int(f.next))
				if !ok {
					break
				}
				f.next++
				if s.rowStamp[r] == stamp && s.rowLayer[r] == layer {
					stack = append(stack, frame{node: r, kind: rowFrame})
					pushed = true
				}
			}
			if !pushed && f.next >= 0 {
				f.next = -1
				if s.sinkArc(c) && next(s.t, layer) {
					stack = append(stack, frame{node: s.t, kind: sinkFrame})
					pushed = true
				}
			}
		case sinkFrame:
			if s.tDeficit > 0 {
				s.finishPath(stack)
				return true
			}
			layer := s.nodeLayer[s.t] + 1
			if layer > limit {
				break
			}
			for f.next < s.t && !pushed {
				j := f.next
				f.next++
				if s.sourceArc(j) && next(j, layer) {
					stack = append(stack, frame{node: j, kind: columnFrame})
					pushed = true
				}
			}
		}
		if !pushed {
			if f := stack[len(stack)-1]; f.kind == rowFrame {
				s.rowLayer[f.node] = -1
			} else {
				s.nodeLayer[f.node] = -1
			}
			stack = stack[:len(stack)-1]
		}
	}
	return false
}

// finishPath moves one unit along the path on the stack, from its free row to the deficit at its
// end, and marks the path's rows dead for the phase.
func (s *solver) finishPath(path []frame) {
	if path[len(path)-1].kind == sinkFrame {
		s.tDeficit--
	}
	for i := len(path) - 1; i > 0; i-- {
		from, to := path[i-1], path[i]
		switch {
		case from.kind == rowFrame:
			if s.colOf[from.node] >= 0 {
				s.unassign(from.node)
			}
			s.assign(from.node, to.node)
			s.rowLayer[from.node] = -1
		case to.kind == sinkFrame:
			s.flow[from.node]++
		case from.kind == sinkFrame:
			s.flow[to.node]--
		}
	}
}

// shortestPath finds, with Dijkstra's algorithm from every free row at once (and from t, when it has
// an excess), the distance L to the nearest deficit, raises the potentials so that reduced costs stay
// non-negative and shortest paths get reduced cost zero, and moves one unit along the path found.
func (s *solver) shortestPath(sources []int32) {
	s.search++
	for _, r := range sources {
		s.reachRow(r, 0)
	}
	if s.tDeficit < 0 {
		s.offer(s.t, 0, fromSource)
	}
	var sink int32
	var length int64
	for {
		n, d := s.heap.pop()
		if n > s.t {
			// A row's other edges: the row itself was reached at the entry's distance less the
			// least reduced cost those edges could have.
			if r := n - s.t - 1; s.relaxed[r] != s.search {
				s.relaxAll(r, d-(s.bound[r]-s.u[r]))
			}
			continue
		}
		if s.settled[n] == s.search || d != s.dist[n] {
			continue
		}
		s.settled[n] = s.search
		if s.deficit(n) {
			sink, length = n, d
			break
		}
		s.expand(n, d)
	}
	for _, r := range s.reached {
		s.u[r.row] += length - r.dist
	}
	for _, c := range s.touched {
		if s.settled[c] == s.search {
			s.v[c] -= length - s.dist[c]
		}
		s.dist[c] = unreached
	}
	s.touched, s.reached = s.touched[:0], s.reached[:0]
	s.heap.items = s.heap.items[:0]
	s.newEpoch()
	s.augment(sink)
}

// expand relaxes the arcs out of a settled column node that has no deficit.
func (s *solver) expand(c int32, d int64) {
	if c == s.t {
		for j := range s.t {
			if s.flow[j] > 0 {
				s.offer(j, d+s.v[c]-s.v[j], fromT)
			}
		}
		return
	}
	for i := 0; ; i++ {
		r, ok := s.rowIn(c, i)
		if !ok {
			break
		}
		s.reachRow(r, d)
	}
	if s.flow[c] < s.capacityOf(c) {
		s.offer(s.t, d+s.v[c]-s.v[s.t], c)
	}
}

// reachRow records that a row was reached at distance d and relaxes its candidates; its other edges
// wait in the heap at the least distance they could give.
func (s *solver) reachRow(r int32, d int64) {
	s.reached = append(s.reached, reach{r, d})
	base := d - s.u[r]
	dummy := int32(s.cols) + r
	s.offer(dummy, base+s.dummyKey(r), r)
	if s.bound[r] != noBound && s.bound[r] <= s.u[r] {
		s.relaxAll(r, d)
		return
	}
	for _, e := range s.candidates[r] {
		s.offer(e.col, base+s.key(e.packed(), e.col), r)
	}
	if s.bound[r] != noBound {
		s.heap.push(s.t+1+r, base+s.bound[r], true)
	}
}

// relaxAll relaxes every edge of a row reached at distance d and chooses its candidates afresh.
func (s *solver) relaxAll(r int32, d int64) {
	s.relaxed[r] = s.search
	base := d - s.u[r]
	costs := s.costs[r]
	for i, c := range s.columns[r] {
		s.offer(c, base+s.key(costs[i], c), r)
	}
	s.choose(r)
}

// offer labels column node c with distance d, reached from via, when that is shorter.
func (s *solver) offer(c int32, d int64, via int32) {
	if d < s.dist[c] && s.settled[c] != s.search {
		if s.dist[c] == unreached {
			s.touched = append(s.touched, c)
		}
		s.dist[c], s.via[c] = d, via
		s.heap.push(c, d, !s.deficit(c))
	}
}

// augment moves one unit from a free row, or from t, to the sink along the path the search found.
func (s *solver) augment(sink int32) {
	n := sink
	if n == s.t {
		s.tDeficit--
	}
	for {
		if n == s.t {
			if s.via[s.t] == fromSource {
				// The path started at t, which now has one unit fewer too many.
				s.tDeficit++
				return
			}
			// The path entered t from a column node, which now sends one more unit.
			n = s.via[s.t]
			s.flow[n]++
			continue
		}
		r := s.via[n]
		if r == fromT {
			// The path left t for this column node, which now sends one unit fewer.
			s.flow[n]--
			n = s.t
			continue
		}
		previous := s.colOf[r]
		if previous >= 0 {
			s.unassign(r)
		}
		s.assign(r, n)
		if previous < 0 {
			return
		}
		n = previous
	}
}

// minHeap is a binary heap of nodes by distance; stale entries are skipped when popped. Among equal
// distances, nodes with a deficit pop first, so that a search ends as soon as it can, then the lower
// node, so that searches are deterministic.
type minHeap struct{ items []heapItem }

type heapItem struct {
	dist int64
	// order is the node number shifted left one bit, plus one unless the node has a deficit.
	order uint32
}

func (h *minHeap) push(n int32, d int64, later bool) {
	order := uint32(n) << 1
	if later {
		order |= 1
	}
	item := heapItem{d, order}
	items := append(h.items, item)
	i := len(items) - 1
	for i > 0 {
		parent := (i - 1) / 2
		p := items[parent]
		if p.dist < d || p.dist == d && p.order < order {
			break
		}
		items[i] = p
		i = parent
	}
	items[i] = item
	h.items = items
}

func (h *minHeap) pop() (int32, int64) {
	items := h.items
	top := items[0]
	last := items[len(items)-1]
	items = items[:len(items)-1]
	h.items = items
	n := len(items)
	if n > 0 {
		i := 0
		for {
			c := 2*i + 1
			if c >= n {
				break
			}
			if r := c + 1; r < n && (items[r].dist < items[c].dist || items[r].dist == items[c].dist && items[r].order < items[c].order) {
				c = r
			}
			if last.dist < items[c].dist || last.dist == items[c].dist && last.order < items[c].order {
				break
			}
			items[i] = items[c]
			i = c
		}
		items[i] = last
	}
	return int32(top.order >> 1), top.dist
}

// checkpoint lets tests check the solver's invariants after each step.
func (s *solver) checkpoint(step string) {
	if solverCheckpoint != nil {
		solverCheckpoint(s, step)
	}
}

// solverCheckpoint, when set by a test, is called after each step of every solve.
var solverCheckpoint func(s *solver, step string)
