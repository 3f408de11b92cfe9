package matching

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// minCostFlow is an independent, slow reference for assignment.solve: successive shortest paths with
// Bellman-Ford on the explicit network source → rows → columns → sink, each row also connected to the
// sink at the cost of staying unassigned. It returns the least total cost of assigning every row.
func minCostFlow(a *assignment) int64 {
	type arc struct {
		to, rev  int
		capacity int
		cost     int64
	}
	source, sink := a.rows+a.cols, a.rows+a.cols+1
	graph := make([][]arc, a.rows+a.cols+2)
	add := func(from, to, capacity int, cost int64) {
		graph[from] = append(graph[from], arc{to, len(graph[to]), capacity, cost})
		graph[to] = append(graph[to], arc{from, len(graph[from]) - 1, 0, -cost})
	}
	for r := range a.rows {
		add(source, r, 1, 0)
		add(r, sink, 1, a.unassigned)
		for i, c := range a.columns[r] {
			add(r, a.rows+int(c), 1, a.cost(a.costs[r][i]))
		}
	}
	for c, capacity := range a.capacity {
		add(a.rows+c, sink, capacity, 0)
	}
	var total int64
	for range a.rows {
		dist := make([]int64, len(graph))
		prev := make([][2]int, len(graph))
		for i := range dist {
			dist[i] = math.MaxInt64
		}
		dist[source] = 0
		for changed := true; changed; {
			changed = false
			for u := range graph {
				if dist[u] == math.MaxInt64 {
					continue
				}
				for i, e := range graph[u] {
					if e.capacity > 0 && dist[u]+e.cost < dist[e.to] {
						dist[e.to], prev[e.to], changed = dist[u]+e.cost, [2]int{u, i}, true
					}
				}
			}
		}
		total += dist[sink]
		for v := sink; v != source; {
			u, i := prev[v][0], prev[v][1]
			graph[u][i].capacity--
			graph[v][graph[u][i].rev].capacity++
			v = u
		}
	}
	return total
}

// randomAssignment draws a problem: a few rows and columns, capacities, a density of allowed edges,
// and packed costs from a chosen range, so that some problems have many ties and some none.
func randomAssignment(r *rand.Rand) *assignment {
	a := &assignment{rows: r.IntN(24), cols: 1 + r.IntN(14)}
	for range a.cols {
		a.capacity = append(a.capacity, 1+r.IntN(3))
	}
	density := r.Float64()
	missing := []int{1, 3, 100, scoreUnits}[r.IntN(4)]
	hashes := []int{1, 2, tieBreakRange}[r.IntN(3)]
	m := &matcher{index: &index{}}
	m.policy.Objective = []Objective{MaxParticipation, MaxScore}[r.IntN(2)]
	a.scaleShift, a.unassigned = m.costs(a.rows)
	for range a.rows {
		columns, costs := randomEdges(r, a.cols, density, missing, hashes)
		a.columns = append(a.columns, columns)
		a.costs = append(a.costs, costs)
	}
	return a
}

// The solver's exactness rests on its invariants; the test checks them after every step, and the
// result against the reference.
func TestSolveMatchesAReferenceMinCostFlow(t *testing.T) {
	CheckSolverInvariants(t)
	r := rand.New(rand.NewPCG(11, 12))
	for i := range 1500 {
		a := randomAssignment(r)
		assignment := a.solve()
		load := make([]int, a.cols)
		var total int64
		for row, c := range assignment {
			if c < 0 {
				total += a.unassigned
				continue
			}
			load[c]++
			found := false
			for j, col := range a.columns[row] {
				if col == c {
					total += a.cost(a.costs[row][j])
					found = true
				}
			}
			if !found {
				t.Fatalf("problem %d: row %d assigned to column %d without an edge", i, row, c)
			}
		}
		for c, n := range load {
			if n > a.capacity[c] {
				t.Fatalf("problem %d: column %d has %d rows, capacity %d", i, c, n, a.capacity[c])
			}
		}
		if want := minCostFlow(a); total != want {
			t.Fatalf("problem %d (%d rows, %d columns): total cost %d, the reference finds %d", i, a.rows, a.cols, total, want)
		}
	}
}

