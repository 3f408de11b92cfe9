package programme

import (
	"sync"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

// A change to a programme's members is matched almost at once when it comes alone, and a burst of
// changes (a GitOps sync of thousands of participants) is matched once it has settled, instead of by
// many passes over a growing part, each rewriting the statuses the one before wrote and each pairing
// early arrivals on what it has seen so far.
const (
	// alone is how long a first change must stay alone for its pass to run: `kubectl apply` of many
	// objects sends the next one within milliseconds.
	alone = 100 * time.Millisecond
	// quiet is how long a programme's members must have stayed unchanged before the pass of a burst
	// runs.
	quiet = time.Second
	// maxDefer bounds the wait from the first change of a burst, so that a steady stream of changes
	// still gets a pass at least this often.
	maxDefer = 30 * time.Second
)

// bursts tracks, for each programme, the changes to its members that people made and no pass has
// matched yet.
type bursts struct {
	now     func() time.Time
	mu      sync.Mutex
	pending map[client.ObjectKey]*burst
}

// burst is when a programme's unmatched changes began and when the latest arrived, and how many there
// are.
type burst struct {
	first, last time.Time
	changes     int
}

func newBursts(now func() time.Time) *bursts {
	return &bursts{now: now, pending: map[client.ObjectKey]*burst{}}
}

// changed records a change to one of the programme's members, and returns how long until its pass may
// run and whether it opened a burst.
func (b *bursts) changed(programme client.ObjectKey) (time.Duration, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	current, ok := b.pending[programme]
	if !ok {
		current = &burst{first: now}
		b.pending[programme] = current
	}
	current.last = now
	current.changes++
	return current.wait(now), current.changes == 1
}

// wait is how long the pass of a burst waits at now: a change alone waits to see whether others
// follow; a burst waits until the members have been quiet for a while, or it has lasted maxDefer.
func (c *burst) wait(now time.Time) time.Duration {
	if c.changes == 1 {
		return c.last.Add(alone).Sub(now)
	}
	return min(c.last.Add(quiet).Sub(now), c.first.Add(maxDefer).Sub(now))
}

// wait is how much longer a due pass should wait for the programme's members to settle; zero when it
// should run now, and then the changes so far count as matched.
func (b *bursts) wait(programme client.ObjectKey) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	current, ok := b.pending[programme]
	if !ok {
		return 0
	}
	if wait := current.wait(b.now()); wait > 0 {
		return wait
	}
	delete(b.pending, programme)
	return 0
}

// changedSince reports whether a change arrived after t.
func (b *bursts) changedSince(programme client.ObjectKey, t time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	current, ok := b.pending[programme]
	return ok && current.last.After(t)
}

// forget drops what is known about a programme that is gone.
func (b *bursts) forget(programme client.ObjectKey) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.pending, programme)
}

// expectations are the writes a pass made to its own members that the cache has not shown yet: the
// pairings it created and those it ended. Until the cache shows them, a pass would read a stale
// programme and repeat them, so none runs; the events of these writes are not changes by people.
// (The ReplicaSet controller keeps expectations for the same reason.) They expire after maxDefer, in
// case an event never comes.
type expectations struct {
	now     func() time.Time
	mu      sync.Mutex
	pending map[client.ObjectKey]*expected
}

type expected struct {
	writes   map[write]bool
	deadline time.Time
}

// write is one of a pass's writes to a pairing.
type write struct {
	pairing string
	ended   bool
}

func newExpectations(now func() time.Time) *expectations {
	return &expectations{now: now, pending: map[client.ObjectKey]*expected{}}
}

// expect records writes about to be made.
func (e *expectations) expect(programme client.ObjectKey, writes []write) {
	if len(writes) == 0 {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	x := &expected{writes: map[write]bool{}, deadline: e.now().Add(maxDefer)}
	for _, w := range writes {
		x.writes[w] = true
	}
	e.pending[programme] = x
}

// observed reports whether a write was expected, and forgets it: the cache now shows it, or it failed.
func (e *expectations) observed(programme client.ObjectKey, w write) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.pending[programme]
	if !ok || !x.writes[w] {
		return false
	}
	delete(x.writes, w)
	if len(x.writes) == 0 {
		delete(e.pending, programme)
	}
	return true
}

// waiting reports whether some expected writes have not shown in the cache yet.
func (e *expectations) waiting(programme client.ObjectKey) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.pending[programme]
	if ok && !e.now().Before(x.deadline) {
		delete(e.pending, programme)
		return false
	}
	return ok
}

// forget drops what is known about a programme that is gone.
func (e *expectations) forget(programme client.ObjectKey) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.pending, programme)
}
