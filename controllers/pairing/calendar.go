package pairing

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/meetings"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/metrics"
)

// calendarFinalizer keeps a Pairing until its meeting series is out of the calendar.
const calendarFinalizer = "mentoring.reverse-mentoring.dev/calendar"

// calendarOutcome is how a pass over a pairing's calendar went.
type calendarOutcome struct {
	// stalled is set when a person must fix something: the condition says what.
	stalled bool
	// err is a transient failure, retried with backoff.
	err error
}

// syncCalendar keeps the pair's meeting series in the programme's calendar: written while the pairing
// is active, rewritten with a higher sequence when it changes, removed when the pairing ends early or
// loses its approval, and left as history when it completes with the programme. It sets the
// CalendarSynced condition. Under spec.suspend nothing is written.
func (r *Reconciler) syncCalendar(ctx context.Context, p *pass, slot *calendar.Slot, stage string) calendarOutcome {
	if meetings.CalDAV(p.Programme) == nil {
		p.conditions.Set(mentoringv1alpha1.CalendarSyncedCondition, metav1.ConditionTrue, mentoringv1alpha1.ReasonNotConfigured, "Programme has no CalDAV calendar.")
		return calendarOutcome{}
	}
	if p.Programme.Spec.Suspend || stage == mentoringv1alpha1.ReasonCompleted {
		return calendarOutcome{}
	}
	wanted := stage == mentoringv1alpha1.ReasonActive && slot != nil
	if !wanted && p.status.Calendar == nil {
		p.conditions.Set(mentoringv1alpha1.CalendarSyncedCondition, metav1.ConditionTrue, mentoringv1alpha1.ReasonSynced, "No meeting series is due in the calendar.")
		return calendarOutcome{}
	}
	provider, err := r.Calendars.Open(ctx, p.Programme)
	if err != nil {
		return r.calendarFailed(p, err)
	}
	if !wanted {
		if err := meetings.RemoveSeries(ctx, provider, p.status.Calendar); err != nil {
			return r.calendarFailed(p, err)
		}
		p.status.Calendar = nil
		p.conditions.Set(mentoringv1alpha1.CalendarSyncedCondition, metav1.ConditionTrue, mentoringv1alpha1.ReasonSynced, "The meeting series was removed from the calendar.")
		return calendarOutcome{}
	}
	if err := r.ensureFinalizer(ctx, p.Pairing); err != nil {
		return calendarOutcome{err: err}
	}
	written, err := meetings.WriteSeries(ctx, provider, p.Event(*slot), p.status.Calendar, p.now)
	metrics.ExternalCalls.WithLabelValues("caldav", meetings.CallResult(err)).Inc()
	if err != nil {
		return r.calendarFailed(p, err)
	}
	p.status.Calendar = written
	p.conditions.Set(mentoringv1alpha1.CalendarSyncedCondition, metav1.ConditionTrue, mentoringv1alpha1.ReasonSynced,
		fmt.Sprintf("The meeting series is in the calendar (sequence %d).", written.Sequence))
	return calendarOutcome{}
}

// calendarFailed records a failed calendar call in CalendarSynced: what only a person can fix stalls;
// anything else is retried with backoff.
func (r *Reconciler) calendarFailed(p *pass, err error) calendarOutcome {
	failure := meetings.Classify(err)
	p.conditions.Set(mentoringv1alpha1.CalendarSyncedCondition, metav1.ConditionFalse, failure.Reason, failure.Message)
	if failure.Stalled {
		r.stall(p, failure.Reason, failure.Message)
		return calendarOutcome{stalled: true}
	}
	p.conditions.Reconciling(failure.Reason, failure.Message)
	return calendarOutcome{err: err}
}

func (r *Reconciler) ensureFinalizer(ctx context.Context, pairing *mentoringv1alpha1.Pairing) error {
	if controllerutil.ContainsFinalizer(pairing, calendarFinalizer) {
		return nil
	}
	patch := client.MergeFromWithOptions(pairing.DeepCopy(), client.MergeFromWithOptimisticLock{})
	controllerutil.AddFinalizer(pairing, calendarFinalizer)
	return r.Patch(ctx, pairing, patch)
}
