package programme

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"golang.org/x/sync/errgroup"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/status"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/watch"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

// writeParticipants writes what the pass decided about every participant: whether they can be
// matched (Eligible, and Stalled when only a person can fix it), their pairings, whether they have one
// and if not why (Matched), and Ready. Under spec.suspend, or with an invalid schedule, their pairings
// stay as their status lists them.
func (r *Reconciler) writeParticipants(ctx context.Context, p *pass) error {
	var decide func(*mentoringv1alpha1.Participant) *mentoringv1alpha1.ParticipantStatus
	switch {
	case p.invalid != "":
		verdicts := planner.Verdicts(p.programme, p.participants, p.pairings, p.now)
		decide = func(participant *mentoringv1alpha1.Participant) *mentoringv1alpha1.ParticipantStatus {
			return r.decided(participant, &planner.Result{Verdicts: verdicts}, true)
		}
	case p.plan != nil:
		decide = func(participant *mentoringv1alpha1.Participant) *mentoringv1alpha1.ParticipantStatus {
			return r.decided(participant, p.plan, p.programme.Spec.Suspend)
		}
	default:
		return nil
	}
	type change struct {
		current *mentoringv1alpha1.Participant
		desired *mentoringv1alpha1.ParticipantStatus
		write   write
	}
	var changes []change
	var expected []write
	for i := range p.participants {
		current := &p.participants[i]
		desired := decide(current)
		if sameOwnedStatus(ownedStatus(current), desired) {
			continue
		}
		c := change{current: current, desired: desired, write: statusWrite(current.Name, desired)}
		changes = append(changes, c)
		expected = append(expected, c.write)
	}
	// Expected before they are made: their events may arrive before the writes return.
	r.expectations.expect(p.key, expected)
	writes, wctx := errgroup.WithContext(ctx)
	writes.SetLimit(max(r.Writers, 1))
	for _, c := range changes {
		writes.Go(func() error {
			written, err := r.writeParticipant(wctx, c.current, c.desired)
			// A write that failed, or changed nothing at the API server, shows in no event.
			if err != nil || written.ResourceVersion == c.current.ResourceVersion {
				r.expectations.observed(p.key, c.write)
			}
			return err
		})
	}
	if err := writes.Wait(); err != nil {
		return fmt.Errorf("writing participants' status: %w", err)
	}
	return nil
}

// decided is a participant's status as a plan decides it. With keepPairings set the pairings are those
// the status lists already.
func (r *Reconciler) decided(participant *mentoringv1alpha1.Participant, plan *planner.Result, keepPairings bool) *mentoringv1alpha1.ParticipantStatus {
	owned := ownedStatus(participant)
	owned.ObservedGeneration = participant.Generation
	if !keepPairings {
		owned.Pairings = plan.PairingsOf[participant.Name]
	}
	owned.ActivePairings = int32(len(owned.Pairings))
	conditions := status.NewConditions(&owned.Conditions, participant.Generation)
	verdict := plan.Verdicts[participant.Name]
	eligible := metav1.ConditionFalse
	if verdict.Eligible {
		eligible = metav1.ConditionTrue
	}
	conditions.Set(mentoringv1alpha1.EligibleCondition, eligible, verdict.Reason, verdict.Message)
	switch u, unmatched := plan.UnmatchedByName[participant.Name]; {
	case len(owned.Pairings) > 0:
		conditions.Set(mentoringv1alpha1.MatchedCondition, metav1.ConditionTrue, mentoringv1alpha1.ReasonPaired,
			fmt.Sprintf("Participant has %d active pairings.", len(owned.Pairings)))
	case unmatched:
		conditions.Set(mentoringv1alpha1.MatchedCondition, metav1.ConditionFalse, u.Reason, u.Message)
	}
	if verdict.NeedsFix {
		status.WarnOnce(r.Recorder, participant, participant.Status.Conditions, verdict.Reason, verdict.Message)
		conditions.Stalled(verdict.Reason, verdict.Message)
	} else {
		conditions.Ready(mentoringv1alpha1.ReasonSucceeded, "Participant is enrolled.")
	}
	return owned
}

