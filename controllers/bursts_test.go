package controllers

import (
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

func TestBurstsWaitForQuietButNotForever(t *testing.T) {
	now := time.Date(2027, time.January, 11, 9, 0, 0, 0, time.UTC)
	b := newBursts(func() time.Time { return now })
	key := client.ObjectKey{Namespace: "team", Name: "digital-leaders"}
	if wait := b.wait(key); wait != 0 {
		t.Fatalf("without changes the pass waits %s, want it at once", wait)
	}

	b.changed(key)
	now = now.Add(400 * time.Millisecond)
	if wait := b.wait(key); wait != 600*time.Millisecond {
		t.Errorf("0.4 s after a change the pass waits %s, want the rest of the quiet second", wait)
	}
	// A change every half second: each one pushes the pass back, until maxDefer after the first.
	for now.Before(time.Date(2027, time.January, 11, 9, 0, 29, 800e6, time.UTC)) {
		now = now.Add(500 * time.Millisecond)
		b.changed(key)
	}
	if wait := b.wait(key); wait != 100*time.Millisecond {
		t.Errorf("29.9 s into a steady stream of changes the pass waits %s, want 0.1 s, to maxDefer", wait)
	}
	now = now.Add(100 * time.Millisecond)
	if wait := b.wait(key); wait != 0 {
		t.Errorf("at maxDefer the pass waits %s, want it at once", wait)
	}
	if wait := b.wait(key); wait != 0 {
		t.Errorf("after a pass ran the pass waits %s for changes it has seen, want none", wait)
	}

	b.changed(key)
	now = now.Add(quiet)
	if wait := b.wait(key); wait != 0 {
		t.Errorf("a quiet second after a change the pass waits %s, want it at once", wait)
	}

	b.changed(key)
	b.forget(key)
	if wait := b.wait(key); wait != 0 {
		t.Errorf("for a forgotten programme the pass waits %s, want none", wait)
	}
}
