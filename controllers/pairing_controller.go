package controllers

import (
	"context"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
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
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

// PairingReconciler resolves a pairing's mentor and mentee, reports its stage in Ready, and owns its
// external side effects.
type PairingReconciler struct {
	client.Client
	Recorder events.EventRecorder
	Clock    clock.PassiveClock
	Options  controller.Options
	Notifier *Notifier
	// Wakeups are objects to reconcile at once: a webhook they wait for has recovered.
	Wakeups   <-chan event.GenericEvent
	Calendars Calendars
}

// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=pairings,verbs=list;watch;patch
// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=pairings/status,verbs=patch

// pairingScope is what one pass over a pairing knows.
type pairingScope struct {
	pairing        *mentoringv1alpha1.Pairing
	programme      *mentoringv1alpha1.Programme
	timeline       planner.Timeline
	mentor, mentee *mentoringv1alpha1.Participant
	status         *mentoringv1alpha1.PairingStatus
	conditions     conditionSetter
	now            time.Time
}

// Reconcile runs the pairing's phases in order and writes its status once.
func (r *PairingReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	pairing := &mentoringv1alpha1.Pairing{}
	if err := r.Get(ctx, req.NamespacedName, pairing); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !pairing.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, r.finalize(ctx, pairing)
	}
	s := &pairingScope{pairing: pairing, status: pairingStatus(pairing), now: r.Clock.Now()}
	s.conditions = conditionsOf(&s.status.Conditions, pairing.Generation)

	result, err := r.reconcilePhases(ctx, s)
	if err == nil {
		// A pass that ended, stalled or not, has acted on this generation; a transient error has not.
		s.status.ObservedGeneration = pairing.Generation
	}
	if writeErr := r.writeStatus(ctx, pairing, s.status); writeErr != nil && err == nil {
		err = writeErr
	}
	return result, err
}

func (r *PairingReconciler) reconcilePhases(ctx context.Context, s *pairingScope) (ctrl.Result, error) {
	if done, err := r.resolve(ctx, s); done || err != nil {
		return ctrl.Result{}, err
	}
	if s.pairing.Status.Ended == nil {
		if err := r.assess(ctx, s); err != nil {
			return ctrl.Result{}, err
		}
	}
	stage, message := pairingStage(s)
	slot, stalled := r.schedule(s, stage)
	var synced calendarOutcome
	if !stalled {
		synced = r.syncCalendar(ctx, s, slot, stage)
	}
	notified, err := r.notify(ctx, s, stage)
	if err != nil {
		return ctrl.Result{}, err
	}
	switch pending := meta.FindStatusCondition(s.status.Conditions, mentoringv1alpha1.NotifiedCondition); {
	case stalled || synced.stalled:
		// The conditions say what a person must fix.
	case synced.err != nil:
		return ctrl.Result{}, synced.err
	case pending.Reason == mentoringv1alpha1.ReasonDeliveryPending:
		s.conditions.reconciling(pending.Reason, pending.Message)
	default:
		s.conditions.ready(stage, message)
	}
	return ctrl.Result{RequeueAfter: earliest(earliest(s.untilStart(stage), s.untilNextMeeting()), notified.retryAfter)}, nil
}

