package report

import (
	"time"

	"k8s.io/apimachinery/pkg/api/meta"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

// ProgrammeStage is the programme's stage at now, as the reason of its Ready condition names it:
// Suspended, Completed, Upcoming, Enrolling or Running.
func ProgrammeStage(programme *mentoringv1alpha1.Programme, timeline planner.Timeline, now time.Time) string {
	switch {
	case programme.Spec.Suspend:
		return mentoringv1alpha1.ReasonSuspended
	case timeline.Ended(now):
		return mentoringv1alpha1.ReasonCompleted
	case !timeline.Started(now):
		return mentoringv1alpha1.ReasonUpcoming
	case timeline.Enrolling(now):
		return mentoringv1alpha1.ReasonEnrolling
	default:
		return mentoringv1alpha1.ReasonRunning
	}
}

// ProgrammeStages are the stages ProgrammeStage returns.
var ProgrammeStages = []string{mentoringv1alpha1.ReasonUpcoming, mentoringv1alpha1.ReasonEnrolling,
	mentoringv1alpha1.ReasonRunning, mentoringv1alpha1.ReasonCompleted, mentoringv1alpha1.ReasonSuspended}

// UnknownStage is the stage of a pairing the operator has not reported on yet.
const UnknownStage = "Unknown"

// PairingStage is the pairing's stage: the reason of its Ready condition (Proposed, AwaitingApproval,
// Active, Completed, or why it is not ready), Ended once it ended before the programme did, and
// UnknownStage before the operator's first pass over it.
func PairingStage(p *mentoringv1alpha1.Pairing) string {
	ready := meta.FindStatusCondition(p.Status.Conditions, mentoringv1alpha1.ReadyCondition)
	switch {
	case p.Status.Ended != nil && p.Status.Ended.Reason == mentoringv1alpha1.EndProgrammeCompleted:
		return mentoringv1alpha1.ReasonCompleted
	case p.Status.Ended != nil:
		return mentoringv1alpha1.ReasonEnded
	case ready == nil:
		return UnknownStage
	}
	return ready.Reason
}
