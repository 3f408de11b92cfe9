// Package participant is the Participant controller: it keeps a participant's calendar feed Secret and
// personal-link Secret and delivers the participant's events (participant.unmatched) to the
// programme's webhooks. It owns status.feedSecretRef, status.feedTokenHash, status.personalLink and
// status.notifications; the programme controller owns the rest of a Participant's status
// (eligibility, pairings, Matched, Ready).
package participant

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/feeds"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/notify"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/pages"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/secrets"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/status"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/watch"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// Reconciler keeps a participant's feed and link Secrets and delivers its events.
type Reconciler struct {
	client.Client
	Recorder events.EventRecorder
	Options  controller.Options
	Notifier *notify.Notifier
	// Wakeups are participants to reconcile at once: a webhook they wait for has recovered.
	Wakeups <-chan event.GenericEvent
	Feeds   feeds.Secrets
	Links   pages.Links
}

// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=participants,verbs=list;watch
// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=participants/status,verbs=patch
// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=participants/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;create;update;delete
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile keeps the feed and the personal link and delivers the events, and writes the fields it owns
// in one status patch.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
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
	owned := ownedStatus(participant)
	if err := r.keepFeed(ctx, programme, participant, owned); err != nil {
		return ctrl.Result{}, err
	}
	if err := r.keepLink(ctx, programme, participant, owned); err != nil {
		return ctrl.Result{}, err
	}
	if meta.IsStatusConditionFalse(participant.Status.Conditions, mentoringv1alpha1.MatchedCondition) && watch.MembersChanging(programme) {
		// The programme's members are changing: whether this participant stays unmatched is not settled.
		// The programme's next pass wakes it (watch.MembersSettled).
		return ctrl.Result{}, r.writeStatus(ctx, participant, owned)
	}
	ended, settled, err := r.endedPairings(ctx, participant)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("listing the participant's pairings: %w", err)
	}
	if !settled {
		return ctrl.Result{RequeueAfter: time.Second}, r.writeStatus(ctx, participant, owned)
	}
	notified, err := r.Notifier.Deliver(ctx, programme, participant, Events(participant, ended), owned.Notifications)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("delivering the participant's events: %w", err)
	}
	owned.Notifications = notified.Records
	for _, failure := range notified.Failures {
		r.Recorder.Eventf(participant, nil, corev1.EventTypeWarning, mentoringv1alpha1.ReasonDeliveryFailed, "Notify", failure)
	}
	return ctrl.Result{RequeueAfter: notified.RetryAfter}, r.writeStatus(ctx, participant, owned)
}

// ownedStatus is the part of a participant's status this controller owns: the feed, the personal
// link and the notifications.
func ownedStatus(p *mentoringv1alpha1.Participant) *mentoringv1alpha1.ParticipantStatus {
	return &mentoringv1alpha1.ParticipantStatus{
		FeedSecretRef: p.Status.FeedSecretRef,
		FeedTokenHash: p.Status.FeedTokenHash,
		PersonalLink:  p.Status.PersonalLink,
		Notifications: p.Status.Notifications,
	}
}

func (r *Reconciler) writeStatus(ctx context.Context, p *mentoringv1alpha1.Participant, owned *mentoringv1alpha1.ParticipantStatus) error {
	if equality.Semantic.DeepEqual(ownedStatus(p), owned) {
		return nil
	}
	log.FromContext(ctx).V(1).Info("Updated participant status")
	desired := p.DeepCopy()
	desired.Status.FeedSecretRef, desired.Status.FeedTokenHash, desired.Status.Notifications = owned.FeedSecretRef, owned.FeedTokenHash, owned.Notifications
	desired.Status.PersonalLink = owned.PersonalLink
	return status.Patch(ctx, r.Client, p, desired, status.ParticipantManager, true)
}

// keepFeed keeps the participant's feed Secret while the programme serves feeds, and removes it when
// it stops.
func (r *Reconciler) keepFeed(ctx context.Context, programme *mentoringv1alpha1.Programme, p *mentoringv1alpha1.Participant,
	owned *mentoringv1alpha1.ParticipantStatus) error {
	if !feeds.Enabled(programme) {
		if owned.FeedSecretRef != nil {
			if err := r.Feeds.Remove(ctx, r.Client, p); err != nil {
				return fmt.Errorf("removing the calendar feed Secret: %w", err)
			}
		}
		owned.FeedSecretRef, owned.FeedTokenHash = nil, ""
		return nil
	}
	var key []byte
	if ref := programme.Spec.Integrations.Calendar.FeedKeySecretRef; ref != nil {
		value, _, err := secrets.Key(ctx, r.Feeds.Reader, programme.Namespace, *ref, "key")
		if err != nil {
			return fmt.Errorf("reading the feed key: %w", err)
		}
		if len(value) < calendar.MinFeedKeyBytes {
			// The programme's IntegrationsReady says what is wrong; no link is made that would change.
			return nil
		}
		key = value
	}
	ref, hash, err := r.Feeds.Ensure(ctx, r.Client, p, key)
	if err != nil {
		return fmt.Errorf("keeping the calendar feed Secret: %w", err)
	}
	owned.FeedSecretRef, owned.FeedTokenHash = ref, hash
	return nil
}

