package controllers

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

// apply writes what a plan decided: new pairings, ended pairings, scores and constraint checks of the
// existing ones, and every participant's Matched condition. It writes only what differs from what is
// there, several objects at once, and reports whether any pairing was created or ended.
func (r *ProgrammeReconciler) apply(ctx context.Context, programme *mentoringv1alpha1.Programme, plan *planner.Result,
	pairings []mentoringv1alpha1.Pairing, participants []mentoringv1alpha1.Participant, now time.Time) (bool, error) {
	writes, ctx := errgroup.WithContext(ctx)
	writes.SetLimit(max(r.Writers, 1))

	for _, p := range plan.Create {
		pairing, err := r.newPairing(programme, p)
		if err != nil {
			return false, err
		}
		writes.Go(func() error { return applySpec(ctx, r.Client, pairing, programmeManager) })
	}
	for i := range pairings {
		current := &pairings[i]
		desired := pairingAssessment(current, plan, now)
		if desired == nil || equality.Semantic.DeepEqual(programmeOwnedStatus(current), desired) {
			continue
		}
		writes.Go(func() error {
			return applyStatus(ctx, r.Client, &mentoringv1alpha1.Pairing{ObjectMeta: objectMeta(current), Status: *desired}, programmeManager)
		})
	}
	for i := range participants {
		current := &participants[i]
		desired := matchedCondition(current, plan)
		if existing := meta.FindStatusCondition(current.Status.Conditions, desired.Type); existing != nil &&
			existing.Status == desired.Status && existing.Reason == desired.Reason && existing.Message == desired.Message &&
			existing.ObservedGeneration == desired.ObservedGeneration {
			continue
		}
		if existing := meta.FindStatusCondition(current.Status.Conditions, desired.Type); existing != nil && existing.Status == desired.Status {
			desired.LastTransitionTime = existing.LastTransitionTime
		}
		writes.Go(func() error {
			return applyStatus(ctx, r.Client, &mentoringv1alpha1.Participant{
				ObjectMeta: objectMeta(current),
				Status:     mentoringv1alpha1.ParticipantStatus{Conditions: []metav1.Condition{desired}},
			}, programmeManager)
		})
	}
	if err := writes.Wait(); err != nil {
		return false, err
	}
	return len(plan.Create) > 0 || len(plan.Ends) > 0, nil
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

// pairingAssessment is the part of a pairing's status that the programme controller owns: score,
// breakdown, end and ConstraintsMet. It returns nil for pairings the plan neither keeps nor ends.
func pairingAssessment(p *mentoringv1alpha1.Pairing, plan *planner.Result, now time.Time) *mentoringv1alpha1.PairingStatus {
	assessment, kept := plan.Assessments[p.Name]
	end, ending := plan.Ends[p.Name]
	if !kept && !ending {
		return nil
	}
	status := programmeOwnedStatus(p)
	if kept {
		status.Score, status.ScoreBreakdown = ptr.To(assessment.Score), assessment.Breakdown
	}
	if ending && status.Ended == nil {
		status.Ended = &mentoringv1alpha1.PairingEnd{Time: metav1.Time{Time: now}, Reason: end.Reason, Message: end.Message}
	}
	constraints := metav1.Condition{Type: mentoringv1alpha1.ConstraintsMetCondition, Status: metav1.ConditionTrue,
		Reason: mentoringv1alpha1.ReasonConstraintsMet, Message: "Pair satisfies every hard constraint.", ObservedGeneration: p.Generation}
	if assessment.Violation != "" {
		constraints.Status, constraints.Reason = metav1.ConditionFalse, mentoringv1alpha1.ReasonConstraintViolated
		constraints.Message = fmt.Sprintf("Pairing written by a person breaks a hard constraint and is honoured anyway: %s.", assessment.Violation)
	}
	if kept {
		constraints.LastTransitionTime = metav1.Time{Time: now}
		meta.SetStatusCondition(&status.Conditions, constraints)
	}
	return status
}

// programmeOwnedStatus is the programme controller's part of a pairing's current status.
func programmeOwnedStatus(p *mentoringv1alpha1.Pairing) *mentoringv1alpha1.PairingStatus {
	owned := &mentoringv1alpha1.PairingStatus{Score: p.Status.Score, ScoreBreakdown: p.Status.ScoreBreakdown, Ended: p.Status.Ended}
	if c := meta.FindStatusCondition(p.Status.Conditions, mentoringv1alpha1.ConstraintsMetCondition); c != nil {
		owned.Conditions = []metav1.Condition{*c}
	}
	return owned
}

// matchedCondition says whether the participant has a pairing and, if not, why.
func matchedCondition(p *mentoringv1alpha1.Participant, plan *planner.Result) metav1.Condition {
	c := metav1.Condition{Type: mentoringv1alpha1.MatchedCondition, ObservedGeneration: p.Generation, LastTransitionTime: metav1.Now()}
	if u, unmatched := plan.UnmatchedByName[p.Name]; unmatched {
		c.Status, c.Reason, c.Message = metav1.ConditionFalse, u.Reason, u.Message
	} else {
		c.Status, c.Reason, c.Message = metav1.ConditionTrue, mentoringv1alpha1.ReasonPaired, "Participant has a pairing."
	}
	return c
}

func objectMeta(obj client.Object) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: obj.GetName(), Namespace: obj.GetNamespace()}
}
