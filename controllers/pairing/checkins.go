package pairing

import (
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// checkInsOutcome is what a pairing's check-ins imply in one pass.
type checkInsOutcome struct {
	// events to deliver beside the pairing's own: checkin.due, feedback.submitted and
	// pairing.needs_attention.
	events []webhook.Event
	// requeue is how long until a round opens or closes, which changes the health with time alone;
	// zero when none is left.
	requeue time.Duration
}

// checkIns derives, while the programme measures, the pairing's Healthy condition from its
// status.checkIns, which only the page server writes, and the events they imply. It never writes
// status.checkIns. A pairing whose health becomes NeedsAttention or Inactive gets a Warning event
// with that reason, once the condition is written; once it has ended, it calls for nobody's
// attention. Without measurement the
// condition is removed.
func (r *Reconciler) checkIns(p *pass) checkInsOutcome {
	state, measuring := planner.CheckInStateOf(p.Programme, p.current(), p.Timeline, p.now)
	if !measuring {
		meta.RemoveStatusCondition(&p.status.Conditions, mentoringv1alpha1.HealthyCondition)
		return checkInsOutcome{}
	}
	healthy, reason, message := planner.HealthCondition(state.Health)
	if p.Pairing.Status.Ended != nil {
		state.Events = slices.DeleteFunc(state.Events, func(e webhook.Event) bool { return e.Type == webhook.PairingNeedsAttention })
	} else if before := meta.FindStatusCondition(p.Pairing.Status.Conditions, mentoringv1alpha1.HealthyCondition); healthy == metav1.ConditionFalse &&
		(before == nil || before.Reason != reason || before.Message != message) {
		p.written = append(p.written, func() { r.Recorder.Eventf(p.Pairing, nil, corev1.EventTypeWarning, reason, "CheckIns", message) })
	}
	p.conditions.Set(mentoringv1alpha1.HealthyCondition, healthy, reason, message)
	out := checkInsOutcome{events: state.Events}
	if !state.Next.IsZero() {
		out.requeue = state.Next.Sub(p.now)
	}
	return out
}

// current is the pairing with the status this pass computed: its meeting scheduled now, the
// programme controller's end and the page server's check-ins as read.
func (p *pass) current() *mentoringv1alpha1.Pairing {
	view := p.Pairing.DeepCopy()
	view.Status = *p.status
	view.Status.Ended, view.Status.CheckIns = p.Pairing.Status.Ended, p.Pairing.Status.CheckIns
	return view
}