// orphaned is the status of a participant whose programme does not exist.
func (r *Reconciler) orphaned(participant *mentoringv1alpha1.Participant) *mentoringv1alpha1.ParticipantStatus {
	owned := ownedStatus(participant)
	owned.ObservedGeneration, owned.Pairings, owned.ActivePairings = participant.Generation, nil, 0
	message := fmt.Sprintf("Programme %q does not exist in namespace %s: create it or fix spec.programmeRef.", participant.Spec.ProgrammeRef.Name, participant.Namespace)
	conditions := status.NewConditions(&owned.Conditions, participant.Generation)
	conditions.Set(mentoringv1alpha1.EligibleCondition, metav1.ConditionFalse, mentoringv1alpha1.ReasonProgrammeNotFound, message)
	status.WarnOnce(r.Recorder, participant, participant.Status.Conditions, mentoringv1alpha1.ReasonProgrammeNotFound, message)
	conditions.Stalled(mentoringv1alpha1.ReasonProgrammeNotFound, message)
	return owned
}

// ownedStatus is the part of a participant's status the programme controller owns: everything but the
// calendar feed and the notifications, which the participant controller owns.
func ownedStatus(participant *mentoringv1alpha1.Participant) *mentoringv1alpha1.ParticipantStatus {
	return &mentoringv1alpha1.ParticipantStatus{
		ObservedGeneration: participant.Status.ObservedGeneration,
		Conditions:         slices.Clone(participant.Status.Conditions),
		Pairings:           slices.Clone(participant.Status.Pairings),
		ActivePairings:     participant.Status.ActivePairings,
	}
}

// statusWrite is the write of a participant's owned status, as the cache shows it once written: the
// API server keeps the conditions' times to the second.
func statusWrite(participant string, owned *mentoringv1alpha1.ParticipantStatus) write {
	parts := []string{strconv.FormatInt(owned.ObservedGeneration, 10), strconv.Itoa(int(owned.ActivePairings)), strconv.Itoa(len(owned.Pairings))}
	parts = append(parts, owned.Pairings...)
	for _, c := range owned.Conditions {
		parts = append(parts, c.Type, string(c.Status), strconv.FormatInt(c.ObservedGeneration, 10), c.Reason, c.Message,
			strconv.FormatInt(c.LastTransitionTime.Unix(), 10))
	}
	return write{participant: participant, status: hashOf(parts...)}
}

// sameOwnedStatus compares two statuses of a participant in what ownedStatus holds.
func sameOwnedStatus(a, b *mentoringv1alpha1.ParticipantStatus) bool {
	return a.ObservedGeneration == b.ObservedGeneration && a.ActivePairings == b.ActivePairings &&
		slices.Equal(a.Pairings, b.Pairings) && status.SameConditions(a.Conditions, b.Conditions)
}

// writeParticipant writes the owned part of a participant's status, and returns the participant as
// the API server then holds it.
func (r *Reconciler) writeParticipant(ctx context.Context, participant *mentoringv1alpha1.Participant, owned *mentoringv1alpha1.ParticipantStatus) (
	*mentoringv1alpha1.Participant, error) {
	desired := participant.DeepCopy()
	desired.Status.ObservedGeneration, desired.Status.Conditions = owned.ObservedGeneration, owned.Conditions
	desired.Status.Pairings, desired.Status.ActivePairings = owned.Pairings, owned.ActivePairings
	return desired, status.Patch(ctx, r.Client, participant, desired, status.ProgrammeManager, false)
}

// stallOrphans reports, on every participant of a programme that does not exist, that it is missing.
func (r *Reconciler) stallOrphans(ctx context.Context, key client.ObjectKey) error {
	participants, _, err := watch.Members(ctx, r, key.Namespace, key.Name)
	if err != nil {
		return err
	}
	for i := range participants {
		participant := &participants[i]
		desired := r.orphaned(participant)
		if sameOwnedStatus(ownedStatus(participant), desired) {
			continue
		}
		if _, err := r.writeParticipant(ctx, participant, desired); err != nil {
			return fmt.Errorf("reporting the programme missing: %w", err)
		}
	}
	return nil
}
