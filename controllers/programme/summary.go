package programme

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/status"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/timing"
)

// summarise decides Ready from what the steps found, first match first:
//   - a step failed: Reconciling, and the pass is retried;
//   - the schedule is invalid, or an integration needs a person: Stalled, with a Warning event;
//   - the members changed and no pass has matched them yet: Reconciling (MembersChanged);
//   - deliveries or calendar writes wait for a retry: Reconciling;
//   - pairings whose own controller has not acted on them yet: Reconciling (Progressing);
//   - otherwise Ready, with the programme's stage as the reason.
//
// It also schedules the next pass: when the stage changes, or when a waiting pass may run.
func (r *Reconciler) summarise(p *pass, err error) {
	stage, message := stageOf(p)
	problems := p.integrations
	switch {
	case err != nil:
		p.conditions.Reconciling(mentoringv1alpha1.ReasonProgressing, "Programme pass failed and will be retried: "+err.Error())
	case p.invalid != "":
		r.stall(p, mentoringv1alpha1.ReasonInvalidSpec, p.invalid)
	case len(problems.stalled) > 0:
		_, reason, message := problems.condition()
		r.stall(p, reason, message)
	case p.wait > 0 || r.bursts.changedSince(p.key, p.listed):
		p.conditions.Reconciling(mentoringv1alpha1.ReasonMembersChanged,
			"Participants or pairings changed; the programme matches them once the changes settle.")
	case len(problems.retrying) > 0:
		_, reason, message := problems.condition()
		p.conditions.Reconciling(reason, message)
	case unreconciled(p) > 0:
		p.conditions.Reconciling(mentoringv1alpha1.ReasonProgressing, fmt.Sprintf("%d pairings are not reconciled yet.", unreconciled(p)))
	default:
		p.conditions.Ready(stage, message)
	}
	if err == nil && stage == mentoringv1alpha1.ReasonCompleted && !isCompleted(p.programme.Status.Conditions) && isCompleted(p.status.Conditions) {
		r.Recorder.Eventf(p.programme, nil, corev1.EventTypeNormal, mentoringv1alpha1.ReasonCompleted, "Complete", "Programme completed on %s.", p.programme.Spec.Schedule.End)
	}
	p.requeue = timing.Sooner(timing.Sooner(p.requeue, p.wait), p.untilNextStage())
}

func (r *Reconciler) stall(p *pass, reason, message string) {
	status.WarnOnce(r.Recorder, p.programme, p.programme.Status.Conditions, reason, message)
	p.conditions.Stalled(reason, message)
}

// unreconciled counts the pairings whose own controller has not yet acted on their spec (their score,
// meeting, calendar and notifications are not known yet), those this pass created included.
func unreconciled(p *pass) int {
	n := p.created
	for _, pairing := range p.pairings {
		if pairing.DeletionTimestamp.IsZero() && pairing.Status.ObservedGeneration != pairing.Generation {
			n++
		}
	}
	return n
}

// stageOf is the programme's stage, the reason of its Ready condition.
func stageOf(p *pass) (string, string) {
	programme, timeline := p.programme, p.timeline
	switch {
	case programme.Spec.Suspend:
		return mentoringv1alpha1.ReasonSuspended, "Programme is suspended: no pairings, meetings or notifications change until spec.suspend is false."
	case p.invalid != "":
		return mentoringv1alpha1.ReasonInvalidSpec, p.invalid
	case timeline.Ended(p.now):
		return mentoringv1alpha1.ReasonCompleted, fmt.Sprintf("Programme completed on %s.", programme.Spec.Schedule.End)
	case !timeline.Started(p.now):
		return mentoringv1alpha1.ReasonUpcoming, fmt.Sprintf("Programme starts on %s; pairings are proposed.", programme.Spec.Schedule.Start)
	case timeline.Enrolling(p.now):
		return mentoringv1alpha1.ReasonEnrolling, "Programme runs and matches new participants."
	default:
		return mentoringv1alpha1.ReasonRunning, "Programme runs; enrolment has closed."
	}
}

// untilNextStage is how long until the programme's stage next changes, or zero after the end.
func (p *pass) untilNextStage() time.Duration {
	if p.invalid != "" {
		return 0
	}
	for _, t := range []time.Time{p.timeline.Start, p.timeline.EnrolmentEnd, p.timeline.End} {
		if t.After(p.now) {
			return t.Sub(p.now)
		}
	}
	return 0
}
