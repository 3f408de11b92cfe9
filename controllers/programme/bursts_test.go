package programme

import (
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

func TestBurstsRunTheFirstChangeAtOnceThenWaitForQuietButNotForever(t *testing.T) {
	now := time.Date(2027, time.January, 11, 9, 0, 0, 0, time.UTC)
	b := newBursts(func() time.Time { return now })
	key := client.ObjectKey{Namespace: "team", Name: "digital-leaders"}
	if wait := b.wait(key); wait != 0 {
		t.Fatalf("without changes the pass waits %s, want it at once", wait)
	}

	if !b.changed(key) {
		t.Errorf("a change after a quiet period does not open a burst")
	}
	if wait := b.wait(key); wait != 0 {
		t.Errorf("the first change of a burst waits %s, want it matched at once", wait)
	}
	now = now.Add(200 * time.Millisecond)
	if b.changed(key) {
		t.Errorf("a change 0.2 s after another opens a new burst")
	}
	now = now.Add(200 * time.Millisecond)
	if wait := b.wait(key); wait != 800*time.Millisecond {
		t.Errorf("0.2 s after the second change the pass waits %s, want the rest of the quiet second", wait)
	}
	// A change every half second: each one pushes the pass back, until maxDefer after the first.
	for now.Before(time.Date(2027, time.January, 11, 9, 0, 29, 800e6, time.UTC)) {
		now = now.Add(500 * time.Millisecond)
		b.changed(key)
	}
	if wait := b.wait(key); wait != 100*time.Millisecond {
		t.Errorf("29.9 s into a steady stream of changes the pass waits %s, want 0.1 s, to maxDefer", wait)
	}
	if !b.changedSince(key, now.Add(-time.Second)) || b.changedSince(key, now) {
		t.Errorf("changedSince does not tell the latest change")
	}
	now = now.Add(100 * time.Millisecond)
	if wait := b.wait(key); wait != 0 {
		t.Errorf("at maxDefer the pass waits %s, want it at once", wait)
	}
	if wait := b.wait(key); wait != 0 {
		t.Errorf("after a pass ran the pass waits %s for changes it has seen, want none", wait)
	}

	now = now.Add(quiet)
	if !b.changed(key) {
		t.Errorf("a change a quiet second after the last does not open a burst")
	}
	b.forget(key)
	if wait := b.wait(key); wait != 0 {
		t.Errorf("for a forgotten programme the pass waits %s, want none", wait)
	}
}

func TestExpectationsWaitForTheCacheToShowOwnWrites(t *testing.T) {
	now := time.Date(2027, time.January, 11, 9, 0, 0, 0, time.UTC)
	e := newExpectations(func() time.Time { return now })
	key := client.ObjectKey{Namespace: "team", Name: "digital-leaders"}
	e.expect(key, []write{{pairing: "a"}, {pairing: "b", ended: true}})
	if !e.waiting(key) {
		t.Fatal("with writes not yet seen the programme does not wait")
	}
	if e.observed(key, write{pairing: "b"}) {
		t.Error("the creation of a pairing the pass ended counts as expected")
	}
	if !e.observed(key, write{pairing: "a"}) || !e.observed(key, write{pairing: "b", ended: true}) {
		t.Error("an expected write does not count as expected")
	}
	if e.waiting(key) || e.observed(key, write{pairing: "a"}) {
		t.Error("after every write was seen the programme still waits")
	}
	e.expect(key, []write{{pairing: "c"}})
	now = now.Add(maxDefer)
	if e.waiting(key) {
		t.Error("expectations never seen do not expire")
	}
}
