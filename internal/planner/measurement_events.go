package planner

import (
	"time"

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
	return webhook.NewEvent(pairingObject(p), webhook.CheckInDue, r.Key, r.Opens, data)
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
	return webhook.NewEvent(pairingObject(p), webhook.PairingNeedsAttention, string(h.State)+"/"+string(h.Cause)+"/"+h.Round, at, data), true
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

// CheckInState is what a pairing's check-ins imply at one time: what the pairing controller writes
// and sends.
type CheckInState struct {
	// Rounds of the pairing.
	Rounds []measure.Round
	// Health for the Healthy condition (HealthCondition).
	Health measure.Health
	// Events the pairing's outbox delivers: checkin.due of the latest round that opened,
	// feedback.submitted of the latest round answered, and pairing.needs_attention when the health
	// calls for it.
	Events []webhook.Event
	// Next is when the state changes with time alone (a round opens or closes): requeue then. Zero
	// when nothing is left.
	Next time.Time
}

// CheckInStateOf is the state of a pairing's check-ins at time now, and false when its programme
// does not measure.
func CheckInStateOf(programme *mentoringv1alpha1.Programme, p *mentoringv1alpha1.Pairing, timeline Timeline, now time.Time) (CheckInState, bool) {
	policy, ok := MeasurementPolicy(programme)
	if !ok {
		return CheckInState{}, false
	}
	s := CheckInState{Rounds: measure.Rounds(policy, MeasureSchedule(p, timeline))}
	responses := Responses(p.Status.CheckIns)
	s.Health = measure.Judge(s.Rounds, responses, now)
	for _, r := range s.Rounds {
		if !r.Opens.After(now) {
			s.Events = append(s.Events[:0], CheckInDueEvent(p, r))
		}
		s.Next = sooner(sooner(s.Next, r.Opens, now), r.Closes, now)
	}
	if latest := latestAnswered(responses); latest != "" {
		s.Events = append(s.Events, FeedbackEvent(p, latest, responses))
	}
	if e, ok := AttentionEvent(p, s.Health, s.Rounds); ok {
		s.Events = append(s.Events, e)
	}
	return s, true
}

// latestAnswered is the round of the latest submission, empty when none.
func latestAnswered(responses []measure.Response) string {
	var latest measure.Response
	for _, r := range responses {
		if r.Submitted.After(latest.Submitted) || (r.Submitted.Equal(latest.Submitted) && r.Round > latest.Round) {
			latest = r
		}
	}
	return latest.Round
}

// ProgrammeMeasured is what a programme's check-ins and surveys add up to at one time.
type ProgrammeMeasured struct {
	// Summary is the programme's status.measurement.
	Summary *mentoringv1alpha1.MeasurementSummary
	// Outcome is what programme.completed carries; it is final once Final is.
	Outcome *webhook.ProgrammeOutcome
	// Final is true once the end survey has closed, measure.Grace after the programme's end: no answer
	// can change the outcome any more.
	Final bool
	// Next is when the figures change with time alone: a pairing's round opens or closes, or the
	// outcome becomes final. Zero when nothing is left.
	Next time.Time
}

// ProgrammeMeasurement is the programme's measurement from its pairings at time now, and false when
// the programme does not measure.
func ProgrammeMeasurement(programme *mentoringv1alpha1.Programme, pairings []mentoringv1alpha1.Pairing, timeline Timeline,
	now time.Time) (ProgrammeMeasured, bool) {
	policy, ok := MeasurementPolicy(programme)
	if !ok {
		return ProgrammeMeasured{}, false
	}
	final := timeline.End.Add(measure.Grace)
	out := ProgrammeMeasured{Final: !now.Before(final)}
	if !out.Final {
		out.Next = final
	}
	var in []measure.Pairing
	for i := range pairings {
		p := &pairings[i]
		if p.Spec.ProgrammeRef.Name != programme.Name {
			continue
		}
		rounds := measure.Rounds(policy, MeasureSchedule(p, timeline))
		in = append(in, measure.Pairing{Mentor: p.Spec.MentorRef.Name, Mentee: p.Spec.MenteeRef.Name,
			Rounds: rounds, Responses: Responses(p.Status.CheckIns), Ended: p.Status.Ended != nil})
		for _, r := range rounds {
			out.Next = sooner(sooner(out.Next, r.Opens, now), r.Closes, now)
		}
	}
	s := measure.Summarise(policy, in, now)
	out.Summary, out.Outcome = MeasurementSummary(s), webhook.OutcomeOf(s)
	return out, true
}

// sooner is the sooner of next and t, when t is after now; next when t is not, or zero when both are.
func sooner(next, t, now time.Time) time.Time {
	if t.After(now) && (next.IsZero() || t.Before(next)) {
		return t
	}
	return next
}
