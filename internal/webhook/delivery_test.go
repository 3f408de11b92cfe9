package webhook

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"
)

// endpoint is a webhook as a controller holds it once it read its Secrets.
type endpoint struct {
	target Target
	format Format
	url    string
}

// operator is a controller's delivery loop in miniature: per object, the events its state implies and
// its records (its status), with a clock the test moves.
type operator struct {
	policy    Policy
	sender    *Sender
	secret    Secret
	endpoints []endpoint
	events    map[string][]Event
	status    map[string][]Record
}

// newOperator delivers the events of a pairing, a programme and a participant to three webhooks of
// rcv: every event as Standard Webhooks and as CloudEvents, and two event types to a filtered one.
func newOperator(t *testing.T, rcv testReceiver) *operator {
	op := &operator{
		sender: newSender(t, Options{AllowLoopback: true, Now: time.Now}),
		secret: mustSecret(t, testSecret),
		endpoints: []endpoint{
			{Target{Name: "hr"}, StandardWebhooks, rcv.url("hr")},
			{Target{Name: "bus"}, CloudEvents, rcv.url("bus")},
			{Target{Name: "ops", Events: []EventType{PairingEnded, ProgrammeMatched}}, StandardWebhooks, rcv.url("ops")},
		},
		events: map[string][]Event{},
		status: map[string][]Record{},
	}
	for _, e := range allEvents() {
		op.events[e.Object.identity()] = append(op.events[e.Object.identity()], e)
	}
	return op
}

