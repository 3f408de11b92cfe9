package controllers

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// Notifier delivers an object's events to its programme's webhooks. Delivery is durable through the
// object's status.notifications: each pass derives the events from the object's state, plans against
// the records in status, sends what is due, and returns the records to write back.
type Notifier struct {
	// Secrets reads the webhooks' Secrets directly from the API server, only when a delivery is due.
	Secrets client.Reader
	// AllowLoopback lets webhooks reach loopback addresses (local development and tests).
	AllowLoopback bool
	// Policy is how deliveries are retried.
	Policy webhook.Policy
	Clock  clock.PassiveClock
	// Recovered is told when a webhook accepts a delivery after an attempt to it failed, so that the
	// objects whose deliveries to it wait for a retry can be reconciled at once. It must not block.
	Recovered func(programme client.ObjectKey, webhook string)

	mu      sync.Mutex
	senders map[[sha256.Size]byte]*webhook.Sender
	// webhooks is what this process has seen of each programme's webhooks.
	webhooks map[webhookKey]webhookHealth
}

// webhookKey names a programme's webhook.
type webhookKey struct {
	programme client.ObjectKey
	webhook   string
}

// webhookHealth is whether the last attempt to a webhook failed, and when it last recovered.
type webhookHealth struct {
	failing     bool
	recoveredAt time.Time
}

// notification is the outcome of one delivery pass over one object.
type notification struct {
	// records to write to the object's status.notifications.
	records []mentoringv1alpha1.Notification
	// retryAfter is when the next pending delivery is due; zero when none is.
	retryAfter time.Duration
	// failures name the deliveries that failed for good in this pass, for Warning events.
	failures []string
}

// Deliver runs one delivery pass. Under spec.suspend nothing is sent and the records stay as they are.
func (n *Notifier) Deliver(ctx context.Context, programme *mentoringv1alpha1.Programme, events []webhook.Event,
	current []mentoringv1alpha1.Notification) (notification, error) {
	if programme.Spec.Suspend {
		return notification{records: current}, nil
	}
	now := n.Clock.Now()
	step := n.Policy.Plan(events, n.targets(programme), recordsFromAPI(current), now)
	endpoints := map[string]*endpoint{}
	var out notification
	for d := range step.Due() {
		ep, ok := endpoints[d.Webhook]
		if !ok {
			var err error
			if ep, err = n.endpoint(ctx, programme, d.Webhook); err != nil {
				return notification{}, err
			}
			endpoints[d.Webhook] = ep
		}
		result := ep.unusable
		if result.Outcome == "" {
			request, err := webhook.Build(ep.format, d.Event, ep.secret, now)
			if err != nil {
				return notification{}, err
			}
			result = ep.sender.Send(ctx, ep.url, request)
			externalCalls.WithLabelValues("webhook", result.Class()).Inc()
		}
		n.observe(webhookKey{client.ObjectKeyFromObject(programme), d.Webhook}, result.Outcome, now)
		if record := step.Report(d, result); record.State == webhook.StateFailed {
			out.failures = append(out.failures, fmt.Sprintf("Webhook %s refused event %s (%s): %s; it is not retried.",
				d.Webhook, d.Event.Type, d.Event.ID, record.LastResult))
		}
	}
	out.records = recordsToAPI(step.Records())
	if next, pending := step.NextAttempt(); pending {
		out.retryAfter = max(next.Sub(now), time.Second)
	}
	return out, nil
}

// observe records the outcome of an attempt to a webhook, and tells Recovered when the webhook accepted
// a delivery after failing.
func (n *Notifier) observe(key webhookKey, outcome webhook.Outcome, now time.Time) {
	n.mu.Lock()
	health := n.webhooks[key]
	recovered := health.failing && outcome == webhook.OutcomeDelivered
	switch {
	case outcome == webhook.OutcomeRetry:
		health.failing = true
	case recovered:
		health = webhookHealth{recoveredAt: now}
	}
	if n.webhooks == nil {
		n.webhooks = map[webhookKey]webhookHealth{}
	}
	n.webhooks[key] = health
	n.mu.Unlock()
	if recovered && n.Recovered != nil {
		n.Recovered(key.programme, key.webhook)
	}
}

// endpoint is a webhook ready to send to, or the result to report when it cannot be used.
type endpoint struct {
	format   webhook.Format
	url      string
	secret   webhook.Secret
	sender   *webhook.Sender
	unusable webhook.Result
}

// endpoint reads a webhook's Secrets. A missing Secret or key is not an error of the pass: the delivery
// is retried with backoff, and the programme's IntegrationsReady condition names the Secret.
func (n *Notifier) endpoint(ctx context.Context, programme *mentoringv1alpha1.Programme, name string) (*endpoint, error) {
	spec := webhookSpec(programme, name)
	ep := &endpoint{format: webhook.Format(spec.Format)}
	url, err := readSecretKey(ctx, n.Secrets, programme.Namespace, spec.URLSecretRef, "url")
	if err != nil {
		return nil, err
	}
	var secret, caBundle []byte
	if spec.SigningSecretRef != nil {
		if secret, err = readSecretKey(ctx, n.Secrets, programme.Namespace, *spec.SigningSecretRef, "secret"); err != nil {
			return nil, err
		}
	}
	if spec.CABundleSecretRef != nil {
		if caBundle, err = readSecretKey(ctx, n.Secrets, programme.Namespace, *spec.CABundleSecretRef, "ca.crt"); err != nil {
			return nil, err
		}
	}
	if url == nil || (spec.SigningSecretRef != nil && secret == nil) || (spec.CABundleSecretRef != nil && caBundle == nil) {
		ep.unusable = webhook.Result{Outcome: webhook.OutcomeRetry, Message: "a referenced Secret or key is missing"}
		return ep, nil
	}
	ep.url = string(url)
	if secret != nil {
		if ep.secret, err = webhook.ParseSecret(string(secret)); err != nil {
			ep.unusable = webhook.Result{Outcome: webhook.OutcomeRetry, Message: "the signing secret is invalid"}
			return ep, nil
		}
	}
	if ep.sender, err = n.sender(caBundle); err != nil {
		ep.unusable = webhook.Result{Outcome: webhook.OutcomeRetry, Message: "the CA bundle holds no certificate"}
	}
	return ep, nil
}

