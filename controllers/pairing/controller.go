// Package pairing is the Pairing controller: it resolves a pairing's mentor and mentee, scores the
// pair, schedules its standing meeting, keeps the meeting series in the programme's calendar, delivers
// the pairing's events, judges its health from its check-ins, and reports its stage in Ready. It owns
// every field of a Pairing's status but status.ended, which the programme controller's matching pass
// writes, and status.checkIns, which the page server writes.
package pairing

import (
	"context"
	"fmt"
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

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/mail"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/meetings"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/notify"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/secrets"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/status"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/timing"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/watch"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// Reconciler reconciles Pairings.
type Reconciler struct {
	client.Client
	Recorder events.EventRecorder
	Clock    clock.PassiveClock
	Options  controller.Options
	Notifier *notify.Notifier
	// Wakeups are pairings to reconcile at once: a webhook they wait for has recovered.
	Wakeups   <-chan event.GenericEvent
	Calendars meetings.Calendars
	// Secrets reads the participants' attributes Secrets directly from the API server.
	Secrets client.Reader
	Mail    *mail.Mailer
}

// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=pairings,verbs=list;watch;patch
// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=pairings/status,verbs=patch
// +kubebuilder:rbac:groups="",resources=configmaps,verbs=get;list;watch

// pass is what one pass over a pairing knows and decides.
type pass struct {
	meetings.Pair
	status     *mentoringv1alpha1.PairingStatus
	conditions status.Conditions
	now        time.Time
	// ending is set when the programme's matching pass will end this pairing: it no longer fits the
	// programme's rules.
	ending string
	// written runs once the status is written: a pass whose write conflicts runs again, and would
	// repeat what it reports.
	written []func()
}

// Reconcile runs the pairing's phases in order and writes its status once.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	pairing := &mentoringv1alpha1.Pairing{}
	if err := r.Get(ctx, req.NamespacedName, pairing); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !pairing.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, r.finalize(ctx, pairing)
	}
	p := &pass{Pair: meetings.Pair{Pairing: pairing}, status: ownedStatus(pairing), now: r.Clock.Now()}
	p.conditions = status.NewConditions(&p.status.Conditions, pairing.Generation)

	result, err := r.reconcile(ctx, p)
	if err == nil {
		// A pass that ended, stalled or not, has acted on this generation; a transient error has not.
		p.status.ObservedGeneration = pairing.Generation
	}
	switch writeErr := r.writeStatus(ctx, pairing, p.status); {
	case writeErr != nil && err == nil:
		err = writeErr
	case writeErr == nil:
		for _, f := range p.written {
			f()
		}
	}
	if err != nil {
		// An error requeues with backoff; controller-runtime ignores a RequeueAfter beside it.
		return ctrl.Result{}, err
	}
	return result, nil
}

func (r *Reconciler) reconcile(ctx context.Context, p *pass) (ctrl.Result, error) {
	if done, err := r.resolve(ctx, p); done || err != nil {
		return ctrl.Result{}, err
	}
	if p.Pairing.Status.Ended == nil {
		if err := r.assess(ctx, p); err != nil {
			return ctrl.Result{}, fmt.Errorf("scoring the pair: %w", err)
		}
	}
	stage, message := stageOf(p)
	slot, stalled := r.schedule(p, stage)
	var synced calendarOutcome
	if !stalled {
		synced = r.syncCalendar(ctx, p, slot, stage)
	}
	checkIns := r.checkIns(p)
	mailed, err := r.sendEmail(ctx, p, slot, stage)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("sending the pairing's email: %w", err)
	}
	notified, err := r.notify(ctx, p, stage, checkIns.events)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("delivering the pairing's events: %w", err)
	}
	switch pending := meta.FindStatusCondition(p.status.Conditions, mentoringv1alpha1.NotifiedCondition); {
	case stalled || synced.stalled || mailed.stalled:
		// The conditions say what a person must fix.
	case synced.err != nil:
		return ctrl.Result{}, fmt.Errorf("writing the meeting series: %w", synced.err)
	case p.ending != "":
		p.conditions.Reconciling(mentoringv1alpha1.ReasonEnding, p.ending)
	case pending.Reason == mentoringv1alpha1.ReasonDeliveryPending:
		p.conditions.Reconciling(pending.Reason, pending.Message)
	case mailed.pending != "":
		p.conditions.Reconciling(mentoringv1alpha1.ReasonDeliveryPending, mailed.pending)
	default:
		p.conditions.Ready(stage, message)
	}
	requeue := timing.Sooner(timing.Sooner(p.untilStart(stage), p.untilNextMeeting()), notified.RetryAfter)
	return ctrl.Result{RequeueAfter: timing.Sooner(timing.Sooner(requeue, checkIns.requeue), mailed.retryAfter)}, nil
}

