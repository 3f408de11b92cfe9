package webhook

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestOutboxProperties drives the outbox with random answers, clocks and crashes and checks what must
// hold on every pass: one record per webhook and event type, ids that never change for the same event,
// attempts that never go down, Delivered and Failed that never change back, no attempt after the
// maximum age, times in whole seconds as status keeps them, and every event delivered or failed in the
// end.
func TestOutboxProperties(t *testing.T) {
	policy := Policy{MaxAge: 6 * time.Hour}
	outcomes := []Result{
		delivered, retry,
		{Outcome: OutcomeRetry, StatusCode: 429, RetryAfter: 17 * time.Second, Message: "HTTP 429, retry after 17s"},
		{Outcome: OutcomeRetry, Message: "timeout"},
		{Outcome: OutcomeFailed, StatusCode: 400, Message: "HTTP 400"},
		{Outcome: OutcomeGone, StatusCode: 410, Message: "HTTP 410"},
	}
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 1))
		events := allEvents()
		targets := []Target{{Name: "a"}, {Name: "b", Events: []EventType{PairingProposed, ProgrammeMatched}}, {Name: "c"}}
		var records []Record
		now := t0
		for passNo := 0; ; passNo++ {
			if passNo > 500 {
				t.Fatalf("seed %d: still pending after 500 passes: %+v", seed, records)
			}
			step := policy.Plan(events, targets, records, now)
			for d := range step.Due() {
				if d.Attempt > 1 && now.Sub(recordOf(records, d).FirstAttemptTime) > policy.MaxAge {
					t.Fatalf("seed %d: attempt %d of %s is beyond the maximum age", seed, d.Attempt, d.Event.ID)
				}
				// Mostly failures, so that retries and the maximum age come into play.
				res := outcomes[rng.IntN(len(outcomes))]
				if rng.IntN(3) > 0 {
					res = retry
				}
				step.Report(d, res)
			}
			next := step.Records()
			checkTransition(t, seed, records, next)
			if rng.IntN(10) > 0 { // else: the operator crashed before writing status
				records = next
			}
			// A gone webhook is disabled by the controller, which re-enables it some passes later.
			for i := range targets {
				targets[i].Disabled = isGone(records, targets[i].Name) && rng.IntN(4) > 0
			}
			at, ok := step.NextAttempt()
			if !ok && !anyPending(records) {
				break
			}
			if at.After(now) {
				now = at
			}
			now = now.Add(time.Duration(rng.IntN(60_000)) * time.Millisecond)
		}
	}
}

// checkTransition fails on a pass that breaks an invariant.
func checkTransition(t *testing.T, seed uint64, before, after []Record) {
	t.Helper()
	for i := 1; i < len(after); i++ {
		if compareRecords(after[i-1], after[i]) >= 0 {
			t.Fatalf("seed %d: records not sorted or not unique: %+v", seed, after)
		}
	}
	for _, a := range after {
		if a.FirstAttemptTime.Nanosecond() != 0 || a.NextAttemptTime.Nanosecond() != 0 || a.LastAttemptTime.Nanosecond() != 0 {
			t.Fatalf("seed %d: times of %+v are not whole seconds", seed, a)
		}
		i := slices.IndexFunc(before, func(b Record) bool { return compareRecords(a, b) == 0 })
		if i < 0 {
			continue
		}
		b := before[i]
		if a.ID != b.ID || a.Attempts < b.Attempts || (b.State != StatePending && a != b) {
			t.Fatalf("seed %d: %+v became %+v", seed, b, a)
		}
	}
}

func recordOf(records []Record, d Delivery) Record {
	i := slices.IndexFunc(records, func(r Record) bool { return r.Webhook == d.Webhook && r.Event == d.Event.Type })
	if i < 0 {
		return Record{}
	}
	return records[i]
}

func isGone(records []Record, webhook string) bool {
	return slices.ContainsFunc(records, func(r Record) bool { return r.Webhook == webhook && r.LastResult == "HTTP 410" })
}

func anyPending(records []Record) bool {
	return slices.ContainsFunc(records, func(r Record) bool { return r.State == StatePending })
}
