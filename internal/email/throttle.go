package email

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// throttle keeps a relay within its messages per minute. A message that must wait is given a turn at
// a future time and keeps it, so the pairings waiting for the relay are spread out at its rate instead
// of all trying again at once.
type throttle struct {
	mu      sync.Mutex
	limiter *rate.Limiter
	// turns are the times given to messages told to wait, by Message-ID.
	turns map[string]time.Time
}

// forgetTurnsAfter drops a turn its message did not come back for (its pairing was deleted, say).
const forgetTurnsAfter = 10 * time.Minute

func newThrottle(perMinute int) *throttle {
	return &throttle{limiter: rate.NewLimiter(rate.Every(time.Minute/time.Duration(perMinute)), 1), turns: map[string]time.Time{}}
}

// admit is zero when the message may go now, or how long it must wait for its turn.
func (t *throttle) admit(id string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if turn, ok := t.turns[id]; ok {
		if now.Before(turn) {
			return turn.Sub(now)
		}
		delete(t.turns, id)
		return 0
	}
	for other, turn := range t.turns {
		if now.Sub(turn) > forgetTurnsAfter {
			delete(t.turns, other)
		}
	}
	wait := t.limiter.ReserveN(now, 1).DelayFrom(now)
	if wait > 0 {
		t.turns[id] = now.Add(wait)
	}
	return wait
}