// resolve finds the programme and both participants. It returns done when the pairing cannot go further
// this pass; its conditions then say why.
func (r *Reconciler) resolve(ctx context.Context, p *pass) (bool, error) {
	pairing := p.Pairing
	p.Programme = &mentoringv1alpha1.Programme{}
	err := r.Get(ctx, types.NamespacedName{Namespace: pairing.Namespace, Name: pairing.Spec.ProgrammeRef.Name}, p.Programme)
	if apierrors.IsNotFound(err) {
		r.stall(p, mentoringv1alpha1.ReasonProgrammeNotFound, fmt.Sprintf(
			"Programme %q does not exist in namespace %s: create it or fix spec.programmeRef.", pairing.Spec.ProgrammeRef.Name, pairing.Namespace))
		return true, nil
	}
	if err != nil {
		return true, err
	}
	if p.Timeline, err = planner.TimelineOf(p.Programme); err != nil {
		r.stall(p, mentoringv1alpha1.ReasonInvalidSpec, "Programme "+p.Programme.Name+" has an invalid schedule: "+err.Error())
		return true, nil
	}
	if pairing.Status.Ended != nil {
		return false, nil
	}
	for _, ref := range []struct {
		name string
		role mentoringv1alpha1.Role
		into **mentoringv1alpha1.Participant
	}{{pairing.Spec.MentorRef.Name, mentoringv1alpha1.RoleMentor, &p.Mentor}, {pairing.Spec.MenteeRef.Name, mentoringv1alpha1.RoleMentee, &p.Mentee}} {
		participant := &mentoringv1alpha1.Participant{}
		err := r.Get(ctx, types.NamespacedName{Namespace: pairing.Namespace, Name: ref.name}, participant)
		switch {
		case apierrors.IsNotFound(err) && metav1.GetControllerOf(pairing) != nil:
			// The participant left; the programme controller ends this pairing.
			p.conditions.Reconciling(mentoringv1alpha1.ReasonParticipantNotFound, fmt.Sprintf(
				"Participant %q left; the programme controller is ending this pairing.", ref.name))
			return true, nil
		case apierrors.IsNotFound(err):
			r.stall(p, mentoringv1alpha1.ReasonParticipantNotFound, fmt.Sprintf(
				"Participant %q does not exist in namespace %s: create it or fix the pairing's references.", ref.name, pairing.Namespace))
			return true, nil
		case err != nil:
			return true, err
		}
		if participant.Spec.Role != ref.role || participant.Spec.ProgrammeRef.Name != pairing.Spec.ProgrammeRef.Name {
			r.stall(p, mentoringv1alpha1.ReasonWrongRole, fmt.Sprintf(
				"Participant %q is not a %s of programme %s: fix the pairing's references.", ref.name, ref.role, pairing.Spec.ProgrammeRef.Name))
			return true, nil
		}
		*ref.into = participant
	}
	return false, nil
}

