// Package notify delivers the operator's events to a programme's webhooks. Delivery is durable through
// each object's status.notifications: a pass derives the events from the object's state, plans them
// against the records in status, sends what is due and returns the records to write back. The
// Notifier is the one place that reads webhook Secrets and the one owner of what this process knows
// about a webhook's health (failing, recovered, gone). It is shared by the reconcilers and never calls
// back into them.
package notify

import (
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// Notifier delivers an object's events to its programme's webhooks.
type Notifier struct {
	// Secrets reads the webhooks' Secrets directly from the API server, only when they are needed.
	Secrets client.Reader
	// AllowLoopback lets webhooks reach loopback addresses (local development and tests).
	AllowLoopback bool
	// Policy is how deliveries are retried.
	Policy webhook.Policy
	Clock  clock.PassiveClock
	// Recovered is told, when a webhook accepts a delivery after an attempt to it failed, which objects
	// have deliveries to it waiting for a retry, so that they can be reconciled at once. It must not
	// block.
	Recovered func(waiting []Waiting)

	mu      sync.Mutex
	senders map[[sha256.Size]byte]*webhook.Sender
	// health is what this process has seen of each programme's webhooks.
	health map[webhookKey]webhookHealth
	// waiting are, for each webhook, the objects whose deliveries to it wait for a retry.
	waiting map[webhookKey]map[Waiting]bool
}

// Waiting is an object with deliveries waiting for a retry.
type Waiting struct {
	// Kind is Programme, Participant or Pairing.
	Kind string
	client.ObjectKey
}

// webhookKey names a programme's webhook.
type webhookKey struct {
	programme client.ObjectKey
	webhook   string
}

// webhookHealth is what the last attempts to a webhook showed.
type webhookHealth struct {
	// failing is set while the last attempt failed and may be retried.
	failing bool
	// recoveredAt is when the webhook last accepted a delivery after failing.
	recoveredAt time.Time
	// goneConfig is the configuration hash under which the webhook answered 410 Gone; it is not
	// attempted again until its configuration changes.
	goneConfig string
}

// Outcome is the outcome of one delivery pass over one object.
type Outcome struct {
	// Records to write to the object's status.notifications.
	Records []mentoringv1alpha1.Notification
	// RetryAfter is when the next pending delivery is due; zero when none is.
	RetryAfter time.Duration
	// Failures name the deliveries that failed for good in this pass, for Warning events.
	Failures []string
}

// Deliver runs one delivery pass over the events of obj, a programme or one of its participants or
// pairings. Under spec.suspend nothing is sent and the records stay as they are.
func (n *Notifier) Deliver(ctx context.Context, programme *mentoringv1alpha1.Programme, obj client.Object, events []webhook.Event,
	current []mentoringv1alpha1.Notification) (Outcome, error) {
	if programme.Spec.Suspend {
		return Outcome{Records: current}, nil
	}
	now := n.Clock.Now()
	targets, err := n.targets(ctx, programme)
	if err != nil {
		return Outcome{}, err
	}
	step := n.Policy.Plan(events, targets, Records(current), now)
	endpoints := map[string]Endpoint{}
	var out Outcome
	for d := range step.Due() {
		ep, ok := endpoints[d.Webhook]
		if !ok {
			if ep, err = n.Endpoint(ctx, programme, d.Webhook); err != nil {
				return Outcome{}, err
			}
			endpoints[d.Webhook] = ep
		}
		result, err := ep.attempt(ctx, d.Event, now)
		if err != nil {
			return Outcome{}, err
		}
		n.observe(webhookKey{client.ObjectKeyFromObject(programme), d.Webhook}, result.Outcome, ep.Hash, now)
		if record := step.Report(d, result); record.State == webhook.StateFailed {
			out.Failures = append(out.Failures, fmt.Sprintf("Webhook %s refused event %s (%s): %s; it is not retried.",
				d.Webhook, d.Event.Type, d.Event.ID, record.LastResult))
		}
	}
	out.Records = recordsToAPI(step.Records())
	if next, pending := step.NextAttempt(); pending {
		out.RetryAfter = max(next.Sub(now), time.Second)
	}
	n.remember(programme, obj, out.Records)
	return out, nil
}

// Send delivers one event to one of the programme's webhooks now, once, and returns an error unless
// the webhook accepted it; under spec.suspend it sends nothing and says so. Nothing records the
// attempt: the page server sends people's comments so, which are never stored, and are delivered at
// once or not at all.
func (n *Notifier) Send(ctx context.Context, programme *mentoringv1alpha1.Programme, name string, e webhook.Event) error {
	if programme.Spec.Suspend {
		return fmt.Errorf("programme %s is suspended", programme.Name)
	}
	ep, err := n.Endpoint(ctx, programme, name)
	if err != nil {
		return err
	}
	result, err := ep.attempt(ctx, e, n.Clock.Now())
	if err != nil {
		return err
	}
	if result.Outcome != webhook.OutcomeDelivered {
		return fmt.Errorf("webhook %s: %s", name, result.Message)
	}
	return nil
}

// remember records, for each of the programme's webhooks, whether obj has a delivery to it waiting
// for a retry.
func (n *Notifier) remember(programme *mentoringv1alpha1.Programme, obj client.Object, records []mentoringv1alpha1.Notification) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.waiting == nil {
		n.waiting = map[webhookKey]map[Waiting]bool{}
	}
	object := Waiting{Kind: kindOf(obj), ObjectKey: client.ObjectKeyFromObject(obj)}
	for _, w := range Webhooks(programme) {
		key := webhookKey{client.ObjectKeyFromObject(programme), w.Name}
		waiting := slices.ContainsFunc(records, func(r mentoringv1alpha1.Notification) bool {
			return r.Webhook == w.Name && r.State == mentoringv1alpha1.DeliveryPending
		})
		switch objects := n.waiting[key]; {
		case waiting && objects == nil:
			n.waiting[key] = map[Waiting]bool{object: true}
		case waiting:
			objects[object] = true
		default:
			delete(objects, object)
		}
	}
}