// assess scores the pair and checks its hard constraints exactly as a matching pass does, from the
// two participants, the people they are paired with and those pairings. A pairing written by a person
// that breaks a constraint is honoured, and ConstraintsMet says which constraint. A pairing the pass
// would end keeps its last score until the programme controller ends it.
func (r *PairingReconciler) assess(ctx context.Context, s *pairingScope) error {
	var pairings []mentoringv1alpha1.Pairing
	participants := []mentoringv1alpha1.Participant{*s.mentor, *s.mentee}
	seen := map[string]bool{s.mentor.Name: true, s.mentee.Name: true}
	for _, person := range []string{s.mentor.Name, s.mentee.Name} {
		theirs, err := pairingsOf(ctx, r, s.pairing.Namespace, person)
		if err != nil {
			return err
		}
		for _, p := range theirs {
			if p.Spec.ProgrammeRef.Name != s.programme.Name || slices.ContainsFunc(pairings, func(q mentoringv1alpha1.Pairing) bool { return q.Name == p.Name }) {
				continue
			}
			pairings = append(pairings, p)
			for _, partner := range []string{p.Spec.MentorRef.Name, p.Spec.MenteeRef.Name} {
				if seen[partner] {
					continue
				}
				seen[partner] = true
				other := &mentoringv1alpha1.Participant{}
				err := r.Get(ctx, types.NamespacedName{Namespace: p.Namespace, Name: partner}, other)
				if client.IgnoreNotFound(err) != nil {
					return err
				}
				if err == nil {
					participants = append(participants, *other)
				}
			}
		}
	}
	assessment, kept, err := planner.Assess(s.programme, s.pairing, participants, pairings, s.now)
	if err != nil || !kept {
		return err
	}
	s.status.Score, s.status.ScoreBreakdown = ptr.To(assessment.Score), assessment.Breakdown
	if assessment.Violation != "" {
		s.conditions.set(mentoringv1alpha1.ConstraintsMetCondition, metav1.ConditionFalse, mentoringv1alpha1.ReasonConstraintViolated,
			fmt.Sprintf("Pairing written by a person breaks a hard constraint and is honoured anyway: %s.", assessment.Violation))
	} else {
		s.conditions.set(mentoringv1alpha1.ConstraintsMetCondition, metav1.ConditionTrue, mentoringv1alpha1.ReasonConstraintsMet, "Pair satisfies every hard constraint.")
	}
	return nil
}

// schedule keeps the pair's standing meeting in status.meeting once the pairing is approved and
// returns its slot. An ended pairing keeps its last meeting without a next one. It stalls when no slot
// fits both people.
func (r *PairingReconciler) schedule(s *pairingScope, stage string) (*calendar.Slot, bool) {
	switch stage {
	case mentoringv1alpha1.ReasonAwaitingApproval:
		s.status.Meeting = nil
		return nil, false
	case mentoringv1alpha1.ReasonEnded, mentoringv1alpha1.ReasonCompleted:
		if m := s.status.Meeting; m != nil {
			s.status.Meeting = &mentoringv1alpha1.MeetingStatus{Weekday: m.Weekday, Start: m.Start, TimeZone: m.TimeZone,
				DurationMinutes: m.DurationMinutes, RecurrenceRule: m.RecurrenceRule}
		}
		return nil, false
	}
	slot, err := s.slot()
	if err != nil {
		message := fmt.Sprintf("No weekly %d-minute slot fits the availability of both %s and %s for every meeting of the programme: widen spec.availability of one of them.",
			planner.MeetingMinutes(s.programme), s.mentor.Name, s.mentee.Name)
		s.status.Meeting = nil
		s.conditions.set(mentoringv1alpha1.CalendarSyncedCondition, metav1.ConditionFalse, mentoringv1alpha1.ReasonNoCommonSlot, message)
		r.stall(s, mentoringv1alpha1.ReasonNoCommonSlot, message)
		return nil, true
	}
	s.status.Meeting = s.meetingStatus(slot)
	return &slot, false
}

// untilStart is how long a proposed pairing waits for the programme to start.
func (s *pairingScope) untilStart(stage string) time.Duration {
	if stage != mentoringv1alpha1.ReasonProposed {
		return 0
	}
	return s.timeline.Start.Sub(s.now)
}

// untilNextMeeting is how long until the next meeting, after which status shows the one after.
func (s *pairingScope) untilNextMeeting() time.Duration {
	if m := s.status.Meeting; m != nil && m.NextMeeting != nil {
		return m.NextMeeting.Sub(s.now) + time.Second
	}
	return 0
}

