package planner

import (
	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/measure"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// The events of a pairing's check-ins, derived from its state with ids from declared names, so that
// the pairing controller's outbox and the page server (which sends a comment at submission) derive the
// same event for the same state.

func pairingObject(p *mentoringv1alpha1.Pairing) webhook.Object {
	return webhook.Object{Namespace: p.Namespace, Programme: p.Spec.ProgrammeRef.Name, Kind: webhook.KindPairing, Name: p.Name}
}

// CheckInDueEvent is the checkin.due event of a round of the pairing.
func CheckInDueEvent(p *mentoringv1alpha1.Pairing, r measure.Round) webhook.Event {
	data := webhook.CheckInData{Programme: p.Spec.ProgrammeRef.Name, Pairing: p.Name, Mentor: p.Spec.MentorRef.Name,
		Mentee: p.Spec.MenteeRef.Name, Round: r.Key, Kind: string(r.Kind), Opens: r.Opens.UTC(), Closes: r.Closes.UTC()}
	return webhook.DeclaredEvent(pairingObject(p), webhook.CheckInDue, r.Key, r.Opens, data)
}

// AttentionEvent is the pairing.needs_attention event of a health, and false unless the health is
// NeedsAttention or Inactive.
func AttentionEvent(p *mentoringv1alpha1.Pairing, h measure.Health, rounds []measure.Round) (webhook.Event, bool) {
	if h.State != measure.NeedsAttention && h.State != measure.Inactive {
		return webhook.Event{}, false
	}
	data := webhook.AttentionData{Programme: p.Spec.ProgrammeRef.Name, Pairing: p.Name, Mentor: p.Spec.MentorRef.Name,
		Mentee: p.Spec.MenteeRef.Name, Health: string(h.State), Cause: string(h.Cause), Round: h.Round, Message: h.Message}
	at := p.CreationTimestamp.Time
	for _, r := range rounds {
		if r.Key == h.Round {
			at = r.Closes
		}
	}
	return webhook.DeclaredEvent(pairingObject(p), webhook.PairingNeedsAttention, string(h.State)+"/"+string(h.Cause)+"/"+h.Round, at, data), true
}

// FeedbackEvent is the feedback.submitted event of a round of the pairing: its answers as
// status.checkIns holds them, or as responses when given (the page server's, with the new answers).
func FeedbackEvent(p *mentoringv1alpha1.Pairing, round string, responses []measure.Response) webhook.Event {
	if responses == nil {
		responses = Responses(p.Status.CheckIns)
	}
	data := webhook.FeedbackData{Programme: p.Spec.ProgrammeRef.Name, Pairing: p.Name, Mentor: p.Spec.MentorRef.Name,
		Mentee: p.Spec.MenteeRef.Name, Round: round}
	return webhook.FeedbackEvent(pairingObject(p), data, responses)
}
