package programme

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/notify"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/timing"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// notify delivers the programme's own events, which see the status this pass computed, once the members
// have settled. It owns status.notifications.
func (r *Reconciler) notify(ctx context.Context, p *pass) error {
	if p.wait > 0 || r.bursts.changedSince(p.key, p.listed) {
		// The members are changing: their pairings are not settled, and an event now would announce a
		// state that a rebuilt cluster would not name the same way.
		return nil
	}
	view := p.programme.DeepCopy()
	view.Status = *p.status
	stage, _ := stageOf(p)
	notified, err := r.Notifier.Deliver(ctx, view, p.programme, eventsOf(view, p.timeline, stage, p.outcome), p.status.Notifications)
	if err != nil {
		return fmt.Errorf("delivering the programme's events: %w", err)
	}
	p.requeue = timing.Sooner(p.requeue, notified.RetryAfter)
	if !slices.Equal(notify.Outcomes(p.status.Notifications), notify.Outcomes(notified.Records)) {
		// IntegrationsReady summed up the programme's own deliveries as they were before these attempts:
		// the next pass sums up their outcomes.
		p.requeue = timing.Sooner(p.requeue, quiet)
	}
	p.status.Notifications = notified.Records
	for _, failure := range notified.Failures {
		r.Recorder.Eventf(p.programme, nil, corev1.EventTypeWarning, mentoringv1alpha1.ReasonDeliveryFailed, "Notify", failure)
	}
	return nil
}

// eventsOf are the events the programme's state implies: matched after every matching pass that changed
// the pairings, named by the pairings it left active; completed at the end, with the outcome of the
// check-ins once the end survey has closed.
func eventsOf(p *mentoringv1alpha1.Programme, timeline planner.Timeline, stage string, o outcome) []webhook.Event {
	obj := notify.Object(p, webhook.KindProgramme, p.Name)
	data := webhook.ProgrammeData{
		Programme: p.Name, Participants: p.Status.Participants, Pairings: p.Status.Pairings, Unmatched: p.Status.Unmatched,
		MatchRatePercent: p.Status.MatchRatePercent, AverageScore: p.Status.AverageScore,
	}
	var out []webhook.Event
	if p.Status.LastMatchDigest != "" {
		out = append(out, webhook.NewEvent(obj, webhook.ProgrammeMatched, p.Status.LastMatchDigest, p.Status.LastMatchTime.Time, data))
	}
	if stage == mentoringv1alpha1.ReasonCompleted && !o.wait {
		data.Outcome = o.figures
		out = append(out, webhook.NewEvent(obj, webhook.ProgrammeCompleted, "", timeline.End, data))
	}
	return out
}

// isCompleted reports whether the programme's Ready condition already says Completed.
func isCompleted(conditions []metav1.Condition) bool {
	ready := meta.FindStatusCondition(conditions, mentoringv1alpha1.ReadyCondition)
	return ready != nil && ready.Reason == mentoringv1alpha1.ReasonCompleted
}