// notify delivers the pairing's events and sets its Notified condition.
func (r *PairingReconciler) notify(ctx context.Context, s *pairingScope, stage string) (notification, error) {
	// The events see the status this pass computed: a meeting scheduled now is announced now.
	view := s.pairing.DeepCopy()
	view.Status = *s.status
	view.Status.Ended = s.pairing.Status.Ended
	out, err := r.Notifier.Deliver(ctx, s.programme, pairingEvents(view, stage, s.timeline), s.status.Notifications)
	if err != nil {
		return out, err
	}
	s.status.Notifications = out.records
	for _, failure := range out.failures {
		r.Recorder.Eventf(s.pairing, nil, corev1.EventTypeWarning, mentoringv1alpha1.ReasonDeliveryFailed, "Notify", failure)
	}
	status, reason, message := notifiedCondition(s.programme, out.records)
	s.conditions.set(mentoringv1alpha1.NotifiedCondition, status, reason, message)
	return out, nil
}

// resolve finds the programme and both participants. It returns done when the pairing cannot go further
// this pass; its conditions then say why.
func (r *PairingReconciler) resolve(ctx context.Context, s *pairingScope) (bool, error) {
	p := s.pairing
	s.programme = &mentoringv1alpha1.Programme{}
	err := r.Get(ctx, types.NamespacedName{Namespace: p.Namespace, Name: p.Spec.ProgrammeRef.Name}, s.programme)
	if apierrors.IsNotFound(err) {
		r.stall(s, mentoringv1alpha1.ReasonProgrammeNotFound, fmt.Sprintf(
			"Programme %q does not exist in namespace %s: create it or fix spec.programmeRef.", p.Spec.ProgrammeRef.Name, p.Namespace))
		return true, nil
	}
	if err != nil {
		return true, err
	}
	if s.timeline, err = planner.TimelineOf(s.programme); err != nil {
		r.stall(s, mentoringv1alpha1.ReasonInvalidSpec, "Programme "+s.programme.Name+" has an invalid schedule: "+err.Error())
		return true, nil
	}
	if p.Status.Ended != nil {
		return false, nil
	}
	for _, ref := range []struct {
		name string
		role mentoringv1alpha1.Role
		into **mentoringv1alpha1.Participant
	}{{p.Spec.MentorRef.Name, mentoringv1alpha1.RoleMentor, &s.mentor}, {p.Spec.MenteeRef.Name, mentoringv1alpha1.RoleMentee, &s.mentee}} {
		participant := &mentoringv1alpha1.Participant{}
		err := r.Get(ctx, types.NamespacedName{Namespace: p.Namespace, Name: ref.name}, participant)
		switch {
		case apierrors.IsNotFound(err) && metav1.GetControllerOf(p) != nil:
			// The participant left; the programme controller ends this pairing.
			s.conditions.reconciling(mentoringv1alpha1.ReasonParticipantNotFound, fmt.Sprintf(
				"Participant %q left; the programme controller is ending this pairing.", ref.name))
			return true, nil
		case apierrors.IsNotFound(err):
			r.stall(s, mentoringv1alpha1.ReasonParticipantNotFound, fmt.Sprintf(
				"Participant %q does not exist in namespace %s: create it or fix the pairing's references.", ref.name, p.Namespace))
			return true, nil
		case err != nil:
			return true, err
		}
		if participant.Spec.Role != ref.role || participant.Spec.ProgrammeRef.Name != p.Spec.ProgrammeRef.Name {
			r.stall(s, mentoringv1alpha1.ReasonWrongRole, fmt.Sprintf(
				"Participant %q is not a %s of programme %s: fix the pairing's references.", ref.name, ref.role, p.Spec.ProgrammeRef.Name))
			return true, nil
		}
		*ref.into = participant
	}
	return false, nil
}

func (r *PairingReconciler) stall(s *pairingScope, reason, message string) {
	warnOnce(r.Recorder, s.pairing, s.pairing.Status.Conditions, reason, message)
	s.conditions.stalled(reason, message)
}

