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
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

// ParticipantReconciler reports whether a participant can be matched (Eligible), whether the operator
// can act on it (Ready), and which pairings it has. Being unpaired is normal: it keeps Ready true, and
// the programme controller explains it in the Matched condition.
type ParticipantReconciler struct {
	client.Client
	Recorder events.EventRecorder
	Clock    clock.PassiveClock
	Options  controller.Options
	Notifier *Notifier
	Feeds    Feeds
}

// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=participants,verbs=get;list;watch
// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=participants/status,verbs=get;patch;update
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile computes the participant's conditions and pairings and writes them in one status apply.
func (r *ParticipantReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	participant := &mentoringv1alpha1.Participant{}
	if err := r.Get(ctx, req.NamespacedName, participant); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !participant.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}

	status := participantStatus(participant)
	conditions := conditionsOf(&status.Conditions, participant.Generation)

	programme := &mentoringv1alpha1.Programme{}
	key := types.NamespacedName{Namespace: participant.Namespace, Name: participant.Spec.ProgrammeRef.Name}
	err := r.Get(ctx, key, programme)
	switch {
	case apierrors.IsNotFound(err):
		message := fmt.Sprintf("Programme %q does not exist in namespace %s: create it or fix spec.programmeRef.", key.Name, key.Namespace)
		conditions.set(mentoringv1alpha1.EligibleCondition, metav1.ConditionFalse, mentoringv1alpha1.ReasonProgrammeNotFound, message)
		conditions.stalled(mentoringv1alpha1.ReasonProgrammeNotFound, message)
		warnOnce(r.Recorder, participant, participant.Status.Conditions, mentoringv1alpha1.ReasonProgrammeNotFound, message)
		status.ObservedGeneration = participant.Generation
		return ctrl.Result{}, r.writeStatus(ctx, participant, status)
	case err != nil:
		return ctrl.Result{}, err
	}

	pairings, err := pairingsOf(ctx, r, participant.Namespace, participant.Name)
	if err != nil {
		return ctrl.Result{}, err
	}
	status.Pairings, status.ActivePairings = activePairingNames(pairings, programme.Name)
	if err := r.feedStatus(ctx, programme, participant, status); err != nil {
		return ctrl.Result{}, err
	}

	now := r.Clock.Now()
	eligibility := planner.Eligibility(programme, participant, len(pairings) > 0, now)
	eligible := metav1.ConditionFalse
	if eligibility.Eligible {
		eligible = metav1.ConditionTrue
	}
	conditions.set(mentoringv1alpha1.EligibleCondition, eligible, eligibility.Reason, eligibility.Message)
	if eligibility.NeedsFix {
		conditions.stalled(eligibility.Reason, eligibility.Message)
		warnOnce(r.Recorder, participant, participant.Status.Conditions, eligibility.Reason, eligibility.Message)
	} else {
		conditions.ready(mentoringv1alpha1.ReasonSucceeded, "Participant is enrolled.")
	}
	notified, err := r.Notifier.Deliver(ctx, programme, participantEvents(participant), status.Notifications)
	if err != nil {
		return ctrl.Result{}, err
	}
	status.Notifications = notified.records
	for _, failure := range notified.failures {
		r.Recorder.Eventf(participant, nil, corev1.EventTypeWarning, mentoringv1alpha1.ReasonDeliveryFailed, "Notify", failure)
	}
	status.ObservedGeneration = participant.Generation
	return ctrl.Result{RequeueAfter: earliest(notified.retryAfter, untilEnrolmentCloses(programme, now))}, r.writeStatus(ctx, participant, status)
}

// untilEnrolmentCloses is how long until the participant's eligibility may change with the calendar;
// zero once enrolment has closed or when the schedule is invalid.
func untilEnrolmentCloses(programme *mentoringv1alpha1.Programme, now time.Time) time.Duration {
	timeline, err := planner.TimelineOf(programme)
	if err != nil || !timeline.Enrolling(now) {
		return 0
	}
	return timeline.EnrolmentEnd.Sub(now)
}

// participantStatus starts from the fields this controller owns, so that the apply leaves the
// programme controller's Matched condition alone.
func participantStatus(p *mentoringv1alpha1.Participant) *mentoringv1alpha1.ParticipantStatus {
	owned := &mentoringv1alpha1.ParticipantStatus{
		ObservedGeneration: p.Status.ObservedGeneration,
		Pairings:           p.Status.Pairings,
		ActivePairings:     p.Status.ActivePairings,
		FeedSecretRef:      p.Status.FeedSecretRef,
		FeedTokenHash:      p.Status.FeedTokenHash,
		Notifications:      p.Status.Notifications,
	}
	for _, c := range p.Status.Conditions {
		if c.Type != mentoringv1alpha1.MatchedCondition {
			owned.Conditions = append(owned.Conditions, c)
		}
	}
	return owned
}

func (r *ParticipantReconciler) writeStatus(ctx context.Context, p *mentoringv1alpha1.Participant, status *mentoringv1alpha1.ParticipantStatus) error {
	if equality.Semantic.DeepEqual(participantStatus(p), status) {
		return nil
	}
	log.FromContext(ctx).V(1).Info("Updated participant status")
	return applyStatus(ctx, r.Client, &mentoringv1alpha1.Participant{
		ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace, ResourceVersion: p.ResourceVersion},
		Status:     *status,
	}, participantManager)
}

// activePairingNames returns the sorted names of the programme's active pairings among pairings.
func activePairingNames(pairings []mentoringv1alpha1.Pairing, programme string) ([]string, int32) {
	var names []string
	for _, p := range pairings {
		if p.Spec.ProgrammeRef.Name == programme && p.Status.Ended == nil {
			names = append(names, p.Name)
		}
	}
	slices.Sort(names)
	return names, int32(len(names))
}

// SetupWithManager watches Participants, their Programme and their Pairings.
func (r *ParticipantReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&mentoringv1alpha1.Participant{}, builder.WithPredicates(predicate.Or(changedByPeople, conditionChanged(mentoringv1alpha1.MatchedCondition)))).
		Watches(&mentoringv1alpha1.Programme{}, handler.EnqueueRequestsFromMapFunc(r.programmeParticipants), builder.WithPredicates(changedByPeople)).
		Watches(&mentoringv1alpha1.Pairing{}, handler.EnqueueRequestsFromMapFunc(pairingParticipants), builder.WithPredicates(predicate.Or(changedByPeople, pairingEnded))).
		WithOptions(r.Options).
		Named("participant").
		Complete(r)
}

// programmeParticipants maps a Programme to its Participants.
func (r *ParticipantReconciler) programmeParticipants(ctx context.Context, obj client.Object) []reconcile.Request {
	var participants mentoringv1alpha1.ParticipantList
	if err := r.List(ctx, &participants, client.InNamespace(obj.GetNamespace()), client.MatchingFields{programmeIndex: obj.GetName()}); err != nil {
		log.FromContext(ctx).Error(err, "Failed to list the programme's participants")
		return nil
	}
	requests := make([]reconcile.Request, 0, len(participants.Items))
	for _, p := range participants.Items {
		requests = append(requests, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&p)})
	}
	return requests
}

// pairingParticipants maps a Pairing to its mentor and mentee.
func pairingParticipants(_ context.Context, obj client.Object) []reconcile.Request {
	p := obj.(*mentoringv1alpha1.Pairing)
	return []reconcile.Request{
		{NamespacedName: types.NamespacedName{Namespace: p.Namespace, Name: p.Spec.MentorRef.Name}},
		{NamespacedName: types.NamespacedName{Namespace: p.Namespace, Name: p.Spec.MenteeRef.Name}},
	}
}