// sender returns the shared Sender for a CA bundle, so connections are reused across passes.
func (n *Notifier) sender(caBundle []byte) (*webhook.Sender, error) {
	key := sha256.Sum256(caBundle)
	n.mu.Lock()
	defer n.mu.Unlock()
	if s, ok := n.senders[key]; ok {
		return s, nil
	}
	s, err := webhook.NewSender(webhook.Options{CABundle: caBundle, AllowLoopback: n.AllowLoopback, Now: n.Clock.Now})
	if err != nil {
		return nil, err
	}
	if n.senders == nil {
		n.senders = map[[sha256.Size]byte]*webhook.Sender{}
	}
	n.senders[key] = s
	return s, nil
}

// readSecretKey reads one key of a Secret; nil when the Secret or the key does not exist.
func readSecretKey(ctx context.Context, c client.Reader, namespace string, ref mentoringv1alpha1.SecretKeyReference, defaultKey string) ([]byte, error) {
	secret := &corev1.Secret{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: ref.Name}, secret); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	key := ref.Key
	if key == "" {
		key = defaultKey
	}
	return secret.Data[key], nil
}

// targets are the programme's webhooks as the outbox sees them: disabled ones wait, and recovered ones
// are retried at once.
func (n *Notifier) targets(programme *mentoringv1alpha1.Programme) []webhook.Target {
	n.mu.Lock()
	defer n.mu.Unlock()
	var targets []webhook.Target
	for _, w := range webhooksOf(programme) {
		t := webhook.Target{Name: w.Name, RecoveredAt: n.webhooks[webhookKey{client.ObjectKeyFromObject(programme), w.Name}].recoveredAt}
		for _, e := range w.Events {
			t.Events = append(t.Events, webhook.EventType(e))
		}
		for _, s := range programme.Status.Webhooks {
			t.Disabled = t.Disabled || (s.Name == w.Name && s.Disabled)
		}
		targets = append(targets, t)
	}
	return targets
}

func webhooksOf(programme *mentoringv1alpha1.Programme) []mentoringv1alpha1.Webhook {
	if programme.Spec.Integrations == nil {
		return nil
	}
	return programme.Spec.Integrations.Webhooks
}

func webhookSpec(programme *mentoringv1alpha1.Programme, name string) mentoringv1alpha1.Webhook {
	for _, w := range webhooksOf(programme) {
		if w.Name == name {
			return w
		}
	}
	panic("webhook " + name + " is not in the programme's spec")
}

func recordsFromAPI(notifications []mentoringv1alpha1.Notification) []webhook.Record {
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
			FirstAttemptTime: metaTime(r.FirstAttemptTime), NextAttemptTime: metaTime(r.NextAttemptTime),
			LastAttemptTime: metaTime(r.LastAttemptTime),
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

func metaTime(t time.Time) *metav1.Time {
	if t.IsZero() {
		return nil
	}
	return &metav1.Time{Time: t}
}

// notifiedCondition sums up an object's deliveries: True when every event reached every webhook, False
// while some wait for a retry after a failed attempt (DeliveryPending) or failed for good
// (DeliveryFailed).
func notifiedCondition(programme *mentoringv1alpha1.Programme, records []mentoringv1alpha1.Notification) (metav1.ConditionStatus, string, string) {
	if len(webhooksOf(programme)) == 0 {
		return metav1.ConditionTrue, mentoringv1alpha1.ReasonNotConfigured, "Programme has no webhooks."
	}
	var retrying, failed []string
	for _, r := range records {
		switch {
		case r.State == mentoringv1alpha1.DeliveryPending && r.Attempts > 0:
			retrying = append(retrying, fmt.Sprintf("%s to %s (%s)", r.Event, r.Webhook, r.LastResult))
		case r.State == mentoringv1alpha1.DeliveryFailed:
			failed = append(failed, fmt.Sprintf("%s to %s (%s)", r.Event, r.Webhook, r.LastResult))
		}
	}
	switch {
	case len(retrying) > 0:
		return metav1.ConditionFalse, mentoringv1alpha1.ReasonDeliveryPending, "Retrying " + strings.Join(retrying, ", ") + "."
	case len(failed) > 0:
		return metav1.ConditionFalse, mentoringv1alpha1.ReasonDeliveryFailed, "Not delivered: " + strings.Join(failed, ", ") + "."
	}
	return metav1.ConditionTrue, mentoringv1alpha1.ReasonDelivered, "Every event reached every webhook."
}
