package programme

import (
	"sync"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
)

// A change to a programme's members is matched almost at once when it comes alone. A steady stream of
// changes that a pass can repair (changes by people to a settled programme: edits, pauses, a few joins
// and leaves) is matched every few seconds while it goes on, so that each person's change shows in
// status soon after it was made instead of after the whole stream. A burst too large to repair (a
// GitOps sync of thousands of participants) is matched once it has settled, instead of by many passes
// over a growing part, each rewriting the statuses the one before wrote and each pairing early
// arrivals on what it has seen so far.
const (
	// alone is how long a first change must stay alone for its pass to run: `kubectl apply` of many
	// objects sends the next one within milliseconds.
	alone = 100 * time.Millisecond
	// quiet is how long a programme's members must have stayed unchanged before the pass of a burst
	// runs.
	quiet = time.Second
	// steady bounds the wait from the first change of a burst that a pass can repair.
	steady = 3 * time.Second
	// maxDefer bounds the wait from the first change of any burst, so that a steady stream of changes
	// still gets a pass at least this often.
	maxDefer = 30 * time.Second
)

// bursts tracks, for each programme, the changes to its members that people made and no pass has
// matched yet.
type bursts struct {
	now     func() time.Time
	mu      sync.Mutex
	pending map[client.ObjectKey]*burst
	// people is how many participants each programme had at its last pass.
	people map[client.ObjectKey]int
}

// burst is when a programme's unmatched changes began and when the latest arrived, and how many there
// are.
type burst struct {
	first, last time.Time
	changes     int
}

func newBursts(now func() time.Time) *bursts {
	return &bursts{now: now, pending: map[client.ObjectKey]*burst{}, people: map[client.ObjectKey]int{}}
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
	return current.wait(now, b.people[programme]), current.changes == 1
}

// wait is how long the pass of a burst waits at now, in a programme of this many participants: a
// change alone waits to see whether others follow; a burst waits until the members have been quiet
// for a while, or it has lasted steady when a pass can repair it, maxDefer when not.
func (c *burst) wait(now time.Time, people int) time.Duration {
	if c.changes == 1 {
		return c.last.Add(alone).Sub(now)
	}
	limit := maxDefer
	if c.changes <= matching.Repairable(people) {
		limit = steady
	}
	return min(c.last.Add(quiet).Sub(now), c.first.Add(limit).Sub(now))
}

// passed records how many participants a programme has.
func (b *bursts) passed(programme client.ObjectKey, people int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.people[programme] = people
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
	if wait := current.wait(b.now(), b.people[programme]); wait > 0 {
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
	delete(b.people, programme)
}

// expectations are the writes a pass made to its own members that the cache has not shown yet: the
// pairings it created and those it ended, and the participants' statuses it wrote. Until the cache
// shows them, a pass would read a stale programme and repeat them (under load the cache can trail
// the API server by seconds, and a pass then rewrote hundreds of statuses the one before had
// written), so none runs; the events of these writes are not changes by people.
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

// write is one of a pass's writes: a pairing created or ended, or a participant's status.
type write struct {
	pairing     string
	ended       bool
	participant string
	// status fingerprints the participant's status as written (participantStatus).
	status digest
}

func newExpectations(now func() time.Time) *expectations {
	return &expectations{now: now, pending: map[client.ObjectKey]*expected{}}
}

// expect records writes about to be made, besides those still expected.
func (e *expectations) expect(programme client.ObjectKey, writes []write) {
	if len(writes) == 0 {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.pending[programme]
	if !ok {
		x = &expected{writes: map[write]bool{}}
		e.pending[programme] = x
	}
	x.deadline = e.now().Add(maxDefer)
	for _, w := range writes {
		x.writes[w] = true
	}
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

// left forgets the statuses expected of a participant who is gone.
func (e *expectations) left(programme client.ObjectKey, participant string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.pending[programme]
	if !ok {
		return
	}
	for w := range x.writes {
		if w.participant == participant {
			delete(x.writes, w)
		}
	}
	if len(x.writes) == 0 {
		delete(e.pending, programme)
	}
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
