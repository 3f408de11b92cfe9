package pairing

import (
	"fmt"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/meetings"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/notify"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/timing"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// Events are the events a pairing's state implies: proposed once it exists; activated once approved
// and the programme has started; meeting_scheduled for every version of its meeting series (its slot
// and recurrence); ended with the reason. Every pass over the same state derives the same events with
// the same ids, which is what makes delivery durable and duplicates detectable.
func Events(p *mentoringv1alpha1.Pairing, stage string, timeline planner.Timeline) []webhook.Event {
	obj := notify.Object(p, webhook.KindPairing, p.Spec.ProgrammeRef.Name)
	data := webhook.PairingData{
		Programme: p.Spec.ProgrammeRef.Name, Pairing: p.Name, Mentor: p.Spec.MentorRef.Name, Mentee: p.Spec.MenteeRef.Name,
		Score: p.Status.Score, Topics: meetings.Topics(p.Spec.Topics),
	}
	created := p.CreationTimestamp.Time
	events := []webhook.Event{webhook.NewEvent(obj, webhook.PairingProposed, "", created, data)}
	if p.Status.Ended != nil {
		data.EndReason = string(p.Status.Ended.Reason)
		return append(events, webhook.NewEvent(obj, webhook.PairingEnded, data.EndReason, p.Status.Ended.Time.Time, data))
	}
	if stage == mentoringv1alpha1.ReasonActive {
		events = append(events, webhook.NewEvent(obj, webhook.PairingActivated, "", timing.Later(created, timeline.Start), data))
	}
	if m := p.Status.Meeting; m != nil && m.NextMeeting != nil && stage != mentoringv1alpha1.ReasonAwaitingApproval {
		data.Meeting = &webhook.Meeting{Next: m.NextMeeting.Time, DurationMinutes: m.DurationMinutes, RecurrenceRule: m.RecurrenceRule}
		series := fmt.Sprintf("%s/%s/%s/%d/%s", m.Weekday, m.Start, m.TimeZone, m.DurationMinutes, m.RecurrenceRule)
		events = append(events, webhook.NewEvent(obj, webhook.PairingMeetingScheduled, series, created, data))
	}
	return events
}
