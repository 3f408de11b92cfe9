package programme

import (
	"context"
	"slices"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/notify"
)

// memberEvents enqueues a programme when one of its participants or pairings changes. Three kinds of
// change matter, each handled its own way:
//   - a change by a person (a member created, deleted, or its spec changed, or a pairing ending that
//     the programme did not end): it is recorded in the programme's burst; the programme at once says
//     it is not current, and matches the change when it has stayed alone for a moment, or a burst of
//     changes once it settles;
//   - the programme's own writes (the pairings a pass created or ended) showing in the cache: they
//     satisfy the pass's expectations;
//   - progress the programme sums up (a pairing reconciled, a delivery's outcome, a calendar's
//     condition, a person's answers to a check-in): the programme's status is summed up again a
//     moment later, coalescing many such changes into one pass.
func (r *Reconciler) memberEvents() handler.EventHandler {
	return handler.Funcs{
		CreateFunc: func(_ context.Context, e event.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			r.enqueue(e.Object, r.created(e.Object), q)
		},
		UpdateFunc: func(_ context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			r.enqueue(e.ObjectNew, r.updated(e.ObjectOld, e.ObjectNew), q)
		},
		DeleteFunc: func(_ context.Context, e event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			if _, ok := e.Object.(*mentoringv1alpha1.Participant); ok {
				r.expectations.left(programmeOf(e.Object), e.Object.GetName())
			}
			r.enqueue(e.Object, byPerson, q)
		},
	}
}

// change is what an event means for the programme.
type change int

const (
	unrelated change = iota
	progress
	byPerson
)

func (r *Reconciler) created(obj client.Object) change {
	if p, ok := obj.(*mentoringv1alpha1.Pairing); ok && r.expectations.observed(programmeOf(obj), write{pairing: p.Name}) {
		return progress
	}
	return byPerson
}

func (r *Reconciler) updated(before, after client.Object) change {
	if before.GetGeneration() != after.GetGeneration() || before.GetDeletionTimestamp().IsZero() != after.GetDeletionTimestamp().IsZero() {
		return byPerson
	}
	switch a := after.(type) {
	case *mentoringv1alpha1.Participant:
		b := before.(*mentoringv1alpha1.Participant)
		r.expectations.observed(programmeOf(after), statusWrite(a.Name, ownedStatus(a)))
		if !slices.Equal(notify.Outcomes(b.Status.Notifications), notify.Outcomes(a.Status.Notifications)) {
			return progress
		}
	case *mentoringv1alpha1.Pairing:
		b := before.(*mentoringv1alpha1.Pairing)
		switch {
		case (b.Status.Ended == nil) != (a.Status.Ended == nil):
			if r.expectations.observed(programmeOf(after), write{pairing: a.Name, ended: true}) {
				return progress
			}
			return byPerson
		case (metav1.GetControllerOf(b) == nil) != (metav1.GetControllerOf(a) == nil):
			return byPerson
		case b.Status.ObservedGeneration != a.Status.ObservedGeneration,
			!slices.Equal(notify.Outcomes(b.Status.Notifications), notify.Outcomes(a.Status.Notifications)),
			conditionChanged(b.Status.Conditions, a.Status.Conditions, mentoringv1alpha1.CalendarSyncedCondition),
			conditionChanged(b.Status.Conditions, a.Status.Conditions, mentoringv1alpha1.EmailSentCondition),
			!equality.Semantic.DeepEqual(b.Status.CheckIns, a.Status.CheckIns):
			return progress
		}
	}
	return unrelated
}

func (r *Reconciler) enqueue(obj client.Object, c change, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
	request := reconcile.Request{NamespacedName: programmeOf(obj)}
	switch c {
	case byPerson:
		// The first change of a burst at once, so that the programme says it is not current; then when
		// the burst may have settled.
		wait, opened := r.bursts.changed(request.NamespacedName)
		if opened {
			q.Add(request)
		}
		q.AddAfter(request, max(wait, 0))
	case progress:
		q.AddAfter(request, quiet)
	}
}

// programmeOf is the key of a participant's or pairing's programme.
func programmeOf(obj client.Object) client.ObjectKey {
	var name string
	switch o := obj.(type) {
	case *mentoringv1alpha1.Participant:
		name = o.Spec.ProgrammeRef.Name
	case *mentoringv1alpha1.Pairing:
		name = o.Spec.ProgrammeRef.Name
	}
	return client.ObjectKey{Namespace: obj.GetNamespace(), Name: name}
}

// conditionChanged reports whether a condition appeared, disappeared, or changed status or reason.
func conditionChanged(before, after []metav1.Condition, conditionType string) bool {
	b, a := meta.FindStatusCondition(before, conditionType), meta.FindStatusCondition(after, conditionType)
	return (b == nil) != (a == nil) || (b != nil && (b.Status != a.Status || b.Reason != a.Reason))
}
