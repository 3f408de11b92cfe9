package controllers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/netguard"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// integrationsHealth is how a programme's calendar and webhooks stand.
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
		return metav1.ConditionTrue, mentoringv1alpha1.ReasonSucceeded, "Calendar and webhooks are usable."
	}
	return metav1.ConditionFalse, h.reason, strings.Join(append(h.stalled, h.retrying...), " ")
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

// webhookHealth computes status.webhooks from the delivery records of the programme, its pairings and
// its participants, and checks every webhook's Secrets and address.
func (r *ProgrammeReconciler) webhookHealth(ctx context.Context, programme *mentoringv1alpha1.Programme, records []mentoringv1alpha1.Notification,
	status *mentoringv1alpha1.ProgrammeStatus, health *integrationsHealth, now time.Time) error {
	summaries := map[string]webhook.Summary{}
	for _, s := range webhook.Summarise(recordsFromAPI(records)) {
		summaries[s.Webhook] = s
	}
	previous := map[string]mentoringv1alpha1.WebhookStatus{}
	for _, w := range programme.Status.Webhooks {
		previous[w.Name] = w
	}
	status.Webhooks = nil
	for _, spec := range webhooksOf(programme) {
		hash, url, err := r.webhookConfig(ctx, programme.Namespace, spec)
		if err != nil {
			return err
		}
		w := mentoringv1alpha1.WebhookStatus{Name: spec.Name, ConfigHash: hash, ConfigChangedTime: &metav1.Time{Time: now}}
		if before, ok := previous[spec.Name]; ok && before.ConfigHash == hash {
			w.ConfigChangedTime = before.ConfigChangedTime
		}
		summary := summaries[spec.Name]
		w.Pending = int32(summary.Pending)
		w.LastSuccessTime, w.LastFailureTime, w.LastFailure = metaTime(summary.LastSuccess), metaTime(summary.LastFailure), summary.LastFailureResult
		since := w.ConfigChangedTime.Time
		switch {
		case url == "":
			health.problem(true, mentoringv1alpha1.ReasonSecretNotFound, fmt.Sprintf(
				"Webhook %s: Secret %s or one of its keys is missing; create it.", spec.Name, spec.URLSecretRef.Name))
		case netguard.CheckURL(url, r.Notifier.AllowLoopback) != nil:
			health.problem(true, mentoringv1alpha1.ReasonAddressRefused, fmt.Sprintf(
				"Webhook %s: %v; point it at a routable address.", spec.Name, netguard.CheckURL(url, r.Notifier.AllowLoopback)))
		case failedSince(records, spec.Name, since, func(result string) bool { return result == "HTTP 410" }):
			w.Disabled = true
			health.problem(true, mentoringv1alpha1.ReasonWebhookGone, fmt.Sprintf(
				"Webhook %s answered 410 Gone and is disabled; update its URL Secret or spec to enable it again.", spec.Name))
		case failedSince(records, spec.Name, since, func(result string) bool { return strings.HasPrefix(result, "refused:") }):
			health.problem(true, mentoringv1alpha1.ReasonAddressRefused, fmt.Sprintf(
				"Webhook %s: its address was refused (link-local, metadata or loopback); point it at a routable address.", spec.Name))
		case failedSince(records, spec.Name, since, func(result string) bool { return strings.HasPrefix(result, "HTTP 4") }):
			health.problem(true, mentoringv1alpha1.ReasonDeliveryFailed, fmt.Sprintf(
				"Webhook %s refused events (%s) and they are not retried; fix the receiver or the webhook's spec.", spec.Name, summary.LastFailureResult))
		case retrying(records, spec.Name):
			health.problem(false, mentoringv1alpha1.ReasonDeliveryPending, fmt.Sprintf(
				"Webhook %s: deliveries are retried after %s.", spec.Name, summary.LastFailureResult))
		}
		status.Webhooks = append(status.Webhooks, w)
	}
	return nil
}

// webhookConfig fingerprints a webhook's spec and Secret versions, and reads its URL ("" when missing).
func (r *ProgrammeReconciler) webhookConfig(ctx context.Context, namespace string, spec mentoringv1alpha1.Webhook) (string, string, error) {
	fingerprint := sha256.New()
	specJSON, err := json.Marshal(spec)
	if err != nil {
		return "", "", err
	}
	fingerprint.Write(specJSON)
	url := ""
	refs := []*mentoringv1alpha1.SecretKeyReference{&spec.URLSecretRef, spec.SigningSecretRef, spec.CABundleSecretRef}
	for i, ref := range refs {
		if ref == nil {
			continue
		}
		secret := &corev1.Secret{}
		err := r.Notifier.Secrets.Get(ctx, client.ObjectKey{Namespace: namespace, Name: ref.Name}, secret)
		switch {
		case apierrors.IsNotFound(err):
			return hex.EncodeToString(fingerprint.Sum(nil))[:16], "", nil
		case err != nil:
			return "", "", err
		}
		fingerprint.Write([]byte(secret.ResourceVersion))
		if i == 0 {
			key := ref.Key
			if key == "" {
				key = "url"
			}
			url = string(secret.Data[key])
		}
	}
	return hex.EncodeToString(fingerprint.Sum(nil))[:16], url, nil
}

// failedSince reports whether a delivery to the webhook failed for good after since with a result
// that matches.
func failedSince(records []mentoringv1alpha1.Notification, name string, since time.Time, matches func(string) bool) bool {
	for _, r := range records {
		if r.Webhook == name && r.State == mentoringv1alpha1.DeliveryFailed && r.LastAttemptTime != nil &&
			!r.LastAttemptTime.Time.Before(since) && matches(r.LastResult) {
			return true
		}
	}
	return false
}

// retrying reports whether deliveries to the webhook wait for a retry after a failed attempt.
func retrying(records []mentoringv1alpha1.Notification, name string) bool {
	for _, r := range records {
		if r.Webhook == name && r.State == mentoringv1alpha1.DeliveryPending && r.Attempts > 0 {
			return true
		}
	}
	return false
}