// pass runs one pass over every object at now. It returns the earliest next attempt and commit, which
// writes the records to status; a crash before the status write is a pass whose commit is not called.
func (op *operator) pass(t *testing.T, now time.Time) (next time.Time, pending bool, commit func()) {
	results := map[string][]Record{}
	for _, uid := range slices.Sorted(maps.Keys(op.events)) {
		step := op.policy.Plan(op.events[uid], op.targets(), op.status[uid], now)
		for d := range step.Due() {
			ep := op.endpoint(d.Webhook)
			// The signature's timestamp is the attempt's real time: the receivers check it against theirs.
			req, err := Build(ep.format, d.Event, op.secret, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if res := step.Report(d, op.sender.Send(context.Background(), ep.url, req)); res.LastResult == "HTTP 410" {
				ep.target.Disabled = true // as the controller does, with a WebhookGone condition
			}
		}
		results[uid] = step.Records()
		if at, ok := step.NextAttempt(); ok && (!pending || at.Before(next)) {
			next, pending = at, true
		}
	}
	return next, pending, func() { maps.Copy(op.status, results) }
}

func (op *operator) targets() []Target {
	var targets []Target
	for _, ep := range op.endpoints {
		targets = append(targets, ep.target)
	}
	return targets
}

func (op *operator) endpoint(name string) *endpoint {
	return &op.endpoints[slices.IndexFunc(op.endpoints, func(ep endpoint) bool { return ep.target.Name == name })]
}

// expected lists "webhook/event id" for every delivery the endpoints want.
func (op *operator) expected() []string {
	var want []string
	for _, events := range op.events {
		for _, e := range events {
			for _, ep := range op.endpoints {
				if ep.target.wants(e.Type) {
					want = append(want, ep.target.Name+"/"+e.ID)
				}
			}
		}
	}
	slices.Sort(want)
	return want
}

// records lists every object's records.
func (op *operator) records() []Record {
	var all []Record
	for _, uid := range slices.Sorted(maps.Keys(op.status)) {
		all = append(all, op.status[uid]...)
	}
	return all
}

func TestDeliverySurvivesAnOutageAndACrash(t *testing.T) {
	for name, start := range receivers(testSecret) {
		t.Run(name, func(t *testing.T) {
			rcv := start(t)
			rcv.script(t, statuses(500, 8), "")
			op := newOperator(t, rcv)
			now, crashed := t0, false
			for passes := 0; ; passes++ {
				if passes == 50 {
					t.Fatalf("still pending after 50 passes: %+v", op.records())
				}
				next, pending, commit := op.pass(t, now)
				// The first pass that delivers anything crashes before writing status.
				if crashed || rcv.stats(t).Accepted == 0 {
					commit()
				} else {
					crashed = true
				}
				if !pending {
					break
				}
				now = next
			}
			for _, r := range op.records() {
				if r.State != StateDelivered {
					t.Errorf("record %+v, want delivered", r)
				}
			}
			got, want := rcv.stats(t), op.expected()
			if !slices.Equal(got.Distinct, want) {
				t.Errorf("distinct deliveries:\n got %q\nwant %q", got.Distinct, want)
			}
			if got.Accepted <= len(want) || got.Scripted != 8 || got.Invalid != 0 {
				t.Errorf("stats %+v: want duplicates from the crash, 8 scripted failures, no invalid signature", got)
			}
			if took := now.Sub(t0); took > 10*time.Minute {
				t.Errorf("delivery took %s of the outbox's clock after the receiver recovered", took)
			}
		})
	}
}

func TestDeliveryHonoursRetryAfter(t *testing.T) {
	for name, start := range receivers(testSecret) {
		t.Run(name, func(t *testing.T) {
			rcv := start(t)
			rcv.script(t, []int{429}, "30")
			op := newOperator(t, rcv)
			next, _, commit := op.pass(t, t0)
			commit()
			if !next.Equal(t0.Add(30 * time.Second)) {
				t.Fatalf("next attempt at %v, want the 30s the receiver asked for", next)
			}
			throttled := op.records()[slices.IndexFunc(op.records(), func(r Record) bool { return r.Attempts == 1 && r.State == StatePending })]
			if throttled.LastResult != "HTTP 429, retry after 30s" {
				t.Errorf("throttled record %+v", throttled)
			}
			_, pending, commit := op.pass(t, next)
			commit()
			if pending || len(rcv.stats(t).Distinct) != len(op.expected()) {
				t.Errorf("after the wait: pending %v, stats %+v", pending, rcv.stats(t))
			}
		})
	}
}

func TestDeliveryStopsOnGoneAndRefusals(t *testing.T) {
	for name, start := range receivers(testSecret) {
		t.Run(name, func(t *testing.T) {
			rcv := start(t)
			rcv.script(t, []int{400, 410}, "")
			op := newOperator(t, rcv)
			op.endpoints = op.endpoints[:1] // hr only
			_, pending, commit := op.pass(t, t0)
			commit()
			// The pairing's first event met 400 and failed alone; its second met 410: hr is disabled, and
			// the other events wait for it to be enabled again.
			results := map[string]int{}
			for _, r := range op.records() {
				results[string(r.State)+" "+r.LastResult]++
			}
			want := map[string]int{"Failed HTTP 400": 1, "Failed HTTP 410": 1, "Pending ": 7}
			if pending || !maps.Equal(results, want) || !op.endpoints[0].target.Disabled {
				t.Errorf("records by state and result %v, pending %v; want %v and hr disabled", results, pending, want)
			}
			if got := rcv.stats(t); got.Scripted != 2 || got.Accepted != 0 {
				t.Errorf("stats %+v: want a 400, a 410 and nothing else sent", got)
			}
		})
	}
}

func TestDeliveryWithTheWrongSecretIsRejected(t *testing.T) {
	for name, start := range receivers("whsec_" + "c29tZW9uZSBlbHNlJ3Mgc2VjcmV0") {
		t.Run(name, func(t *testing.T) {
			rcv := start(t)
			op := newOperator(t, rcv)
			_, _, commit := op.pass(t, t0)
			commit()
			for _, r := range op.records() {
				if r.State != StateFailed || r.LastResult != "HTTP 401" {
					t.Errorf("record %+v, want failed with HTTP 401", r)
				}
			}
			if got := rcv.stats(t); got.Invalid == 0 || got.Accepted != 0 {
				t.Errorf("stats %+v: want invalid signatures, nothing accepted", got)
			}
		})
	}
}