func kindOf(obj client.Object) string {
	switch obj.(type) {
	case *mentoringv1alpha1.Programme:
		return "Programme"
	case *mentoringv1alpha1.Participant:
		return "Participant"
	}
	return "Pairing"
}

// observe records the outcome of an attempt to a webhook under a configuration, and tells Recovered
// when the webhook accepted a delivery after failing.
func (n *Notifier) observe(key webhookKey, outcome webhook.Outcome, config string, now time.Time) {
	n.mu.Lock()
	health := n.health[key]
	recovered := health.failing && outcome == webhook.OutcomeDelivered
	switch outcome {
	case webhook.OutcomeRetry:
		health.failing = true
	case webhook.OutcomeGone:
		health = webhookHealth{goneConfig: config}
	case webhook.OutcomeDelivered:
		health = webhookHealth{recoveredAt: health.recoveredAt}
		if recovered {
			health.recoveredAt = now
		}
	}
	if n.health == nil {
		n.health = map[webhookKey]webhookHealth{}
	}
	n.health[key] = health
	var waiting []Waiting
	if recovered {
		waiting = slices.Collect(maps.Keys(n.waiting[key]))
	}
	n.mu.Unlock()
	if recovered && n.Recovered != nil {
		n.Recovered(waiting)
	}
}

// targets are the programme's webhooks as the outbox sees them: a webhook that answered 410 Gone waits
// until its configuration changes, and a recovered one is retried at once.
func (n *Notifier) targets(ctx context.Context, programme *mentoringv1alpha1.Programme) ([]webhook.Target, error) {
	var targets []webhook.Target
	for _, w := range Webhooks(programme) {
		key := webhookKey{client.ObjectKeyFromObject(programme), w.Name}
		n.mu.Lock()
		health := n.health[key]
		n.mu.Unlock()
		var events []webhook.EventType
		for _, e := range w.Events {
			events = append(events, webhook.EventType(e))
		}
		// A chat channel never receives individual answers, even when its spec lists no events.
		t := webhook.Target{Name: w.Name, RecoveredAt: health.recoveredAt, Events: webhook.EventsFor(webhook.Format(w.Format), events)}
		if health.goneConfig != "" {
			// Only a webhook that was gone costs a read of its Secrets here.
			ep, err := n.Endpoint(ctx, programme, w.Name)
			if err != nil {
				return nil, err
			}
			t.Disabled = ep.Hash == health.goneConfig
		}
		targets = append(targets, t)
	}
	return targets, nil
}

// Webhooks are the programme's webhooks.
func Webhooks(programme *mentoringv1alpha1.Programme) []mentoringv1alpha1.Webhook {
	if programme.Spec.Integrations == nil {
		return nil
	}
	return programme.Spec.Integrations.Webhooks
}

// Records are the API's delivery records as the outbox keeps them.
func Records(notifications []mentoringv1alpha1.Notification) []webhook.Record {
	records := make([]webhook.Record, len(notifications))
	for i, n := range notifications {
		records[i] = webhook.Record{
			Webhook: n.Webhook, Event: webhook.EventType(n.Event), ID: n.ID, State: webhook.State(n.State),
			Attempts: n.Attempts, LastResult: n.LastResult,
			FirstAttemptTime: timeOf(n.FirstAttemptTime), NextAttemptTime: timeOf(n.NextAttemptTime),
			LastAttemptTime: timeOf(n.LastAttemptTime),
		}
	}
	return records
}

func recordsToAPI(records []webhook.Record) []mentoringv1alpha1.Notification {
	if len(records) == 0 {
		return nil
	}
	notifications := make([]mentoringv1alpha1.Notification, len(records))
	for i, r := range records {
		notifications[i] = mentoringv1alpha1.Notification{
			Webhook: r.Webhook, Event: mentoringv1alpha1.EventType(r.Event), ID: r.ID,
			State: mentoringv1alpha1.DeliveryState(r.State), Attempts: r.Attempts, LastResult: r.LastResult,
			FirstAttemptTime: MetaTime(r.FirstAttemptTime), NextAttemptTime: MetaTime(r.NextAttemptTime),
			LastAttemptTime: MetaTime(r.LastAttemptTime),
		}
	}
	return notifications
}

func timeOf(t *metav1.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.Time
}

// MetaTime is t as the API keeps it, nil when zero.
func MetaTime(t time.Time) *metav1.Time {
	if t.IsZero() {
		return nil
	}
	return &metav1.Time{Time: t}
}
