package webhook

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// pass runs one outbox pass at now, answering every due delivery with answer, and returns the records
// it leaves and the deliveries it attempted.
func pass(p Policy, events []Event, targets []Target, records []Record, now time.Time, answer func(Delivery) Result) ([]Record, []Delivery, *Step) {
	step := p.Plan(events, targets, records, now)
	var attempted []Delivery
	for d := range step.Due() {
		attempted = append(attempted, d)
		step.Report(d, answer(d))
	}
	return step.Records(), attempted, step
}

func always(r Result) func(Delivery) Result {
	return func(Delivery) Result { return r }
}

var (
	delivered = Result{Outcome: OutcomeDelivered, StatusCode: 204, Message: "HTTP 204"}
	retry     = Result{Outcome: OutcomeRetry, StatusCode: 503, Message: "HTTP 503"}
)

func TestOutboxDeliversEachEventOnce(t *testing.T) {
	events := pairingEvents()
	targets := []Target{{Name: "hr"}, {Name: "chat", Events: []EventType{PairingProposed, PairingEnded}}}
	records, attempted, step := pass(Policy{}, events, targets, nil, t0, always(delivered))
	if len(attempted) != 6 {
		t.Fatalf("attempted %d deliveries, want 4 to hr and 2 to chat", len(attempted))
	}
	var got []string
	for _, d := range attempted {
		got = append(got, d.Webhook+" "+string(d.Event.Type))
		if d.Attempt != 1 {
			t.Errorf("%s attempt %d, want 1", d.Event.Type, d.Attempt)
		}
	}
	want := []string{"chat pairing.proposed", "chat pairing.ended", "hr pairing.proposed", "hr pairing.activated",
		"hr pairing.meeting_scheduled", "hr pairing.ended"}
	if !slices.Equal(got, want) {
		t.Errorf("deliveries in order %q, want %q", got, want)
	}
	for _, r := range records {
		if r.State != StateDelivered || r.Attempts != 1 || !r.FirstAttemptTime.Equal(t0) || !r.LastAttemptTime.Equal(t0) ||
			!r.NextAttemptTime.IsZero() || r.LastResult != "HTTP 204" {
			t.Errorf("record %+v, want delivered at the first attempt", r)
		}
	}
	if _, ok := step.NextAttempt(); ok {
		t.Error("NextAttempt with nothing pending")
	}
	// The next pass, with the same state, has nothing to do and changes nothing.
	again, attempted, _ := pass(Policy{}, events, targets, records, t0.Add(time.Hour), always(delivered))
	if len(attempted) != 0 || !slices.Equal(again, records) {
		t.Errorf("second pass attempted %d and changed the records", len(attempted))
	}
}

func TestOutboxRetriesWithBackoffUntilDelivered(t *testing.T) {
	events := pairingEvents()[:1]
	targets := []Target{{Name: "hr"}}
	records, _, step := pass(Policy{}, events, targets, nil, t0, always(retry))
	r := records[0]
	if r.State != StatePending || r.Attempts != 1 || r.LastResult != "HTTP 503" {
		t.Fatalf("record %+v, want pending after one attempt", r)
	}
	if wait := r.NextAttemptTime.Sub(t0); wait < 2500*time.Millisecond || wait > 5*time.Second {
		t.Errorf("first retry after %s, want between 2.5s and 5s", wait)
	}
	if next, ok := step.NextAttempt(); !ok || !next.Equal(r.NextAttemptTime) {
		t.Errorf("NextAttempt = %v, %v; want %v", next, ok, r.NextAttemptTime)
	}
	// Not yet due: nothing attempted, nothing changed.
	early, attempted, _ := pass(Policy{}, events, targets, records, r.NextAttemptTime.Add(-time.Millisecond), always(delivered))
	if len(attempted) != 0 || !slices.Equal(early, records) {
		t.Errorf("a pass before the next attempt attempted %d", len(attempted))
	}
	records, attempted, _ = pass(Policy{}, events, targets, records, r.NextAttemptTime, always(delivered))
	if len(attempted) != 1 || attempted[0].Attempt != 2 || records[0].State != StateDelivered || !records[0].FirstAttemptTime.Equal(t0) ||
		!records[0].LastAttemptTime.Equal(r.NextAttemptTime) {
		t.Errorf("at the next attempt: %+v, %+v", attempted, records)
	}
}

