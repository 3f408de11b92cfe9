package programme

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/mail"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/notify"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/secrets"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/netguard"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// integrationsHealth is how a programme's calendar, webhooks and email stand.
type integrationsHealth struct {
	// stalled problems need a person: a missing Secret, a refused address, a gone webhook, refused
	// credentials.
	stalled []string
	// retrying problems resolve themselves: deliveries or calendar writes waiting for a retry.
	retrying []string
	// reason of the first problem.
	reason string
}

func (h *integrationsHealth) problem(stalled bool, reason, message string) {
	if h.reason == "" || (stalled && len(h.stalled) == 0) {
		h.reason = reason
	}
	if stalled {
		h.stalled = append(h.stalled, message)
	} else {
		h.retrying = append(h.retrying, message)
	}
}

// condition is the IntegrationsReady condition.
func (h *integrationsHealth) condition() (metav1.ConditionStatus, string, string) {
	if len(h.stalled)+len(h.retrying) == 0 {
		return metav1.ConditionTrue, mentoringv1alpha1.ReasonSucceeded, "Calendar, webhooks and email are usable."
	}
	return metav1.ConditionFalse, h.reason, strings.Join(append(h.stalled, h.retrying...), " ")
}

// integrations sums up, from what the pairings and participants report, how the programme's calendar,
// webhooks and email stand. It owns the IntegrationsReady condition and status.webhooks.
func (r *Reconciler) integrations(ctx context.Context, p *pass) error {
	p.integrations = &integrationsHealth{}
	calendarHealth(p.pairings, p.integrations)
	if err := r.feedKeyHealth(ctx, p); err != nil {
		return fmt.Errorf("checking the feed key: %w", err)
	}
	if err := r.webhookHealth(ctx, p); err != nil {
		return fmt.Errorf("checking the webhooks: %w", err)
	}
	if err := r.emailHealth(ctx, p); err != nil {
		return fmt.Errorf("checking the email settings: %w", err)
	}
	condition, reason, message := p.integrations.condition()
	p.conditions.Set(mentoringv1alpha1.IntegrationsReadyCondition, condition, reason, message)
	return nil
}

// calendarHealth folds the pairings' CalendarSynced conditions into the programme's integration health:
// refused credentials or missing settings need a person; an unreachable server is retried.
func calendarHealth(pairings []mentoringv1alpha1.Pairing, health *integrationsHealth) {
	failing := map[string]int{}
	for _, p := range pairings {
		if c := meta.FindStatusCondition(p.Status.Conditions, mentoringv1alpha1.CalendarSyncedCondition); c != nil && c.Status == metav1.ConditionFalse {
			failing[c.Reason]++
		}
	}
	for _, reason := range slices.Sorted(maps.Keys(failing)) {
		message := fmt.Sprintf("Calendar: %d pairings report %s; see their CalendarSynced condition.", failing[reason], reason)
		switch reason {
		case mentoringv1alpha1.ReasonAuthenticationFailed, mentoringv1alpha1.ReasonSecretNotFound, mentoringv1alpha1.ReasonInvalidSpec,
			mentoringv1alpha1.ReasonAddressRefused:
			health.problem(true, reason, message)
		case mentoringv1alpha1.ReasonUnreachable:
			health.problem(false, reason, message)
		}
	}
}

// feedKeyHealth checks the Secret key feed tokens are derived from, when the programme names one.
func (r *Reconciler) feedKeyHealth(ctx context.Context, p *pass) error {
	i := p.programme.Spec.Integrations
	if i == nil || i.Calendar == nil || i.Calendar.FeedKeySecretRef == nil {
		return nil
	}
	ref := *i.Calendar.FeedKeySecretRef
	key, _, err := secrets.Key(ctx, r.Notifier.Secrets, p.programme.Namespace, ref, "key")
	switch {
	case err != nil:
		return err
	case key == nil:
		p.integrations.problem(true, mentoringv1alpha1.ReasonSecretNotFound, fmt.Sprintf(
			"Calendar feeds: Secret %s or its key with the feed key is missing; create it.", ref.Name))
	case len(key) < calendar.MinFeedKeyBytes:
		p.integrations.problem(true, mentoringv1alpha1.ReasonInvalidSpec, fmt.Sprintf(
			"Calendar feeds: the feed key in Secret %s is shorter than %d bytes; put a longer random key there.", ref.Name, calendar.MinFeedKeyBytes))
	}
	return nil
}

