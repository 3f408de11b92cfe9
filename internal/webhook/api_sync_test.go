package webhook

import (
	"testing"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// TestNamesMatchTheAPI keeps the package's event types, formats and delivery states spelled as the
// API's, so controllers convert between them with a plain type conversion.
func TestNamesMatchTheAPI(t *testing.T) {
	pairs := [][2]string{
		{string(PairingProposed), string(mentoringv1alpha1.EventPairingProposed)},
		{string(PairingActivated), string(mentoringv1alpha1.EventPairingActivated)},
		{string(PairingMeetingScheduled), string(mentoringv1alpha1.EventPairingMeetingScheduled)},
		{string(PairingEnded), string(mentoringv1alpha1.EventPairingEnded)},
		{string(ProgrammeMatched), string(mentoringv1alpha1.EventProgrammeMatched)},
		{string(ProgrammeCompleted), string(mentoringv1alpha1.EventProgrammeCompleted)},
		{string(ParticipantUnmatched), string(mentoringv1alpha1.EventParticipantUnmatched)},
		{string(CheckInDue), string(mentoringv1alpha1.EventCheckInDue)},
		{string(PairingNeedsAttention), string(mentoringv1alpha1.EventPairingNeedsAttention)},
		{string(FeedbackSubmitted), string(mentoringv1alpha1.EventFeedbackSubmitted)},
		{string(StandardWebhooks), string(mentoringv1alpha1.WebhookStandard)},
		{string(CloudEvents), string(mentoringv1alpha1.WebhookCloudEvents)},
		{string(Slack), string(mentoringv1alpha1.WebhookSlack)},
		{string(Teams), string(mentoringv1alpha1.WebhookTeams)},
		{string(StatePending), string(mentoringv1alpha1.DeliveryPending)},
		{string(StateDelivered), string(mentoringv1alpha1.DeliveryDelivered)},
		{string(StateFailed), string(mentoringv1alpha1.DeliveryFailed)},
	}
	for _, p := range pairs {
		if p[0] != p[1] {
			t.Errorf("webhook has %q where the API has %q", p[0], p[1])
		}
	}
	if len(eventOrder) != 10 || len(titles) != len(eventOrder) {
		t.Errorf("%d event types ordered and %d titled, want the API's 10", len(eventOrder), len(titles))
	}
}
