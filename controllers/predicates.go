package controllers

import (
	"k8s.io/apimachinery/pkg/api/meta"
	"maps"
	"slices"

	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// changedByPeople lets through creations, deletions and updates that change what a person controls:
// the spec (generation), annotations (such as the reconcile request), finalizers or deletion. Status
// writes, which the controllers make themselves, do not trigger another pass.
var changedByPeople = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		before, after := e.ObjectOld, e.ObjectNew
		return before.GetGeneration() != after.GetGeneration() ||
			!maps.Equal(before.GetAnnotations(), after.GetAnnotations()) ||
			!slices.Equal(before.GetFinalizers(), after.GetFinalizers()) ||
			before.GetDeletionTimestamp().IsZero() != after.GetDeletionTimestamp().IsZero()
	},
}

// pairingEnded lets through updates that end a pairing, besides what changedByPeople lets through.
var pairingEnded = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		before, after := e.ObjectOld.(*mentoringv1alpha1.Pairing), e.ObjectNew.(*mentoringv1alpha1.Pairing)
		return (before.Status.Ended == nil) != (after.Status.Ended == nil)
	},
}

// matchedChanged lets through updates of a Participant's Matched condition, which the programme
// controller writes and the participant controller notifies about.
var matchedChanged = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		before := meta.FindStatusCondition(e.ObjectOld.(*mentoringv1alpha1.Participant).Status.Conditions, mentoringv1alpha1.MatchedCondition)
		after := meta.FindStatusCondition(e.ObjectNew.(*mentoringv1alpha1.Participant).Status.Conditions, mentoringv1alpha1.MatchedCondition)
		return (before == nil) != (after == nil) || (before != nil && (before.Status != after.Status || before.Reason != after.Reason))
	},
}
