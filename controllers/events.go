package controllers

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// The events an object's state implies. Every pass over the same state derives the same events with
// the same ids, which is what makes delivery durable and duplicates detectable.

func eventObject(obj client.Object, kind webhook.Kind, programme string) webhook.Object {
	return webhook.Object{UID: string(obj.GetUID()), Namespace: obj.GetNamespace(), Programme: programme, Kind: kind, Name: obj.GetName()}
}

// pairingEvents: proposed once it exists; activated once approved and the programme has started;
// meeting_scheduled for every version of its meeting series (its slot and recurrence); ended with the
// reason.
func pairingEvents(p *mentoringv1alpha1.Pairing, stage string, timeline planner.Timeline) []webhook.Event {
	obj := eventObject(p, webhook.KindPairing, p.Spec.ProgrammeRef.Name)
	data := webhook.PairingData{
		Programme: p.Spec.ProgrammeRef.Name, Pairing: p.Name, Mentor: p.Spec.MentorRef.Name, Mentee: p.Spec.MenteeRef.Name,
		Score: p.Status.Score, Topics: topicStrings(p.Spec.Topics),
	}
	created := p.CreationTimestamp.Time
	events := []webhook.Event{webhook.NewEvent(obj, webhook.PairingProposed, "", created, data)}
	if p.Status.Ended != nil {
		data.EndReason = string(p.Status.Ended.Reason)
		return append(events, webhook.NewEvent(obj, webhook.PairingEnded, data.EndReason, p.Status.Ended.Time.Time, data))
	}
	if stage == mentoringv1alpha1.ReasonActive {
		events = append(events, webhook.NewEvent(obj, webhook.PairingActivated, "", latest(created, timeline.Start), data))
	}
	if m := p.Status.Meeting; m != nil && m.NextMeeting != nil && stage != mentoringv1alpha1.ReasonAwaitingApproval {
		data.Meeting = &webhook.Meeting{Next: m.NextMeeting.Time, DurationMinutes: m.DurationMinutes, RecurrenceRule: m.RecurrenceRule}
		series := fmt.Sprintf("%s/%s/%s/%d/%s", m.Weekday, m.Start, m.TimeZone, m.DurationMinutes, m.RecurrenceRule)
		events = append(events, webhook.NewEvent(obj, webhook.PairingMeetingScheduled, series, created, data))
	}
	return events
}

// programmeEvents: matched after every matching pass that changed the pairings; completed at the end.
func programmeEvents(p *mentoringv1alpha1.Programme, timeline planner.Timeline) []webhook.Event {
	obj := eventObject(p, webhook.KindProgramme, p.Name)
	data := webhook.ProgrammeData{
		Programme: p.Name, Participants: p.Status.Participants, Pairings: p.Status.Pairings, Unmatched: p.Status.Unmatched,
		MatchRatePercent: p.Status.MatchRatePercent, AverageScore: p.Status.AverageScore,
	}
	var events []webhook.Event
	if t := p.Status.LastMatchTime; t != nil {
		events = append(events, webhook.NewEvent(obj, webhook.ProgrammeMatched, t.UTC().Format(time.RFC3339), t.Time, data))
	}
	if ready := meta.FindStatusCondition(p.Status.Conditions, mentoringv1alpha1.ReadyCondition); ready != nil && ready.Reason == mentoringv1alpha1.ReasonCompleted {
		events = append(events, webhook.NewEvent(obj, webhook.ProgrammeCompleted, "", timeline.End, data))
	}
	return events
}

// participantEvents: unmatched whenever the matcher leaves the participant without a pairing, once per
// reason and episode.
func participantEvents(p *mentoringv1alpha1.Participant) []webhook.Event {
	matched := meta.FindStatusCondition(p.Status.Conditions, mentoringv1alpha1.MatchedCondition)
	if matched == nil || matched.Status != "False" {
		return nil
	}
	obj := eventObject(p, webhook.KindParticipant, p.Spec.ProgrammeRef.Name)
	data := webhook.ParticipantData{Programme: p.Spec.ProgrammeRef.Name, Participant: p.Name, Reason: matched.Reason}
	episode := matched.Reason + "/" + matched.LastTransitionTime.UTC().Format(time.RFC3339)
	return []webhook.Event{webhook.NewEvent(obj, webhook.ParticipantUnmatched, episode, matched.LastTransitionTime.Time, data)}
}

func topicStrings(topics []mentoringv1alpha1.Topic) []string {
	out := make([]string, len(topics))
	for i, t := range topics {
		out[i] = string(t)
	}
	return out
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