// verify checks the solver's invariants: every row in at most one column node, loads and flows within
// capacities, and every residual arc of reduced cost at least zero, zero where it carries flow.
func (s *solver) verify(t *testing.T, step string) {
	t.Helper()
	load := make([]int32, s.t)
	for r := range s.rows {
		own := s.colOf[r]
		if own >= 0 {
			load[own]++
		}
		check := func(c int32, key int64) {
			rc := key - s.u[r]
			if c == own && rc != 0 || c != own && rc < 0 {
				t.Fatalf("%s: row %d (in %d) has reduced cost %d to %d", step, r, own, rc, c)
			}
		}
		for i, c := range s.columns[r] {
			check(c, s.key(s.costs[r][i], c))
		}
		check(int32(s.cols+r), s.dummyKey(int32(r)))
	}
	deficits := 0
	for c := range s.t {
		if load[c] != s.load[c] || s.flow[c] < s.load[c] || s.flow[c] > s.capacityOf(c) {
			t.Fatalf("%s: node %d has %d rows, load %d, flow %d, capacity %d", step, c, load[c], s.load[c], s.flow[c], s.capacityOf(c))
		}
		deficits += int(s.flow[c] - s.load[c])
		if s.flow[c] < s.capacityOf(c) && s.v[c] < s.v[s.t] || s.flow[c] > 0 && s.v[s.t] < s.v[c] {
			t.Fatalf("%s: node %d with flow %d has a negative reduced cost to or from t", step, c, s.flow[c])
		}
	}
	free := 0
	for _, c := range s.colOf {
		if c < 0 {
			free++
		}
	}
	if free != deficits+s.tDeficit {
		t.Fatalf("%s: %d rows have an excess, but the deficits add up to %d", step, free, deficits+s.tDeficit)
	}
}

// canonicalByBruteForce tries every assignment of a small problem and returns the canonical optimum:
// the least total cost, then, row by row in rank order, the column of least rank, unassigned last.
func canonicalByBruteForce(a *assignment, rowRank, colRank []int32) []int32 {
	order := make([]int, a.rows)
	for r := range order {
		order[r] = r
	}
	slices.SortFunc(order, func(x, y int) int { return cmp.Compare(rowRank[x], rowRank[y]) })
	rankOf := func(c int32) int64 {
		if c < 0 {
			return 1 << 40
		}
		return int64(colRank[c])
	}
	var best []int32
	var bestCost int64
	current := make([]int32, a.rows)
	left := slices.Clone(a.capacity)
	better := func(cost int64) bool {
		if best == nil || cost != bestCost {
			return best == nil || cost < bestCost
		}
		for _, r := range order {
			if x, y := rankOf(current[r]), rankOf(best[r]); x != y {
				return x < y
			}
		}
		return false
	}
	var walk func(i int, cost int64)
	walk = func(i int, cost int64) {
		if i == a.rows {
			if better(cost) {
				best, bestCost = slices.Clone(current), cost
			}
			return
		}
		current[i] = -1
		walk(i+1, cost+a.unassigned)
		for j, c := range a.columns[i] {
			if left[c] > 0 {
				left[c]--
				current[i] = c
				walk(i+1, cost+a.cost(a.costs[i][j]))
				left[c]++
			}
		}
	}
	walk(0, 0)
	return best
}