// pairingStage is the pairing's stage, the reason of its Ready condition.
func pairingStage(s *pairingScope) (string, string) {
	switch {
	case s.pairing.Status.Ended != nil && s.pairing.Status.Ended.Reason == mentoringv1alpha1.EndProgrammeCompleted:
		return mentoringv1alpha1.ReasonCompleted, "Pairing completed with the programme."
	case s.pairing.Status.Ended != nil:
		return mentoringv1alpha1.ReasonEnded, fmt.Sprintf("Pairing ended (%s).", s.pairing.Status.Ended.Reason)
	case !approved(s.programme, s.pairing):
		return mentoringv1alpha1.ReasonAwaitingApproval, "Pairing waits for a person to set spec.approved to true."
	case !s.timeline.Started(s.now):
		return mentoringv1alpha1.ReasonProposed, fmt.Sprintf("Pairing starts with the programme on %s.", s.programme.Spec.Schedule.Start)
	default:
		return mentoringv1alpha1.ReasonActive, "Pairing is active."
	}
}

// approved reports whether the pairing may start: always under Automatic approval, once a person set
// spec.approved under Manual approval.
func approved(programme *mentoringv1alpha1.Programme, pairing *mentoringv1alpha1.Pairing) bool {
	return programme.Spec.Matching.Approval != mentoringv1alpha1.ApprovalManual || pairing.Spec.Approved
}

// pairingStatus starts from the fields this controller owns: all but the programme controller's end.
func pairingStatus(p *mentoringv1alpha1.Pairing) *mentoringv1alpha1.PairingStatus {
	owned := p.Status.DeepCopy()
	owned.Ended = nil
	return owned
}

func (r *PairingReconciler) writeStatus(ctx context.Context, p *mentoringv1alpha1.Pairing, status *mentoringv1alpha1.PairingStatus) error {
	if equality.Semantic.DeepEqual(pairingStatus(p), status) {
		return nil
	}
	log.FromContext(ctx).V(1).Info("Updated pairing status")
	desired := p.DeepCopy()
	desired.Status = *status
	desired.Status.Ended = p.Status.Ended
	return patchStatus(ctx, r.Client, p, desired, pairingManager, true)
}

// SetupWithManager watches Pairings, their Programme and their Participants.
func (r *PairingReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&mentoringv1alpha1.Pairing{}, builder.WithPredicates(predicate.Or(changedByPeople, pairingEnded))).
		Watches(&mentoringv1alpha1.Programme{}, handler.EnqueueRequestsFromMapFunc(r.programmePairings), builder.WithPredicates(changedByPeople)).
		Watches(&mentoringv1alpha1.Participant{}, handler.EnqueueRequestsFromMapFunc(r.participantPairings), builder.WithPredicates(changedByPeople)).
		WatchesRawSource(wakeupSource(r.Wakeups)).
		WithOptions(r.Options).
		Named("pairing").
		Complete(r)
}

func (r *PairingReconciler) programmePairings(ctx context.Context, obj client.Object) []reconcile.Request {
	return r.pairingRequests(ctx, obj.GetNamespace(), client.MatchingFields{programmeIndex: obj.GetName()})
}

func (r *PairingReconciler) participantPairings(ctx context.Context, obj client.Object) []reconcile.Request {
	return r.pairingRequests(ctx, obj.GetNamespace(), client.MatchingFields{participantIndex: obj.GetName()})
}

func (r *PairingReconciler) pairingRequests(ctx context.Context, namespace string, fields client.MatchingFields) []reconcile.Request {
	var pairings mentoringv1alpha1.PairingList
	if err := r.List(ctx, &pairings, client.InNamespace(namespace), fields); err != nil {
		log.FromContext(ctx).Error(err, "Failed to list pairings")
		return nil
	}
	requests := make([]reconcile.Request, 0, len(pairings.Items))
	for _, p := range pairings.Items {
		requests = append(requests, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&p)})
	}
	return requests
}
