package controllers

import (
	"context"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

// programmeFinalizer keeps a Programme until its Pairings are gone, so that their calendar events can
// still be removed with the programme's calendar settings.
const programmeFinalizer = "mentoring.reverse-mentoring.dev/pairings"

// ProgrammeReconciler matches a programme's participants, creates and ends its pairings, follows its
// schedule and reports its status.
type ProgrammeReconciler struct {
	client.Client
	Recorder events.EventRecorder
	Clock    clock.PassiveClock
	Options  controller.Options
	Notifier *Notifier
	// Wakeups are objects to reconcile at once: a webhook they wait for has recovered.
	Wakeups <-chan event.GenericEvent
	// Writers is the number of pairings and participants written at once.
	Writers int

	bursts *bursts
}

// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=programmes,verbs=list;watch;patch
// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=programmes/status,verbs=patch
// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=programmes/finalizers,verbs=update
// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=pairings,verbs=list;watch;create;patch;delete
// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=participants/status,verbs=patch

// Reconcile runs one matching pass and writes the programme's status once.
func (r *ProgrammeReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	programme := &mentoringv1alpha1.Programme{}
	err := r.Get(ctx, req.NamespacedName, programme)
	if apierrors.IsNotFound(err) {
		r.bursts.forget(req.NamespacedName)
		return ctrl.Result{}, r.stallOrphans(ctx, req.NamespacedName)
	}
	if err != nil {
		return ctrl.Result{}, err
	}
	if !programme.DeletionTimestamp.IsZero() {
		return r.finalize(ctx, programme)
	}
	if !controllerutil.ContainsFinalizer(programme, programmeFinalizer) {
		patch := client.MergeFromWithOptions(programme.DeepCopy(), client.MergeFromWithOptimisticLock{})
		controllerutil.AddFinalizer(programme, programmeFinalizer)
		if err := r.Patch(ctx, programme, patch); err != nil {
			return ctrl.Result{}, err
		}
	}
	// A change to the programme's own spec is acted on at once; changes to its members wait to settle.
	if programme.Status.ObservedGeneration == programme.Generation {
		if wait := r.bursts.wait(req.NamespacedName); wait > 0 {
			return ctrl.Result{RequeueAfter: wait}, nil
		}
	}

	status := programme.Status.DeepCopy()
	conditions := conditionsOf(&status.Conditions, programme.Generation)
	result, err := r.reconcileMatching(ctx, programme, status, conditions)
	if err == nil {
		status.ObservedGeneration = programme.Generation
	} else {
		conditions.reconciling(mentoringv1alpha1.ReasonProgressing, "Matching pass failed and will be retried: "+err.Error())
	}
	if writeErr := r.writeStatus(ctx, programme, status); writeErr != nil && err == nil {
		err = writeErr
	}
	return result, err
}

func (r *ProgrammeReconciler) reconcileMatching(ctx context.Context, programme *mentoringv1alpha1.Programme, status *mentoringv1alpha1.ProgrammeStatus, conditions conditionSetter) (ctrl.Result, error) {
	now := r.Clock.Now()
	participants, pairings, err := programmeMembers(ctx, r, programme)
	if err != nil {
		return ctrl.Result{}, err
	}
	timeline, err := planner.TimelineOf(programme)
	if err != nil {
		message := "Programme schedule is invalid: " + err.Error() + "."
		warnOnce(r.Recorder, programme, programme.Status.Conditions, mentoringv1alpha1.ReasonInvalidSpec, message)
		conditions.stalled(mentoringv1alpha1.ReasonInvalidSpec, message)
		// The participants learn why nothing happens from their Eligible condition.
		verdicts := &planner.Result{Verdicts: planner.Verdicts(programme, participants, pairings, now)}
		_, err := r.apply(ctx, programme, verdicts, pairings, participants, now, false)
		return ctrl.Result{}, err
	}

	started := time.Now()
	plan, err := planner.Plan(programme, participants, pairings, now)
	matchingDuration.Observe(time.Since(started).Seconds())
	if err != nil {
		return ctrl.Result{}, err
	}
	changed, err := r.apply(ctx, programme, plan, pairings, participants, now, !programme.Spec.Suspend)
	if err != nil {
		return ctrl.Result{}, err
	}
	if last := lastChange(pairings); !last.IsZero() && (status.LastMatchTime == nil || last.After(status.LastMatchTime.Time)) {
		status.LastMatchTime = &metav1.Time{Time: last}
	}
	if changed {
		r.Recorder.Eventf(programme, nil, corev1.EventTypeNormal, "Matched", "Match",
			"Matching pass made %d pairings and ended %d; %d mentees unmatched.", len(plan.Create), len(plan.Ends), plan.Summary.Unmatched)
	}
	setProgrammeCounts(status, plan)
	recordProgrammeMetrics(programme, plan)
	summary := plan.Match.Summary
	conditions.set(mentoringv1alpha1.MatchedCondition, metav1.ConditionTrue, mentoringv1alpha1.ReasonSucceeded,
		fmt.Sprintf("%d pairings, %d of %d eligible mentees matched.", summary.Pairings, summary.MatchedMentees, summary.EligibleMentees))

	health := &integrationsHealth{}
	calendarHealth(pairings, health)
	if err := r.webhookHealth(ctx, programme, allNotifications(status, pairings, participants), status, health, now); err != nil {
		return ctrl.Result{}, err
	}
	integrations, reason, message := health.condition()
	conditions.set(mentoringv1alpha1.IntegrationsReadyCondition, integrations, reason, message)
	stage, stageMessage := programmeStage(programme, timeline, now)
	waiting := unreconciled(pairings)
	if !programme.Spec.Suspend {
		waiting += len(plan.Create) // made by this pass
	}
	switch {
	case len(health.stalled) > 0:
		warnOnce(r.Recorder, programme, programme.Status.Conditions, reason, message)
		conditions.stalled(reason, message)
	case len(health.retrying) > 0:
		conditions.reconciling(reason, message)
	case waiting > 0:
		conditions.reconciling(mentoringv1alpha1.ReasonProgressing, fmt.Sprintf("%d pairings are not reconciled yet.", waiting))
	default:
		conditions.ready(stage, stageMessage)
	}
	if stage == mentoringv1alpha1.ReasonCompleted && !isCompleted(programme.Status.Conditions) {
		r.Recorder.Eventf(programme, nil, corev1.EventTypeNormal, mentoringv1alpha1.ReasonCompleted, "Complete", "Programme completed on %s.", programme.Spec.Schedule.End)
	}

	// The programme's own events see the status this pass computed.
	view := programme.DeepCopy()
	view.Status = *status
	notified, err := r.Notifier.Deliver(ctx, view, programmeEvents(view, timeline), status.Notifications)
	if err != nil {
		return ctrl.Result{}, err
	}
	requeue := earliest(nextBoundary(timeline, now), notified.retryAfter)
	if !slices.Equal(outcomes(status.Notifications), outcomes(notified.records)) {
		// IntegrationsReady above summed up the programme's own deliveries as they were before these
		// attempts: the next pass sums up their outcomes.
		requeue = earliest(requeue, quiet)
	}
	status.Notifications = notified.records
	for _, failure := range notified.failures {
		r.Recorder.Eventf(programme, nil, corev1.EventTypeWarning, mentoringv1alpha1.ReasonDeliveryFailed, "Notify", failure)
	}
	return ctrl.Result{RequeueAfter: requeue}, nil
}

// lastChange is when the programme's pairings last changed: the latest creation or end among them, as
// the API server recorded it. Read from the pairings themselves, it is the same in every pass and after
// every restart, and so is the id of the programme.matched event it dates.
func lastChange(pairings []mentoringv1alpha1.Pairing) time.Time {
	var last time.Time
	for _, p := range pairings {
		last = latest(last, p.CreationTimestamp.Time)
		if p.Status.Ended != nil {
			last = latest(last, p.Status.Ended.Time.Time)
		}
	}
	return last
}

// unreconciled counts the pairings whose own controller has not yet acted on their spec: their score,
// meeting, calendar and notifications are not known yet.
func unreconciled(pairings []mentoringv1alpha1.Pairing) int {
	n := 0
	for _, p := range pairings {
		if p.DeletionTimestamp.IsZero() && p.Status.ObservedGeneration != p.Generation {
			n++
		}
	}
	return n
}

// earliest is the shorter of two requeue delays, where zero means none.
func earliest(a, b time.Duration) time.Duration {
	if a == 0 || (b > 0 && b < a) {
		return b
	}
	return a
}

// allNotifications gathers the delivery records of the programme, its pairings and its participants.
func allNotifications(status *mentoringv1alpha1.ProgrammeStatus, pairings []mentoringv1alpha1.Pairing, participants []mentoringv1alpha1.Participant) []mentoringv1alpha1.Notification {
	records := slices.Clone(status.Notifications)
	for _, p := range pairings {
		records = append(records, p.Status.Notifications...)
	}
	for _, p := range participants {
		records = append(records, p.Status.Notifications...)
	}
	return records
}

// programmeStage is the programme's stage, the reason of its Ready condition.
func programmeStage(programme *mentoringv1alpha1.Programme, timeline planner.Timeline, now time.Time) (string, string) {
	switch {
	case programme.Spec.Suspend:
		return mentoringv1alpha1.ReasonSuspended, "Programme is suspended: no pairings, meetings or notifications change until spec.suspend is false."
	case timeline.Ended(now):
		return mentoringv1alpha1.ReasonCompleted, fmt.Sprintf("Programme completed on %s.", programme.Spec.Schedule.End)
	case !timeline.Started(now):
		return mentoringv1alpha1.ReasonUpcoming, fmt.Sprintf("Programme starts on %s; pairings are proposed.", programme.Spec.Schedule.Start)
	case timeline.Enrolling(now):
		return mentoringv1alpha1.ReasonEnrolling, "Programme runs and matches new participants."
	default:
		return mentoringv1alpha1.ReasonRunning, "Programme runs; enrolment has closed."
	}
}

// nextBoundary is how long until the programme's stage next changes, or zero after the end.
func nextBoundary(timeline planner.Timeline, now time.Time) time.Duration {
	for _, t := range []time.Time{timeline.Start, timeline.EnrolmentEnd, timeline.End} {
		if t.After(now) {
			return t.Sub(now)
		}
	}
	return 0
}

func isCompleted(conditions []metav1.Condition) bool {
	for _, c := range conditions {
		if c.Type == mentoringv1alpha1.ReadyCondition {
			return c.Reason == mentoringv1alpha1.ReasonCompleted
		}
	}
	return false
}

// setProgrammeCounts copies the plan's summary into the status.
func setProgrammeCounts(status *mentoringv1alpha1.ProgrammeStatus, plan *planner.Result) {
	s := plan.Summary
	status.Participants, status.Mentors, status.Mentees = s.Participants, s.Mentors, s.Mentees
	status.Pairings, status.Unmatched = s.Pairings, s.Unmatched
	status.MatchRatePercent, status.AverageScore, status.TopicCoveragePercent = s.MatchRatePercent, s.AverageScore, s.TopicCoveragePercent
	status.UnmatchedParticipants = nil
	for _, u := range plan.Unmatched {
		if len(status.UnmatchedParticipants) == maxListedUnmatched {
			break
		}
		status.UnmatchedParticipants = append(status.UnmatchedParticipants, mentoringv1alpha1.UnmatchedParticipant{Name: u.Name, Reason: u.Reason.Reason})
	}
}

// maxListedUnmatched bounds status.unmatchedParticipants.
const maxListedUnmatched = 50

func (r *ProgrammeReconciler) writeStatus(ctx context.Context, p *mentoringv1alpha1.Programme, status *mentoringv1alpha1.ProgrammeStatus) error {
	if equality.Semantic.DeepEqual(&p.Status, status) {
		return nil
	}
	desired := p.DeepCopy()
	desired.Status = *status
	return patchStatus(ctx, r.Client, p, desired, programmeManager, true)
}

// finalize deletes the programme's pairings, waits until their own finalizers have removed their
// calendar events, then lets the programme go.
func (r *ProgrammeReconciler) finalize(ctx context.Context, programme *mentoringv1alpha1.Programme) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(programme, programmeFinalizer) {
		return ctrl.Result{}, nil
	}
	_, pairings, err := programmeMembers(ctx, r, programme)
	if err != nil {
		return ctrl.Result{}, err
	}
	for i := range pairings {
		if pairings[i].DeletionTimestamp.IsZero() {
			if err := r.Delete(ctx, &pairings[i]); client.IgnoreNotFound(err) != nil {
				return ctrl.Result{}, err
			}
		}
	}
	if len(pairings) > 0 {
		// Pairing deletions trigger this reconcile again through the watch.
		return ctrl.Result{}, nil
	}
	patch := client.MergeFromWithOptions(programme.DeepCopy(), client.MergeFromWithOptimisticLock{})
	controllerutil.RemoveFinalizer(programme, programmeFinalizer)
	forgetProgrammeMetrics(programme)
	log.FromContext(ctx).Info("Removed the programme's pairings")
	return ctrl.Result{}, r.Patch(ctx, programme, patch)
}

