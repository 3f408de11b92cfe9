package notify

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// TestSendUnderSuspendSendsNothing: a suspended programme has no external effect, comments included;
// the Notifier does not even read the webhook's Secrets (it has no reader here).
func TestSendUnderSuspendSendsNothing(t *testing.T) {
	programme := &mentoringv1alpha1.Programme{ObjectMeta: metav1.ObjectMeta{Namespace: "hr", Name: "dl"},
		Spec: mentoringv1alpha1.ProgrammeSpec{Suspend: true, Integrations: &mentoringv1alpha1.Integrations{Webhooks: []mentoringv1alpha1.Webhook{{
			Name: "hr", Format: mentoringv1alpha1.WebhookStandard, URLSecretRef: mentoringv1alpha1.SecretKeyReference{Name: "hr-url"}}}}}}
	n := &Notifier{Clock: clocktesting.NewFakePassiveClock(time.Date(2027, 2, 15, 0, 0, 0, 0, time.UTC))}
	e := webhook.NewEvent(webhook.Object{Namespace: "hr", Programme: "dl", Kind: webhook.KindPairing, Name: "dl-ada-bob"},
		webhook.FeedbackSubmitted, "checkin-1", n.Clock.Now(), webhook.FeedbackData{Programme: "dl", Pairing: "dl-ada-bob"})
	err := n.Send(context.Background(), programme, "hr", e)
	if err == nil || !strings.Contains(err.Error(), "suspended") {
		t.Fatalf("Send under suspend: %v, want an error saying the programme is suspended", err)
	}
}
