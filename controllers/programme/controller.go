// Package programme is the Programme controller: it matches a programme's participants, creates and
// ends its pairings, follows its schedule and reports its status. It owns every field of a
// Programme's status, a Participant's eligibility, pairings, Matched and Ready, and a Pairing's end.
//
// One pass runs a list of steps in order: observe the members, match them, write the pairings, write
// the participants, sum up the integrations and the check-ins, deliver the programme's own events.
// Each step owns one part of the status; a summary then decides Ready, and the status is written once.
package programme

import (
	"context"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/mail"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/notify"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/status"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/watch"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/metrics"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

// finalizer keeps a Programme until its Pairings are gone, so that their calendar events can still be
// removed with the programme's calendar settings.
const finalizer = "mentoring.reverse-mentoring.dev/pairings"

// Reconciler reconciles Programmes.
type Reconciler struct {
	client.Client
	Recorder events.EventRecorder
	Clock    clock.PassiveClock
	Options  controller.Options
	Notifier *notify.Notifier
	Mail     *mail.Mailer
	// Wakeups are programmes to reconcile at once: a webhook they wait for has recovered.
	Wakeups <-chan event.GenericEvent
	// Writers is the number of pairings and participants written at once.
	Writers int
	// Secrets reads the participants' attributes Secrets directly from the API server.
	Secrets client.Reader

	bursts       *bursts
	expectations *expectations
	mu           sync.Mutex
	planners     map[client.ObjectKey]*planner.Planner
}

// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=programmes,verbs=list;watch;patch
// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=programmes/status,verbs=patch
// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=programmes/finalizers,verbs=update
// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=pairings,verbs=list;watch;create;patch;delete
// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=pairings/status,verbs=patch
// +kubebuilder:rbac:groups=mentoring.reverse-mentoring.dev,resources=participants/status,verbs=patch

// pass is what one pass over a programme knows and decides.
type pass struct {
	programme  *mentoringv1alpha1.Programme
	key        client.ObjectKey
	status     *mentoringv1alpha1.ProgrammeStatus
	conditions status.Conditions
	now        time.Time
	// listed is when the members were listed, on the real clock that times bursts.
	listed       time.Time
	participants []mentoringv1alpha1.Participant
	pairings     []mentoringv1alpha1.Pairing

	// Set by observe.
	timeline planner.Timeline
	invalid  string // why the schedule is invalid
	members  members
	due      bool          // a matching pass is due
	wait     time.Duration // how long the due pass waits for the members to settle

	// Set by match and the writes.
	plan    *planner.Result
	created int

	// Set by integrations, measure and notify.
	integrations *integrationsHealth
	outcome      outcome
	requeue      time.Duration
}

// step is one part of a pass. A step that returns an error ends the pass; the summary reports it.
type step func(context.Context, *pass) error

// Reconcile runs one pass over a programme and writes its status once.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	programme := &mentoringv1alpha1.Programme{}
	err := r.Get(ctx, req.NamespacedName, programme)
	if apierrors.IsNotFound(err) {
		r.bursts.forget(req.NamespacedName)
		r.expectations.forget(req.NamespacedName)
		r.forgetPlanner(req.NamespacedName)
		return ctrl.Result{}, r.stallOrphans(ctx, req.NamespacedName)
	}
	if err != nil {
		return ctrl.Result{}, err
	}
	if !programme.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, r.finalize(ctx, programme)
	}
	if !controllerutil.ContainsFinalizer(programme, finalizer) {
		patch := client.MergeFromWithOptions(programme.DeepCopy(), client.MergeFromWithOptimisticLock{})
		controllerutil.AddFinalizer(programme, finalizer)
		if err := r.Patch(ctx, programme, patch); err != nil {
			return ctrl.Result{}, err
		}
	}

	p := &pass{programme: programme, key: req.NamespacedName, status: programme.Status.DeepCopy(), now: r.Clock.Now()}
	p.conditions = status.NewConditions(&p.status.Conditions, programme.Generation)
	var stepErr error
	for _, s := range []step{r.observe, r.match, r.writePairings, r.writeParticipants, r.integrations, r.measure, r.notify} {
		if stepErr = s(ctx, p); stepErr != nil {
			break
		}
	}
	r.summarise(p, stepErr)
	if stepErr == nil {
		p.status.ObservedGeneration = programme.Generation
	}
	if err := r.writeStatus(ctx, programme, p.status); err != nil && stepErr == nil {
		stepErr = err
	}
	recordGauges(programme, p)
	if stepErr != nil {
		// An error requeues with backoff; controller-runtime ignores a RequeueAfter beside it.
		return ctrl.Result{}, stepErr
	}
	return ctrl.Result{RequeueAfter: p.requeue}, nil
}