func TestRetryDelay(t *testing.T) {
	p := Policy{}.withDefaults()
	for attempts := int32(1); attempts <= 30; attempts++ {
		ceiling := min(p.BaseDelay<<min(attempts-1, 20), p.MaxDelay)
		d := p.retryDelay("evt_a", attempts, 0)
		if d < ceiling/2 || d > ceiling {
			t.Errorf("attempt %d: delay %s, want within [%s, %s]", attempts, d, ceiling/2, ceiling)
		}
		if d != p.retryDelay("evt_a", attempts, 0) {
			t.Errorf("attempt %d: the delay changes between calls", attempts)
		}
	}
	spread := map[time.Duration]bool{}
	for i := range 20 {
		spread[p.retryDelay(fmt.Sprintf("evt_%d", i), 5, 0)] = true
	}
	if len(spread) < 15 {
		t.Errorf("20 events failing together retry at only %d distinct delays", len(spread))
	}
	if d := p.retryDelay("evt_a", 1, 30*time.Second); d != 30*time.Second {
		t.Errorf("Retry-After 30s: delay %s", d)
	}
	if d := p.retryDelay("evt_a", 1, 5*time.Hour); d != time.Hour {
		t.Errorf("Retry-After 5h: delay %s, want the 1h cap", d)
	}
}

func TestOutboxHonoursRetryAfter(t *testing.T) {
	throttled := Result{Outcome: OutcomeRetry, StatusCode: 429, RetryAfter: 42 * time.Second, Message: "HTTP 429, retry after 42s"}
	records, _, _ := pass(Policy{}, pairingEvents()[:1], []Target{{Name: "hr"}}, nil, t0, always(throttled))
	if got := records[0].NextAttemptTime; !got.Equal(t0.Add(42 * time.Second)) {
		t.Errorf("next attempt %v, want 42s later", got)
	}
}

func TestOutboxGivesUpAfterMaxAge(t *testing.T) {
	p := Policy{MaxAge: time.Hour}
	events, targets := pairingEvents()[:1], []Target{{Name: "hr"}}
	var records []Record
	now := t0
	for range 100 {
		var step *Step
		records, _, step = pass(p, events, targets, records, now, always(retry))
		next, ok := step.NextAttempt()
		if !ok {
			break
		}
		if next.Sub(t0) > time.Hour {
			t.Fatalf("an attempt is planned %s after the first, beyond the maximum age", next.Sub(t0))
		}
		now = next
	}
	r := records[0]
	if r.State != StateFailed || !strings.HasPrefix(r.LastResult, fmt.Sprintf("gave up after %d attempts in 1h0m0s: HTTP 503", r.Attempts)) {
		t.Errorf("record %+v, want failed after the maximum age", r)
	}
	// A pending record found older than the maximum age (the operator was down) fails without an attempt.
	stale := []Record{{Webhook: "hr", Event: PairingProposed, ID: events[0].ID, State: StatePending, Attempts: 3,
		FirstAttemptTime: t0, NextAttemptTime: t0.Add(time.Minute), LastResult: "timeout"}}
	records, attempted, _ := pass(p, events, targets, stale, t0.Add(2*time.Hour), always(delivered))
	if len(attempted) != 0 || records[0].State != StateFailed || records[0].LastResult != "gave up after 3 attempts in 1h0m0s: timeout" {
		t.Errorf("stale record: attempted %d, %+v", len(attempted), records[0])
	}
}

func TestOutboxStopsOnRefusalsAndGone(t *testing.T) {
	events := pairingEvents()
	targets := []Target{{Name: "gone"}, {Name: "strict"}}
	answer := func(d Delivery) Result {
		if d.Webhook == "gone" {
			return Result{Outcome: OutcomeGone, StatusCode: 410, Message: "HTTP 410"}
		}
		return Result{Outcome: OutcomeFailed, StatusCode: 400, Message: "HTTP 400"}
	}
	records, attempted, step := pass(Policy{}, events, targets, nil, t0, answer)
	perWebhook := map[string]int{}
	for _, d := range attempted {
		perWebhook[d.Webhook]++
	}
	if perWebhook["gone"] != 1 || perWebhook["strict"] != 4 {
		t.Errorf("attempts per webhook %v: want 1 to the gone one, every event to the strict one", perWebhook)
	}
	for _, r := range records {
		switch {
		case r.Webhook == "strict" && (r.State != StateFailed || r.LastResult != "HTTP 400"):
			t.Errorf("strict %s: %+v, want failed with HTTP 400", r.Event, r)
		case r.Webhook == "gone" && r.Event == PairingProposed && (r.State != StateFailed || r.LastResult != "HTTP 410"):
			t.Errorf("gone %s: %+v, want failed with HTTP 410", r.Event, r)
		case r.Webhook == "gone" && r.Event != PairingProposed && (r.State != StatePending || r.Attempts != 0):
			t.Errorf("gone %s: %+v, want still pending, never attempted", r.Event, r)
		}
	}
	if _, ok := step.NextAttempt(); ok {
		t.Error("NextAttempt counts the deliveries of a gone webhook")
	}
}