// The solver returns the canonical optimum whatever path found it, on small problems full of exact
// ties, with rows and columns ranked in their own order or shuffled.
func TestSolveReturnsTheCanonicalOptimum(t *testing.T) {
	CheckSolverInvariants(t)
	r := rand.New(rand.NewPCG(13, 14))
	for i := range 3000 {
		a := randomAssignment(r)
		a.rows = min(a.rows, 6)
		a.columns, a.costs = a.columns[:a.rows], a.costs[:a.rows]
		if a.cols > 4 {
			a.cols, a.capacity = 4, a.capacity[:4]
			for row := range a.rows {
				keep := 0
				for j, c := range a.columns[row] {
					if c < 4 {
						a.columns[row][keep], a.costs[row][keep] = c, a.costs[row][j]
						keep++
					}
				}
				a.columns[row], a.costs[row] = a.columns[row][:keep], a.costs[row][:keep]
			}
		}
		rowRank, colRank := identity(a.rows), identity(a.cols)
		if i%2 == 1 {
			r.Shuffle(len(rowRank), func(x, y int) { rowRank[x], rowRank[y] = rowRank[y], rowRank[x] })
			r.Shuffle(len(colRank), func(x, y int) { colRank[x], colRank[y] = colRank[y], colRank[x] })
		}
		want := canonicalByBruteForce(a, rowRank, colRank)
		s := newSolver(a)
		s.rowRank, s.colRank = rowRank, colRank
		got := s.run()
		if !slices.Equal(got, want) {
			t.Fatalf("problem %d (%d rows, %d columns, capacities %v): assignment %v, the canonical optimum is %v", i, a.rows, a.cols, a.capacity, got, want)
		}
	}
}

func identity(n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}

// randomEdges draws a row's edges to some of cols columns, sorted, with costs as randomAssignment's.
func randomEdges(r *rand.Rand, cols int, density float64, missing, hashes int) ([]int32, []uint32) {
	var columns []int32
	var costs []uint32
	for c := range cols {
		if r.Float64() < density {
			columns = append(columns, int32(c))
			costs = append(costs, uint32(r.IntN(missing))<<tieBreakBits|uint32(r.IntN(hashes)))
		}
	}
	return columns, costs
}

// A solved problem changed row by row and column by column (rows that join, leave or change their
// edges; columns that join, leave or change their capacity and edges), each time repaired from the
// last optimum, ends with exactly the optimum a solve from scratch of the changed problem finds: the
// canonical one, on problems full of exact ties. The invariants hold after every step.
func TestWarmRepairsEqualASolveFromScratch(t *testing.T) {
	CheckSolverInvariants(t)
	r := rand.New(rand.NewPCG(15, 16))
	for i := range 400 {
		a := randomAssignment(r)
		density := r.Float64()
		missing := []int{1, 3, 100}[r.IntN(3)]
		hashes := []int{1, 2, tieBreakRange}[r.IntN(3)]
		s := newSolver(a)
		s.run()
		if s.shift > 0 {
			s.rescale(0)
			s.prepare()
		}
		// Candidate margins in coarse units, as warm problems use them.
		s.keepWarm(uint(r.IntN(int(a.scaleShift) + tieBreakBits)))
		for step := range 12 {
			switch changes := 1 + r.IntN(3); {
			case r.IntN(2) == 0 && a.rows > 0:
				for range changes {
					columns, costs := randomEdges(r, a.cols, density, missing, hashes)
					if r.IntN(4) == 0 {
						columns, costs = nil, nil
					}
					s.setRow(int32(r.IntN(a.rows)), columns, costs)
				}
			default:
				for range changes {
					var rows []int32
					var costs []uint32
					for row := range a.rows {
						if r.Float64() < density {
							rows = append(rows, int32(row))
							costs = append(costs, uint32(r.IntN(missing))<<tieBreakBits|uint32(r.IntN(hashes)))
						}
					}
					s.setColumn(int32(r.IntN(a.cols)), r.IntN(4), rows, costs)
				}
			}
			s.repair()
			fresh := &assignment{rows: a.rows, cols: a.cols, capacity: slices.Clone(a.capacity), scaleShift: a.scaleShift, unassigned: a.unassigned}
			for row := range a.rows {
				fresh.columns = append(fresh.columns, slices.Clone(a.columns[row]))
				fresh.costs = append(fresh.costs, slices.Clone(a.costs[row]))
			}
			want := fresh.solve()
			got := make([]int32, a.rows)
			for row, c := range s.colOf {
				got[row] = c
				if int(c) >= a.cols {
					got[row] = -1
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("problem %d, step %d: repaired to %v, a solve from scratch finds %v", i, step, got, want)
			}
		}
	}
}
