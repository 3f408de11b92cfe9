package programme

import (
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

func TestBurstsMatchALoneChangeSoonAndABurstOnceItSettles(t *testing.T) {
	now := time.Date(2027, time.January, 11, 9, 0, 0, 0, time.UTC)
	b := newBursts(func() time.Time { return now })
	key := client.ObjectKey{Namespace: "team", Name: "digital-leaders"}
	if wait := b.wait(key); wait != 0 {
		t.Fatalf("without changes the pass waits %s, want it at once", wait)
	}

	// A change alone: matched once it has stayed alone for a moment.
	if wait, opened := b.changed(key); !opened || wait != alone {
		t.Errorf("a change after a quiet period: wait %s, opened %v; want %s and a new burst", wait, opened, alone)
	}
	now = now.Add(alone)
	if wait := b.wait(key); wait != 0 {
		t.Errorf("a change alone for %s waits %s, want it matched", alone, wait)
	}
	if wait := b.wait(key); wait != 0 {
		t.Errorf("after a pass ran the pass waits %s for changes it has seen, want none", wait)
	}

	// A burst, as kubectl apply sends it: the second change within moments; then a quiet second.
	b.changed(key)
	now = now.Add(10 * time.Millisecond)
	if wait, opened := b.changed(key); opened || wait != quiet {
		t.Errorf("a second change 10 ms after the first: wait %s, opened %v; want a quiet second of the same burst", wait, opened)
	}
	now = now.Add(200 * time.Millisecond)
	if wait := b.wait(key); wait != 800*time.Millisecond {
		t.Errorf("0.2 s after the second change the pass waits %s, want the rest of the quiet second", wait)
	}
	// A change every half second: each one pushes the pass back, until maxDefer after the first.
	for now.Before(time.Date(2027, time.January, 11, 9, 0, 29, 600e6, time.UTC)) {
		now = now.Add(500 * time.Millisecond)
		b.changed(key)
	}
	if wait := b.wait(key); wait <= 0 || wait > 500*time.Millisecond {
		t.Errorf("near maxDefer into a steady stream of changes the pass waits %s, want what is left to maxDefer", wait)
	}
	if !b.changedSince(key, now.Add(-time.Second)) || b.changedSince(key, now) {
		t.Errorf("changedSince does not tell the latest change")
	}
	now = now.Add(time.Second)
	if wait := b.wait(key); wait != 0 {
		t.Errorf("at maxDefer the pass waits %s, want it at once", wait)
	}

	b.changed(key)
	b.forget(key)
	if wait := b.wait(key); wait != 0 {
		t.Errorf("for a forgotten programme the pass waits %s, want none", wait)
	}
}

func TestBurstsMatchAStreamOfRepairableChangesEveryFewSeconds(t *testing.T) {
	now := time.Date(2027, time.January, 11, 9, 0, 0, 0, time.UTC)
	b := newBursts(func() time.Time { return now })
	key := client.ObjectKey{Namespace: "team", Name: "digital-leaders"}
	b.passed(key, 10000)

	// People editing their profiles, 80 changes a second (the load test's stream): the pass runs
	// steady after the first change, while the stream goes on.
	stream := func(changes int) time.Duration {
		first := now
		for range changes {
			b.changed(key)
			now = now.Add(12500 * time.Microsecond)
		}
		return now.Sub(first) + b.wait(key)
	}
	if after := stream(int(steady.Milliseconds() * 80 / 1000)); after != steady {
		t.Errorf("a stream of repairable changes is matched %s after its first change, want %s", after, steady)
	}
	if wait := b.wait(key); wait != 0 {
		t.Errorf("after its pass the stream's changes so far wait %s, want none", wait)
	}
	// More changes in those seconds than a pass repairs (a bulk apply): the burst waits for quiet.
	b.changed(key)
	for range 1000 {
		now = now.Add(2 * time.Millisecond)
		b.changed(key)
	}
	if wait := b.wait(key); wait != quiet {
		t.Errorf("a burst of 1,001 changes to 10,000 people waits %s at its last change, want a quiet second", wait)
	}
	b.forget(key)
	if wait, _ := b.changed(key); wait != alone {
		t.Errorf("a forgotten programme's first change waits %s, want %s", wait, alone)
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
	// A later pass's writes add to those still expected; a participant who left is not waited for.
	e.expect(key, []write{{pairing: "a"}})
	e.expect(key, []write{{participant: "ada", status: digest{1}}, {participant: "ada", status: digest{2}}})
	if !e.observed(key, write{pairing: "a"}) || !e.waiting(key) {
		t.Error("a second pass's expectations replaced the first's")
	}
	e.left(key, "ada")
	if e.waiting(key) {
		t.Error("the programme waits for the status of a participant who left")
	}

	e.expect(key, []write{{pairing: "c"}})
	now = now.Add(maxDefer)
	if e.waiting(key) {
		t.Error("expectations never seen do not expire")
	}
}