// assess scores the pair and checks its hard constraints exactly as a matching pass does, from the two
// participants, the people they are paired with and those pairings: the same function of the same
// objects as the matching pass, so the two always agree. A pairing written by a person that breaks a
// constraint is honoured, and ConstraintsMet says which constraint. A pairing the matcher made that no
// longer fits is being ended by the programme controller: it keeps its last score meanwhile.
func (r *Reconciler) assess(ctx context.Context, p *pass) error {
	participants := []mentoringv1alpha1.Participant{*p.Mentor, *p.Mentee}
	var pairings []mentoringv1alpha1.Pairing
	seen := map[string]bool{p.Mentor.Name: true, p.Mentee.Name: true}
	known := map[string]bool{}
	for _, person := range []string{p.Mentor.Name, p.Mentee.Name} {
		theirs, err := watch.PairingsOf(ctx, r, p.Pairing.Namespace, person)
		if err != nil {
			return err
		}
		for _, other := range theirs {
			if other.Spec.ProgrammeRef.Name != p.Programme.Name || known[other.Name] {
				continue
			}
			known[other.Name] = true
			pairings = append(pairings, other)
			for _, partner := range []string{other.Spec.MentorRef.Name, other.Spec.MenteeRef.Name} {
				if seen[partner] {
					continue
				}
				seen[partner] = true
				participant := &mentoringv1alpha1.Participant{}
				err := r.Get(ctx, types.NamespacedName{Namespace: other.Namespace, Name: partner}, participant)
				if client.IgnoreNotFound(err) != nil {
					return err
				}
				if err == nil {
					participants = append(participants, *participant)
				}
			}
		}
	}
	participants, _, err := secrets.Attributes(ctx, r.Secrets, p.Pairing.Namespace, participants)
	if err != nil {
		return err
	}
	assessment, kept, err := planner.Assess(p.Programme, p.Pairing, participants, pairings, p.now)
	if err != nil {
		return err
	}
	if !kept {
		p.ending = "Pairing no longer fits the programme's rules (a participant paused or changed); the programme controller is ending it."
		return nil
	}
	p.status.Score, p.status.ScoreBreakdown = ptr.To(assessment.Score), assessment.Breakdown
	if assessment.Violation != "" {
		p.conditions.Set(mentoringv1alpha1.ConstraintsMetCondition, metav1.ConditionFalse, mentoringv1alpha1.ReasonConstraintViolated,
			fmt.Sprintf("Pairing written by a person breaks a hard constraint and is honoured anyway: %s.", assessment.Violation))
	} else {
		p.conditions.Set(mentoringv1alpha1.ConstraintsMetCondition, metav1.ConditionTrue, mentoringv1alpha1.ReasonConstraintsMet, "Pair satisfies every hard constraint.")
	}
	return nil
}

// schedule keeps the pair's standing meeting in status.meeting once the pairing is approved and
// returns its slot. An ended pairing keeps its last meeting without a next one. It stalls when no slot
// fits both people.
func (r *Reconciler) schedule(p *pass, stage string) (*calendar.Slot, bool) {
	switch stage {
	case mentoringv1alpha1.ReasonAwaitingApproval:
		p.status.Meeting = nil
		return nil, false
	case mentoringv1alpha1.ReasonEnded, mentoringv1alpha1.ReasonCompleted:
		if m := p.status.Meeting; m != nil {
			p.status.Meeting = &mentoringv1alpha1.MeetingStatus{Weekday: m.Weekday, Start: m.Start, TimeZone: m.TimeZone,
				DurationMinutes: m.DurationMinutes, RecurrenceRule: m.RecurrenceRule}
		}
		return nil, false
	}
	slot, err := p.Slot()
	if err != nil {
		message := fmt.Sprintf("No weekly %d-minute slot fits the availability of both %s and %s for every meeting of the programme: widen spec.availability of one of them.",
			planner.MeetingMinutes(p.Programme), p.Mentor.Name, p.Mentee.Name)
		p.status.Meeting = nil
		p.conditions.Set(mentoringv1alpha1.CalendarSyncedCondition, metav1.ConditionFalse, mentoringv1alpha1.ReasonNoCommonSlot, message)
		r.stall(p, mentoringv1alpha1.ReasonNoCommonSlot, message)
		return nil, true
	}
	p.status.Meeting = p.Status(slot, p.now)
	return &slot, false
}

// untilStart is how long a proposed pairing waits for the programme to start.
func (p *pass) untilStart(stage string) time.Duration {
	if stage != mentoringv1alpha1.ReasonProposed {
		return 0
	}
	return p.Timeline.Start.Sub(p.now)
}

// untilNextMeeting is how long until the next meeting, after which status shows the one after.
func (p *pass) untilNextMeeting() time.Duration {
	if m := p.status.Meeting; m != nil && m.NextMeeting != nil {
		return m.NextMeeting.Sub(p.now) + time.Second
	}
	return 0
}

