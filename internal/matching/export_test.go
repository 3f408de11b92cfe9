package matching

import "testing"

// CheckSolverInvariants makes every solve, from scratch or warm, check the solver's invariants after
// each of its steps (see solver.verify) for the rest of the test.
func CheckSolverInvariants(t *testing.T) {
	solverCheckpoint = func(s *solver, step string) { s.verify(t, step) }
	t.Cleanup(func() { solverCheckpoint = nil })
}