// webhookHealth computes status.webhooks from the delivery records of the programme, its pairings and
// its participants, and checks every webhook's Secrets and address.
func (r *Reconciler) webhookHealth(ctx context.Context, p *pass) error {
	records := slices.Clone(p.status.Notifications)
	for _, pairing := range p.pairings {
		records = append(records, pairing.Status.Notifications...)
	}
	for _, participant := range p.participants {
		records = append(records, participant.Status.Notifications...)
	}
	summaries := map[string]webhook.Summary{}
	for _, s := range webhook.Summarise(notify.Records(records)) {
		summaries[s.Webhook] = s
	}
	previous := map[string]mentoringv1alpha1.WebhookStatus{}
	for _, w := range p.programme.Status.Webhooks {
		previous[w.Name] = w
	}
	p.status.Webhooks = nil
	for _, spec := range notify.Webhooks(p.programme) {
		ep, err := r.Notifier.Endpoint(ctx, p.programme, spec.Name)
		if err != nil {
			return err
		}
		w := mentoringv1alpha1.WebhookStatus{Name: spec.Name, ConfigHash: ep.Hash, ConfigChangedTime: &metav1.Time{Time: p.now}}
		if before, ok := previous[spec.Name]; ok && before.ConfigHash == ep.Hash {
			w.ConfigChangedTime = before.ConfigChangedTime
		}
		summary := summaries[spec.Name]
		w.Pending = int32(summary.Pending)
		w.LastSuccessTime, w.LastFailureTime, w.LastFailure = notify.MetaTime(summary.LastSuccess), notify.MetaTime(summary.LastFailure), summary.LastFailureResult
		since := w.ConfigChangedTime.Time
		switch {
		case ep.Missing != "":
			p.integrations.problem(true, mentoringv1alpha1.ReasonSecretNotFound, fmt.Sprintf(
				"Webhook %s: Secret %s or one of its keys is missing; create it.", spec.Name, ep.Missing))
		case netguard.CheckURL(ep.URL, r.Notifier.AllowLoopback) != nil:
			p.integrations.problem(true, mentoringv1alpha1.ReasonAddressRefused, fmt.Sprintf(
				"Webhook %s: %v; point it at a routable address.", spec.Name, netguard.CheckURL(ep.URL, r.Notifier.AllowLoopback)))
		case failedSince(records, spec.Name, since, func(result string) bool { return result == "HTTP 410" }):
			w.Disabled = true
			p.integrations.problem(true, mentoringv1alpha1.ReasonWebhookGone, fmt.Sprintf(
				"Webhook %s answered 410 Gone and is disabled; update its URL Secret or spec to enable it again.", spec.Name))
		case failedSince(records, spec.Name, since, func(result string) bool { return strings.HasPrefix(result, "refused:") }):
			p.integrations.problem(true, mentoringv1alpha1.ReasonAddressRefused, fmt.Sprintf(
				"Webhook %s: its address was refused (link-local, metadata or loopback); point it at a routable address.", spec.Name))
		case failedSince(records, spec.Name, since, func(result string) bool { return strings.HasPrefix(result, "HTTP 4") }):
			p.integrations.problem(true, mentoringv1alpha1.ReasonDeliveryFailed, fmt.Sprintf(
				"Webhook %s refused events (%s) and they are not retried; fix the receiver or the webhook's spec.", spec.Name, summary.LastFailureResult))
		case slices.ContainsFunc(records, func(r mentoringv1alpha1.Notification) bool { return r.Webhook == spec.Name && notify.Retrying(r) }):
			p.integrations.problem(false, mentoringv1alpha1.ReasonDeliveryPending, fmt.Sprintf(
				"Webhook %s: deliveries are retried after %s.", spec.Name, summary.LastFailureResult))
		}
		p.status.Webhooks = append(p.status.Webhooks, w)
	}
	return nil
}

// failedSince reports whether a delivery to the webhook failed for good after since with a result
// that matches.
func failedSince(records []mentoringv1alpha1.Notification, name string, since time.Time, matches func(string) bool) bool {
	return slices.ContainsFunc(records, func(r mentoringv1alpha1.Notification) bool {
		return r.Webhook == name && r.State == mentoringv1alpha1.DeliveryFailed && r.LastAttemptTime != nil &&
			!r.LastAttemptTime.Time.Before(since) && matches(r.LastResult)
	})
}

// emailHealth checks the programme's email settings (its Secrets, its templates, the relay's address),
// then folds in the pairings' EmailSent conditions: what the relay refused of the settings needs a
// person; messages waiting for a retry or the rate limit resolve themselves. A relay refusing one
// recipient is the pairing's own business.
func (r *Reconciler) emailHealth(ctx context.Context, p *pass) error {
	if mail.Settings(p.programme) == nil {
		return nil
	}
	var settings *mail.SettingsError
	switch _, err := r.Mail.Open(ctx, p.programme); {
	case errors.As(err, &settings):
		p.integrations.problem(true, settings.Reason, "Email: "+settings.Message)
		return nil
	case err != nil:
		return err
	}
	failing, first := map[string]int{}, map[string]string{}
	for _, pairing := range p.pairings {
		if c := meta.FindStatusCondition(pairing.Status.Conditions, mentoringv1alpha1.EmailSentCondition); c != nil && c.Status == metav1.ConditionFalse {
			if failing[c.Reason]++; failing[c.Reason] == 1 {
				first[c.Reason] = c.Message
			}
		}
	}
	for _, reason := range slices.Sorted(maps.Keys(failing)) {
		switch reason {
		case mentoringv1alpha1.ReasonRecipientRefused:
		case mentoringv1alpha1.ReasonDeliveryPending:
			p.integrations.problem(false, reason, fmt.Sprintf("Email: %d pairings wait to deliver messages; see their EmailSent condition.", failing[reason]))
		default:
			p.integrations.problem(true, reason, fmt.Sprintf("Email: %d pairings report %s: %s", failing[reason], reason, first[reason]))
		}
	}
	return nil
}

// templatesChanged maps a changed ConfigMap to the programmes whose email templates it holds.
func (r *Reconciler) templatesChanged(ctx context.Context, configMap client.Object) []reconcile.Request {
	var requests []reconcile.Request
	for _, programme := range mail.ProgrammesUsing(ctx, r, configMap) {
		requests = append(requests, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(programme)})
	}
	return requests
}
