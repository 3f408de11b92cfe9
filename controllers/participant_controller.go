package controllers

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// ParticipantReconciler keeps a participant's calendar feed Secret and delivers the participant's
// events (participant.unmatched) to the programme's webhooks. The programme controller writes the rest
// of the participant's status in its matching pass: eligibility, pairings, Matched and Ready.
type ParticipantReconciler struct {
	client.Client
	Recorder events.EventRecorder
	Options  controller.Options
	Notifier *Notifier
	// Wakeups are objects to reconcile at once: a webhook they wait for has recovered.
	Wakeups <-chan event.GenericEvent
	Feeds   Feeds
}

// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=participants,verbs=list;watch
// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=participants/status,verbs=patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile keeps the feed and delivers the events, and writes what changed in one status apply.
func (r *ParticipantReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	participant := &mentoringv1alpha1.Participant{}
	if err := r.Get(ctx, req.NamespacedName, participant); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	programme := &mentoringv1alpha1.Programme{}
	err := r.Get(ctx, client.ObjectKey{Namespace: participant.Namespace, Name: participant.Spec.ProgrammeRef.Name}, programme)
	if !participant.DeletionTimestamp.IsZero() || err != nil {
		// Without a programme there is no feed or webhook; the programme controller reports it missing.
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	status := participantStatus(participant)
	if err := r.feedStatus(ctx, programme, participant, status); err != nil {
		return ctrl.Result{}, err
	}
	notified, err := r.Notifier.Deliver(ctx, programme, participantEvents(participant), status.Notifications)
	if err != nil {
		return ctrl.Result{}, err
	}
	status.Notifications = notified.records
	for _, failure := range notified.failures {
		r.Recorder.Eventf(participant, nil, corev1.EventTypeWarning, mentoringv1alpha1.ReasonDeliveryFailed, "Notify", failure)
	}
	return ctrl.Result{RequeueAfter: notified.retryAfter}, r.writeStatus(ctx, participant, status)
}

// participantStatus is the part of a participant's status this controller owns: the feed and the
// notifications.
func participantStatus(p *mentoringv1alpha1.Participant) *mentoringv1alpha1.ParticipantStatus {
	return &mentoringv1alpha1.ParticipantStatus{
		FeedSecretRef: p.Status.FeedSecretRef,
		FeedTokenHash: p.Status.FeedTokenHash,
		Notifications: p.Status.Notifications,
	}
}

func (r *ParticipantReconciler) writeStatus(ctx context.Context, p *mentoringv1alpha1.Participant, status *mentoringv1alpha1.ParticipantStatus) error {
	if equality.Semantic.DeepEqual(participantStatus(p), status) {
		return nil
	}
	log.FromContext(ctx).V(1).Info("Updated participant status")
	desired := p.DeepCopy()
	desired.Status.FeedSecretRef, desired.Status.FeedTokenHash, desired.Status.Notifications = status.FeedSecretRef, status.FeedTokenHash, status.Notifications
	return patchStatus(ctx, r.Client, p, desired, participantManager, true)
}

// SetupWithManager watches Participants and their Programme.
func (r *ParticipantReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&mentoringv1alpha1.Participant{}, builder.WithPredicates(predicate.Or(changedByPeople, conditionChanged(mentoringv1alpha1.MatchedCondition)))).
		Watches(&mentoringv1alpha1.Programme{}, handler.EnqueueRequestsFromMapFunc(r.programmeParticipants), builder.WithPredicates(changedByPeople)).
		WatchesRawSource(wakeupSource(r.Wakeups)).
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
