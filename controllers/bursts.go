package controllers

import (
	"sync"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

// A programme's matching pass waits while changes to its participants and pairings keep arriving, so
// that a bulk apply (a GitOps sync of thousands of participants) makes one pass over all of them
// instead of many over a growing part, each rewriting the statuses the one before wrote.
const (
	// quiet is how long a programme's members must have stayed unchanged before its pass runs.
	quiet = time.Second
	// maxDefer bounds the wait from the first change of a burst, so that a steady stream of changes
	// still gets a pass at least this often.
	maxDefer = 30 * time.Second
)

// bursts tracks, for each programme, the changes to its members that no pass has seen yet.
type bursts struct {
	now     func() time.Time
	mu      sync.Mutex
	pending map[client.ObjectKey]burst
}

// burst is when a programme's unseen changes began and when the latest arrived.
type burst struct{ first, last time.Time }

func newBursts(now func() time.Time) *bursts {
	return &bursts{now: now, pending: map[client.ObjectKey]burst{}}
}

// changed records a change to one of the programme's members.
func (b *bursts) changed(programme client.ObjectKey) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	current, ok := b.pending[programme]
	if !ok {
		current.first = now
	}
	current.last = now
	b.pending[programme] = current
}

// wait is how much longer the programme's pass should wait for its members to settle; zero when it
// should run now, and then the changes so far count as seen.
func (b *bursts) wait(programme client.ObjectKey) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	current, ok := b.pending[programme]
	if !ok {
		return 0
	}
	now := b.now()
	wait := min(current.last.Add(quiet).Sub(now), current.first.Add(maxDefer).Sub(now))
	if wait > 0 {
		return wait
	}
	delete(b.pending, programme)
	return 0
}

// forget drops what is known about a programme that is gone.
func (b *bursts) forget(programme client.ObjectKey) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.pending, programme)
}