func TestOutboxRetriesAtOnceWhenTheWebhookRecovers(t *testing.T) {
	events := pairingEvents()[:1]
	policy := Policy{BaseDelay: time.Minute}
	records, _, _ := pass(policy, events, []Target{{Name: "hr"}}, nil, t0, always(retry))
	failedAt, next := records[0].LastAttemptTime, records[0].NextAttemptTime
	if !next.After(t0.Add(10 * time.Second)) {
		t.Fatalf("first retry at %v, want a backoff of at least 30s", next)
	}
	// The webhook accepted another delivery before this one failed: the backoff stands.
	before := []Target{{Name: "hr", RecoveredAt: failedAt.Add(-time.Second)}}
	if _, attempted, _ := pass(policy, events, before, records, t0.Add(10*time.Second), always(delivered)); len(attempted) != 0 {
		t.Errorf("a recovery before the failure brought the retry forward")
	}
	// Another webhook recovered: the backoff stands.
	other := []Target{{Name: "hr"}, {Name: "chat", Events: []EventType{PairingEnded}, RecoveredAt: t0.Add(5 * time.Second)}}
	if _, attempted, _ := pass(policy, events, other, records, t0.Add(10*time.Second), always(delivered)); len(attempted) != 0 {
		t.Errorf("another webhook's recovery brought the retry forward")
	}
	// It accepted a delivery in the same second as the failure, after it: the retry is due at once,
	// although status keeps the failure's time in whole seconds. (It waited out its backoff when the
	// recovery time was rounded down too.)
	sameSecond := []Target{{Name: "hr", RecoveredAt: failedAt.Add(900 * time.Millisecond)}}
	if _, attempted, _ := pass(policy, events, sameSecond, records, t0.Add(time.Second), always(delivered)); len(attempted) != 1 {
		t.Errorf("a recovery in the same second as the failure did not bring the retry forward")
	}
	// It accepted a delivery since: the retry is due at once.
	after := []Target{{Name: "hr", RecoveredAt: t0.Add(5 * time.Second)}}
	records, attempted, _ := pass(policy, events, after, records, t0.Add(10*time.Second), always(delivered))
	if len(attempted) != 1 || attempted[0].Attempt != 2 || records[0].State != StateDelivered || !records[0].LastAttemptTime.Before(next) {
		t.Errorf("after the webhook recovered: attempted %+v, records %+v; want delivered before %v", attempted, records, next)
	}
}

func TestOutboxDisabledWebhookWaits(t *testing.T) {
	events := pairingEvents()[:2]
	records, attempted, step := pass(Policy{}, events, []Target{{Name: "hr", Disabled: true}}, nil, t0, always(delivered))
	if len(attempted) != 0 || len(records) != 2 || records[0].State != StatePending {
		t.Fatalf("disabled: attempted %d, records %+v", len(attempted), records)
	}
	if _, ok := step.NextAttempt(); ok {
		t.Error("NextAttempt counts a disabled webhook")
	}
	// Enabled again, a day later: delivered, not expired, since never attempted.
	records, attempted, _ = pass(Policy{}, events, []Target{{Name: "hr"}}, records, t0.Add(48*time.Hour), always(delivered))
	if len(attempted) != 2 || records[0].State != StateDelivered || records[1].State != StateDelivered {
		t.Errorf("enabled: attempted %d, records %+v", len(attempted), records)
	}
}

func TestOutboxDefersAWebhookThatIsDown(t *testing.T) {
	events := pairingEvents()
	targets := []Target{{Name: "down"}, {Name: "up"}}
	answer := func(d Delivery) Result {
		if d.Webhook == "down" {
			return retry
		}
		return delivered
	}
	records, attempted, _ := pass(Policy{}, events, targets, nil, t0, answer)
	if len(attempted) != 5 {
		t.Fatalf("attempted %d, want 1 to the webhook that is down and 4 to the other", len(attempted))
	}
	probe := records[0]
	for _, r := range records[:4] {
		if !r.NextAttemptTime.Equal(probe.NextAttemptTime) || r.State != StatePending {
			t.Errorf("down %s: %+v, want pending until %v", r.Event, r, probe.NextAttemptTime)
		}
	}
	if records[1].Attempts != 0 {
		t.Errorf("a deferred delivery counts %d attempts", records[1].Attempts)
	}
}