// keepLink keeps the participant's personal-link Secret while the programme measures, and removes it
// when it stops.
func (r *Reconciler) keepLink(ctx context.Context, programme *mentoringv1alpha1.Programme, p *mentoringv1alpha1.Participant,
	owned *mentoringv1alpha1.ParticipantStatus) error {
	if !pages.Enabled(programme) {
		if owned.PersonalLink != nil {
			if err := r.Links.Remove(ctx, r.Client, p); err != nil {
				return fmt.Errorf("removing the personal-link Secret: %w", err)
			}
		}
		owned.PersonalLink = nil
		return nil
	}
	link, err := r.Links.Ensure(ctx, r.Client, p)
	if err != nil {
		return fmt.Errorf("keeping the personal-link Secret: %w", err)
	}
	owned.PersonalLink = link
	return nil
}

// Events are the participant's events: unmatched whenever the matcher leaves the participant without a
// pairing, once per reason and episode. An episode is named by the pairings of the participant that
// have ended (none at first), which a cluster rebuilt from the same manifests names the same way.
func Events(p *mentoringv1alpha1.Participant, ended []string) []webhook.Event {
	matched := meta.FindStatusCondition(p.Status.Conditions, mentoringv1alpha1.MatchedCondition)
	if matched == nil || matched.Status != metav1.ConditionFalse {
		return nil
	}
	obj := notify.Object(p, webhook.KindParticipant, p.Spec.ProgrammeRef.Name)
	data := webhook.ParticipantData{Programme: p.Spec.ProgrammeRef.Name, Participant: p.Name, Reason: matched.Reason}
	episode := matched.Reason + "/" + strings.Join(ended, ",")
	return []webhook.Event{webhook.NewEvent(obj, webhook.ParticipantUnmatched, episode, matched.LastTransitionTime.Time, data)}
}

// endedPairings names the participant's pairings in its programme that have ended, in name order. It
// reports false while the cache still shows an active pairing the matcher made for a participant the
// programme says is unmatched: the end of that pairing has not reached the cache yet, and the episode
// would be misnamed.
func (r *Reconciler) endedPairings(ctx context.Context, p *mentoringv1alpha1.Participant) ([]string, bool, error) {
	pairings, err := watch.PairingsOf(ctx, r, p.Namespace, p.Name)
	if err != nil {
		return nil, false, err
	}
	unmatched := meta.IsStatusConditionFalse(p.Status.Conditions, mentoringv1alpha1.MatchedCondition)
	var ended []string
	for _, pairing := range pairings {
		switch {
		case pairing.Spec.ProgrammeRef.Name != p.Spec.ProgrammeRef.Name:
		case pairing.Status.Ended != nil:
			ended = append(ended, pairing.Name)
		case unmatched && pairing.DeletionTimestamp.IsZero() && metav1.GetControllerOf(&pairing) != nil:
			return nil, false, nil
		}
	}
	slices.Sort(ended)
	return ended, true, nil
}

// unmatchedOf are the programme's participants that are not matched: once its members settle, each
// may have a participant.unmatched event to deliver.
func (r *Reconciler) unmatchedOf(ctx context.Context, programme client.Object) []reconcile.Request {
	var participants mentoringv1alpha1.ParticipantList
	if err := r.List(ctx, &participants, client.InNamespace(programme.GetNamespace()),
		client.MatchingFields{watch.ProgrammeIndex: programme.GetName()}, client.UnsafeDisableDeepCopy); err != nil {
		log.FromContext(ctx).Error(err, "Failed to list the programme's participants")
		return nil
	}
	var requests []reconcile.Request
	for i := range participants.Items {
		if meta.IsStatusConditionFalse(participants.Items[i].Status.Conditions, mentoringv1alpha1.MatchedCondition) {
			requests = append(requests, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&participants.Items[i])})
		}
	}
	return requests
}

// SetupWithManager watches Participants and their Programme: its spec, and its members settling.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&mentoringv1alpha1.Participant{}, builder.WithPredicates(predicate.Or(watch.ChangedByPeople, watch.ConditionChanged(mentoringv1alpha1.MatchedCondition)))).
		Watches(&mentoringv1alpha1.Programme{}, handler.EnqueueRequestsFromMapFunc(watch.Related(r.Client, &mentoringv1alpha1.ParticipantList{}, watch.ProgrammeIndex)),
			builder.WithPredicates(watch.ChangedByPeople)).
		Watches(&mentoringv1alpha1.Programme{}, handler.EnqueueRequestsFromMapFunc(r.unmatchedOf), builder.WithPredicates(watch.MembersSettled)).
		WatchesRawSource(notify.Source(r.Wakeups)).
		WithOptions(r.Options).
		Named("participant").
		Complete(r)
}
