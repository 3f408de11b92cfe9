package notify

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// Object identifies an object as its events name it: by what Git declares of it.
func Object(obj client.Object, kind webhook.Kind, programme string) webhook.Object {
	return webhook.Object{Namespace: obj.GetNamespace(), Programme: programme, Kind: kind, Name: obj.GetName()}
}

// Condition sums up an object's deliveries as its Notified condition: True when every event reached
// every webhook, False while some wait for a retry after a failed attempt (DeliveryPending) or failed
// for good (DeliveryFailed).
func Condition(programme *mentoringv1alpha1.Programme, records []mentoringv1alpha1.Notification) (metav1.ConditionStatus, string, string) {
	if len(Webhooks(programme)) == 0 {
		return metav1.ConditionTrue, mentoringv1alpha1.ReasonNotConfigured, "Programme has no webhooks."
	}
	var retrying, failed []string
	for _, r := range records {
		switch {
		case Retrying(r):
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

// Retrying reports whether a delivery waits for a retry after a failed attempt.
func Retrying(r mentoringv1alpha1.Notification) bool {
	return r.State == mentoringv1alpha1.DeliveryPending && r.Attempts > 0
}

// Outcomes lists deliveries as "webhook id state result", to compare them.
func Outcomes(records []mentoringv1alpha1.Notification) []string {
	outcomes := make([]string, len(records))
	for i, r := range records {
		outcomes[i] = r.Webhook + " " + r.ID + " " + string(r.State) + " " + r.LastResult
	}
	return outcomes
}