func TestOutboxReplacesAnOlderEventOfTheSameType(t *testing.T) {
	obj, data := pairingObject(), pairingData()
	first := NewEvent(obj, PairingMeetingScheduled, "Tuesday/11:00/Europe/Berlin/1", t0, data)
	moved := NewEvent(obj, PairingMeetingScheduled, "Thursday/16:00/Europe/Berlin/2", t0.Add(time.Hour), data)
	targets := []Target{{Name: "hr"}}
	records, _, _ := pass(Policy{}, []Event{first}, targets, nil, t0, always(delivered))
	records, attempted, _ := pass(Policy{}, []Event{moved}, targets, records, t0.Add(time.Hour), always(retry))
	if len(attempted) != 1 || attempted[0].Event.ID != moved.ID || records[0].ID != moved.ID || records[0].Attempts != 1 {
		t.Errorf("moved meeting: attempted %+v, records %+v", attempted, records)
	}
	// Of two events of one type, the latest counts, whatever the order given.
	step := Policy{}.Plan([]Event{moved, first}, targets, nil, t0)
	if rs := step.Records(); len(rs) != 1 || rs[0].ID != moved.ID {
		t.Errorf("records %+v, want only the moved meeting", rs)
	}
}

func TestOutboxKeepsBoundedHistory(t *testing.T) {
	events := pairingEvents()
	targets := []Target{{Name: "hr"}, {Name: "old"}}
	records, _, _ := pass(Policy{}, events, targets, nil, t0, always(delivered))
	// A pending record of an event no longer implied is dropped; delivered ones stay as history; the
	// records of a webhook no longer configured go.
	pending := Record{Webhook: "hr", Event: ParticipantUnmatched, ID: "evt_x", State: StatePending, NextAttemptTime: t0}
	records = append(records, pending)
	kept, attempted, _ := pass(Policy{}, events[3:], targets[:1], records, t0.Add(time.Hour), always(delivered))
	if len(attempted) != 0 || len(kept) != 4 {
		t.Fatalf("attempted %d, kept %d records %+v; want hr's 4 delivered", len(attempted), len(kept), kept)
	}
	for _, r := range kept {
		if r.Webhook != "hr" || r.State != StateDelivered {
			t.Errorf("kept %+v", r)
		}
	}
	// With room for two, the desired record and the newest history stay.
	for i := range records {
		records[i].FirstAttemptTime = t0.Add(time.Duration(i) * time.Minute)
	}
	bounded, _, _ := pass(Policy{MaxRecords: 2}, events[3:], targets[:1], records, t0.Add(time.Hour), always(delivered))
	if len(bounded) != 2 || bounded[0].Event != PairingMeetingScheduled || bounded[1].Event != PairingEnded {
		t.Errorf("bounded records %+v, want the meeting (newest history) and the end (desired)", bounded)
	}
}

func TestOutboxIsDeterministic(t *testing.T) {
	events := allEvents()
	targets := []Target{{Name: "b"}, {Name: "a", Events: []EventType{ProgrammeMatched, PairingEnded}}}
	first, attempted, _ := pass(Policy{}, events, targets, nil, t0, always(retry))
	reversed := slices.Clone(events)
	slices.Reverse(reversed)
	second, again, _ := pass(Policy{}, reversed, []Target{targets[1], targets[0]}, nil, t0, always(retry))
	if !slices.Equal(first, second) || len(attempted) != len(again) {
		t.Errorf("the same state in another order gives other records:\n%+v\n%+v", first, second)
	}
	if !slices.IsSortedFunc(first, compareRecords) {
		t.Errorf("records are not sorted: %+v", first)
	}
}

func TestReportIgnoresDeliveriesThatAreNotDue(t *testing.T) {
	step := Policy{}.Plan(pairingEvents()[:1], []Target{{Name: "hr"}}, nil, t0)
	stranger := Delivery{Webhook: "hr", Event: pairingEvents()[1]}
	if got := step.Report(stranger, delivered); got != (Record{}) {
		t.Errorf("Report of an unknown delivery = %+v", got)
	}
	if rs := step.Records(); rs[0].State != StatePending {
		t.Errorf("an unknown report changed %+v", rs[0])
	}
	for d := range step.Due() {
		step.Report(d, retry)
		if got := step.Report(d, retry); got != (Record{}) {
			t.Errorf("a second Report of the same attempt = %+v", got)
		}
	}
	if rs := step.Records(); rs[0].Attempts != 1 {
		t.Errorf("attempts %d after one attempt reported twice", rs[0].Attempts)
	}
}
