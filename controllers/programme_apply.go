package controllers

import (
	"context"
	"fmt"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

// The programme controller writes what a matching pass decides, and nothing twice: the new pairings,
// the end of the ones that end, and, for every participant, the part of their status that a pass
// decides (eligibility, pairings, Matched, Ready). A pairing's own controller writes its score and
// stage; a participant's its calendar feed and notifications.

// apply writes a plan, several objects at once, and reports whether any pairing was created or ended.
// Unless act is set (a suspended programme, an invalid schedule) it writes only the participants'
// status.
func (r *ProgrammeReconciler) apply(ctx context.Context, programme *mentoringv1alpha1.Programme, plan *planner.Result,
	pairings []mentoringv1alpha1.Pairing, participants []mentoringv1alpha1.Participant, now time.Time, act bool) (bool, error) {
	writes, ctx := errgroup.WithContext(ctx)
	writes.SetLimit(max(r.Writers, 1))
	if act {
		for _, p := range plan.Create {
			pairing, err := r.newPairing(programme, p)
			if err != nil {
				return false, err
			}
			writes.Go(func() error { return serverSideApply(ctx, r.Client, pairing, programmeManager) })
		}
		for i := range pairings {
			current := &pairings[i]
			end, ending := plan.Ends[current.Name]
			if !ending || current.Status.Ended != nil {
				continue
			}
			writes.Go(func() error {
				ended := current.DeepCopy()
				ended.Status.Ended = &mentoringv1alpha1.PairingEnd{Time: metav1.Time{Time: now}, Reason: end.Reason, Message: end.Message}
				return patchStatus(ctx, r.Client, current, ended, programmeManager, false)
			})
		}
	}
	for i := range participants {
		current := &participants[i]
		desired := r.participantStatus(current, plan, !act)
		if equality.Semantic.DeepEqual(programmeOwnedParticipantStatus(current), desired) {
			continue
		}
		writes.Go(func() error { return r.writeParticipant(ctx, current, desired) })
	}
	if err := writes.Wait(); err != nil {
		return false, err
	}
	return act && (len(plan.Create) > 0 || len(plan.Ends) > 0), nil
}

// newPairing is a pairing the programme controls, with labels that find it by programme and person.
func (r *ProgrammeReconciler) newPairing(programme *mentoringv1alpha1.Programme, p planner.NewPairing) (*mentoringv1alpha1.Pairing, error) {
	pairing := &mentoringv1alpha1.Pairing{
		ObjectMeta: metav1.ObjectMeta{
			Name:      p.Name,
			Namespace: programme.Namespace,
			Labels: map[string]string{
				mentoringv1alpha1.ProgrammeLabel: programme.Name,
				mentoringv1alpha1.MentorLabel:    p.Mentor,
				mentoringv1alpha1.MenteeLabel:    p.Mentee,
			},
		},
		Spec: mentoringv1alpha1.PairingSpec{
			ProgrammeRef: mentoringv1alpha1.LocalObjectReference{Name: programme.Name},
			MentorRef:    mentoringv1alpha1.LocalObjectReference{Name: p.Mentor},
			MenteeRef:    mentoringv1alpha1.LocalObjectReference{Name: p.Mentee},
			Topics:       p.Topics,
		},
	}
	if err := controllerutil.SetControllerReference(programme, pairing, r.Scheme()); err != nil {
		return nil, err
	}
	return pairing, nil
}

// participantStatus is what a pass decides about a participant: whether they can be matched
// (Eligible, and Stalled when only a person can fix it), their pairings, whether they have one and
// if not why (Matched), and Ready. With keep set the pairings are those the status lists already.
func (r *ProgrammeReconciler) participantStatus(p *mentoringv1alpha1.Participant, plan *planner.Result, keep bool) *mentoringv1alpha1.ParticipantStatus {
	status := programmeOwnedParticipantStatus(p)
	status.ObservedGeneration = p.Generation
	if !keep {
		status.Pairings = plan.PairingsOf[p.Name]
	}
	status.ActivePairings = int32(len(status.Pairings))
	conditions := conditionsOf(&status.Conditions, p.Generation)
	verdict := plan.Verdicts[p.Name]
	eligible := metav1.ConditionFalse
	if verdict.Eligible {
		eligible = metav1.ConditionTrue
	}
	conditions.set(mentoringv1alpha1.EligibleCondition, eligible, verdict.Reason, verdict.Message)
	switch u, unmatched := plan.UnmatchedByName[p.Name]; {
	case len(status.Pairings) > 0:
		conditions.set(mentoringv1alpha1.MatchedCondition, metav1.ConditionTrue, mentoringv1alpha1.ReasonPaired,
			fmt.Sprintf("Participant has %d active pairings.", len(status.Pairings)))
	case unmatched:
		conditions.set(mentoringv1alpha1.MatchedCondition, metav1.ConditionFalse, u.Reason, u.Message)
	}
	if verdict.NeedsFix {
		warnOnce(r.Recorder, p, p.Status.Conditions, verdict.Reason, verdict.Message)
		conditions.stalled(verdict.Reason, verdict.Message)
	} else {
		conditions.ready(mentoringv1alpha1.ReasonSucceeded, "Participant is enrolled.")
	}
	return status
}

// orphanStatus is the status of a participant whose programme does not exist.
func (r *ProgrammeReconciler) orphanStatus(p *mentoringv1alpha1.Participant) *mentoringv1alpha1.ParticipantStatus {
	status := programmeOwnedParticipantStatus(p)
	status.ObservedGeneration, status.Pairings, status.ActivePairings = p.Generation, nil, 0
	message := fmt.Sprintf("Programme %q does not exist in namespace %s: create it or fix spec.programmeRef.", p.Spec.ProgrammeRef.Name, p.Namespace)
	conditions := conditionsOf(&status.Conditions, p.Generation)
	conditions.set(mentoringv1alpha1.EligibleCondition, metav1.ConditionFalse, mentoringv1alpha1.ReasonProgrammeNotFound, message)
	warnOnce(r.Recorder, p, p.Status.Conditions, mentoringv1alpha1.ReasonProgrammeNotFound, message)
	conditions.stalled(mentoringv1alpha1.ReasonProgrammeNotFound, message)
	return status
}

// programmeOwnedParticipantStatus is the part of a participant's status the programme controller owns:
// everything but the calendar feed and the notifications.
func programmeOwnedParticipantStatus(p *mentoringv1alpha1.Participant) *mentoringv1alpha1.ParticipantStatus {
	return &mentoringv1alpha1.ParticipantStatus{
		ObservedGeneration: p.Status.ObservedGeneration,
		Conditions:         slices.Clone(p.Status.Conditions),
		Pairings:           slices.Clone(p.Status.Pairings),
		ActivePairings:     p.Status.ActivePairings,
	}
}

func (r *ProgrammeReconciler) writeParticipant(ctx context.Context, p *mentoringv1alpha1.Participant, status *mentoringv1alpha1.ParticipantStatus) error {
	desired := p.DeepCopy()
	desired.Status.ObservedGeneration, desired.Status.Conditions = status.ObservedGeneration, status.Conditions
	desired.Status.Pairings, desired.Status.ActivePairings = status.Pairings, status.ActivePairings
	return patchStatus(ctx, r.Client, p, desired, programmeManager, false)
}

// stallOrphans reports, on every participant of a programme that does not exist, that it is missing.
func (r *ProgrammeReconciler) stallOrphans(ctx context.Context, key client.ObjectKey) error {
	var participants mentoringv1alpha1.ParticipantList
	if err := r.List(ctx, &participants, client.InNamespace(key.Namespace), client.MatchingFields{programmeIndex: key.Name}); err != nil {
		return err
	}
	for i := range participants.Items {
		p := &participants.Items[i]
		desired := r.orphanStatus(p)
		if equality.Semantic.DeepEqual(programmeOwnedParticipantStatus(p), desired) {
			continue
		}
		if err := r.writeParticipant(ctx, p, desired); err != nil {
			return err
		}
	}
	return nil
}