// notify delivers the pairing's events, and the others given, and sets its Notified condition.
func (r *Reconciler) notify(ctx context.Context, p *pass, stage string, others []webhook.Event) (notify.Outcome, error) {
	// The events see the status this pass computed: a meeting scheduled now is announced now.
	events := append(Events(p.current(), stage, p.Timeline), others...)
	out, err := r.Notifier.Deliver(ctx, p.Programme, p.Pairing, events, p.status.Notifications)
	if err != nil {
		return out, err
	}
	p.status.Notifications = out.Records
	for _, failure := range out.Failures {
		r.Recorder.Eventf(p.Pairing, nil, corev1.EventTypeWarning, mentoringv1alpha1.ReasonDeliveryFailed, "Notify", failure)
	}
	condition, reason, message := notify.Condition(p.Programme, out.Records)
	p.conditions.Set(mentoringv1alpha1.NotifiedCondition, condition, reason, message)
	return out, nil
}

func (r *Reconciler) stall(p *pass, reason, message string) {
	status.WarnOnce(r.Recorder, p.Pairing, p.Pairing.Status.Conditions, reason, message)
	p.conditions.Stalled(reason, message)
}

// stageOf is the pairing's stage, the reason of its Ready condition.
func stageOf(p *pass) (string, string) {
	switch ended := p.Pairing.Status.Ended; {
	case ended != nil && ended.Reason == mentoringv1alpha1.EndProgrammeCompleted:
		return mentoringv1alpha1.ReasonCompleted, "Pairing completed with the programme."
	case ended != nil:
		return mentoringv1alpha1.ReasonEnded, fmt.Sprintf("Pairing ended (%s).", ended.Reason)
	case !approved(p.Programme, p.Pairing):
		return mentoringv1alpha1.ReasonAwaitingApproval, "Pairing waits for a person to set spec.approved to true."
	case !p.Timeline.Started(p.now):
		return mentoringv1alpha1.ReasonProposed, fmt.Sprintf("Pairing starts with the programme on %s.", p.Programme.Spec.Schedule.Start)
	default:
		return mentoringv1alpha1.ReasonActive, "Pairing is active."
	}
}

// approved reports whether the pairing may start: always under Automatic approval, once a person set
// spec.approved under Manual approval.
func approved(programme *mentoringv1alpha1.Programme, pairing *mentoringv1alpha1.Pairing) bool {
	return programme.Spec.Matching.Approval != mentoringv1alpha1.ApprovalManual || pairing.Spec.Approved
}

// ownedStatus is the part of a pairing's status this controller owns: all but the programme
// controller's end and the page server's check-ins.
func ownedStatus(p *mentoringv1alpha1.Pairing) *mentoringv1alpha1.PairingStatus {
	owned := p.Status.DeepCopy()
	owned.Ended, owned.CheckIns = nil, nil
	return owned
}

func (r *Reconciler) writeStatus(ctx context.Context, p *mentoringv1alpha1.Pairing, owned *mentoringv1alpha1.PairingStatus) error {
	if equality.Semantic.DeepEqual(ownedStatus(p), owned) {
		return nil
	}
	log.FromContext(ctx).V(1).Info("Updated pairing status")
	desired := p.DeepCopy()
	desired.Status = *owned
	desired.Status.Ended, desired.Status.CheckIns = p.Status.Ended, p.Status.CheckIns
	return status.Patch(ctx, r.Client, p, desired, status.PairingManager, true)
}

// SetupWithManager watches Pairings (changes by people, their end, new answers), their Programme, their
// Participants and the metadata of the ConfigMaps that hold programmes' email templates.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&mentoringv1alpha1.Pairing{}, builder.WithPredicates(predicate.Or(watch.ChangedByPeople, watch.PairingEnded, watch.CheckInsChanged))).
		Watches(&mentoringv1alpha1.Programme{}, handler.EnqueueRequestsFromMapFunc(watch.Related(r.Client, &mentoringv1alpha1.PairingList{}, watch.ProgrammeIndex)),
			builder.WithPredicates(watch.ChangedByPeople)).
		Watches(&mentoringv1alpha1.Participant{}, handler.EnqueueRequestsFromMapFunc(watch.Related(r.Client, &mentoringv1alpha1.PairingList{}, watch.ParticipantIndex)),
			builder.WithPredicates(watch.ChangedByPeople)).
		Watches(&corev1.ConfigMap{}, handler.EnqueueRequestsFromMapFunc(r.templatesChanged), builder.OnlyMetadata).
		WatchesRawSource(notify.Source(r.Wakeups)).
		WithOptions(r.Options).
		Named("pairing").
		Complete(r)
}