// SetupWithManager watches Programmes, their Participants and their Pairings.
func (r *ProgrammeReconciler) SetupWithManager(mgr ctrl.Manager) error {
	// Bursts are timed by when events arrive, on the real clock, whatever clock the schedule uses.
	r.bursts = newBursts(time.Now)
	return ctrl.NewControllerManagedBy(mgr).
		For(&mentoringv1alpha1.Programme{}, builder.WithPredicates(changedByPeople)).
		Watches(&mentoringv1alpha1.Participant{}, r.toProgramme(), builder.WithPredicates(predicate.Or(changedByPeople, deliveriesChanged))).
		Watches(&mentoringv1alpha1.Pairing{}, r.toProgramme(), builder.WithPredicates(predicate.Or(changedByPeople, pairingEnded,
			pairingReconciled, deliveriesChanged, conditionChanged(mentoringv1alpha1.CalendarSyncedCondition)))).
		WatchesRawSource(wakeupSource(r.Wakeups)).
		WithOptions(r.Options).
		Named("programme").
		Complete(r)
}

// toProgramme records a change to a participant or pairing in its programme's burst and enqueues the
// programme once the burst may have settled; a request already waiting keeps its earlier time, and
// the pass itself waits for the rest of the burst.
func (r *ProgrammeReconciler) toProgramme() handler.EventHandler {
	enqueue := func(obj client.Object, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
		var programme string
		switch o := obj.(type) {
		case *mentoringv1alpha1.Participant:
			programme = o.Spec.ProgrammeRef.Name
		case *mentoringv1alpha1.Pairing:
			programme = o.Spec.ProgrammeRef.Name
		}
		key := client.ObjectKey{Namespace: obj.GetNamespace(), Name: programme}
		r.bursts.changed(key)
		q.AddAfter(reconcile.Request{NamespacedName: key}, quiet)
	}
	return handler.Funcs{
		CreateFunc: func(_ context.Context, e event.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			enqueue(e.Object, q)
		},
		UpdateFunc: func(_ context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			enqueue(e.ObjectNew, q)
		},
		DeleteFunc: func(_ context.Context, e event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			enqueue(e.Object, q)
		},
	}
}