// observe lists the members and decides whether a matching pass is due: the programme's spec changed,
// a person asked for one, or the members or the stage are not as the last pass left them. A due pass
// waits while a burst of changes goes on, and while the cache does not show the last pass's own
// writes yet.
func (r *Reconciler) observe(ctx context.Context, p *pass) error {
	p.listed = time.Now()
	var err error
	if p.participants, p.pairings, err = watch.Members(ctx, r, p.key.Namespace, p.key.Name); err != nil {
		return fmt.Errorf("listing the programme's members: %w", err)
	}
	if p.timeline, err = planner.TimelineOf(p.programme); err != nil {
		p.invalid = "Programme schedule is invalid: " + err.Error() + "."
		return nil
	}
	p.members = observe(p.participants, p.pairings, p.timeline, p.now)
	r.bursts.passed(p.key, len(p.participants))
	requested := p.programme.Annotations[mentoringv1alpha1.ReconcileRequestedAnnotation]
	specChanged := p.programme.Generation != p.status.ObservedGeneration || requested != p.status.LastHandledReconcileAt
	p.due = specChanged || !p.members.matches(p.status.ObservedMembers)
	switch {
	case !p.due:
	case p.status.ObservedGeneration < 1:
		// A new programme: its members are probably being applied with it, so it waits as for a change.
		if !r.bursts.changedSince(p.key, time.Time{}) {
			r.bursts.changed(p.key)
		}
		p.wait = r.bursts.wait(p.key)
	case specChanged:
		// A change to the programme's own spec is acted on at once: the generation already tells
		// GitOps tools that the programme is not current.
	case ready(p.programme):
		// Say that the programme is not current before working on it.
		p.wait = announce
	case r.expectations.waiting(p.key):
		p.wait = quiet
	default:
		p.wait = r.bursts.wait(p.key)
	}
	return nil
}

// announce is how long a pass that found the members changed waits after saying so in status.
const announce = time.Millisecond

// ready reports whether the programme's status says Ready=True.
func ready(programme *mentoringv1alpha1.Programme) bool {
	return meta.IsStatusConditionTrue(programme.Status.Conditions, mentoringv1alpha1.ReadyCondition)
}

// recordGauges sets the programme's Prometheus gauges (internal/metrics) from the status this pass
// computed, check-ins included.
func recordGauges(programme *mentoringv1alpha1.Programme, p *pass) {
	view := programme.DeepCopy()
	view.Status = *p.status
	metrics.Record(view, p.pairings, p.now)
}

// writeStatus writes the programme's status when it changed.
func (r *Reconciler) writeStatus(ctx context.Context, programme *mentoringv1alpha1.Programme, desired *mentoringv1alpha1.ProgrammeStatus) error {
	if equality.Semantic.DeepEqual(&programme.Status, desired) {
		return nil
	}
	updated := programme.DeepCopy()
	updated.Status = *desired
	return status.Patch(ctx, r.Client, programme, updated, status.ProgrammeManager, true)
}

// finalize deletes the programme's pairings, waits until their own finalizers have removed their
// calendar events, then lets the programme go.
func (r *Reconciler) finalize(ctx context.Context, programme *mentoringv1alpha1.Programme) error {
	if !controllerutil.ContainsFinalizer(programme, finalizer) {
		return nil
	}
	_, pairings, err := watch.Members(ctx, r, programme.Namespace, programme.Name)
	if err != nil {
		return err
	}
	for i := range pairings {
		if pairings[i].DeletionTimestamp.IsZero() {
			if err := r.Delete(ctx, pairings[i].DeepCopy()); client.IgnoreNotFound(err) != nil {
				return err
			}
		}
	}
	if len(pairings) > 0 {
		// Pairing deletions trigger this reconcile again through the watch.
		return nil
	}
	patch := client.MergeFromWithOptions(programme.DeepCopy(), client.MergeFromWithOptimisticLock{})
	controllerutil.RemoveFinalizer(programme, finalizer)
	metrics.Forget(programme)
	log.FromContext(ctx).Info("Removed the programme's pairings")
	return r.Patch(ctx, programme, patch)
}

// SetupWithManager watches Programmes, their Participants and their Pairings.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	// Bursts and expectations are timed by when events arrive, on the real clock, whatever clock the
	// schedule uses.
	r.bursts, r.expectations = newBursts(time.Now), newExpectations(time.Now)
	return ctrl.NewControllerManagedBy(mgr).
		For(&mentoringv1alpha1.Programme{}, builder.WithPredicates(watch.ChangedByPeople)).
		Watches(&mentoringv1alpha1.Participant{}, r.memberEvents()).
		Watches(&mentoringv1alpha1.Pairing{}, r.memberEvents()).
		Watches(&corev1.ConfigMap{}, handler.EnqueueRequestsFromMapFunc(r.templatesChanged), builder.OnlyMetadata).
		WatchesRawSource(notify.Source(r.Wakeups)).
		WithOptions(r.Options).
		Named("programme").
		Complete(r)
}
