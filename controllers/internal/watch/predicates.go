package watch

import (
	"maps"
	"slices"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/status"
)

// ChangedByPeople lets through creations, deletions and updates that change what a person controls:
// the spec (generation), annotations (such as the reconcile request), finalizers or deletion. Status
// writes, which the controllers make themselves, do not trigger another pass.
var ChangedByPeople = predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool { return ChangedSpec(e) }}

// ChangedSpec reports whether an update changed what ChangedByPeople lets through.
func ChangedSpec(e event.UpdateEvent) bool {
	before, after := e.ObjectOld, e.ObjectNew
	return before.GetGeneration() != after.GetGeneration() ||
		!maps.Equal(before.GetAnnotations(), after.GetAnnotations()) ||
		!slices.Equal(before.GetFinalizers(), after.GetFinalizers()) ||
		before.GetDeletionTimestamp().IsZero() != after.GetDeletionTimestamp().IsZero()
}

// PairingEnded lets through updates that end a pairing.
var PairingEnded = predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
	before, after := e.ObjectOld.(*mentoringv1alpha1.Pairing), e.ObjectNew.(*mentoringv1alpha1.Pairing)
	return (before.Status.Ended == nil) != (after.Status.Ended == nil)
}}

// CheckInsChanged lets through updates that change a pairing's status.checkIns: the page server
// recorded somebody's answers.
var CheckInsChanged = predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
	before, after := e.ObjectOld.(*mentoringv1alpha1.Pairing), e.ObjectNew.(*mentoringv1alpha1.Pairing)
	return !equality.Semantic.DeepEqual(before.Status.CheckIns, after.Status.CheckIns)
}}

// MembersChanging reports whether a programme says its members changed and no pass has matched them yet.
func MembersChanging(programme *mentoringv1alpha1.Programme) bool {
	reconciling := meta.FindStatusCondition(programme.Status.Conditions, mentoringv1alpha1.ReconcilingCondition)
	return reconciling != nil && reconciling.Reason == mentoringv1alpha1.ReasonMembersChanged
}

// MembersSettled lets through updates after which a programme no longer says that its members are
// changing: what waited for them to settle can go on.
var MembersSettled = predicate.Funcs{
	CreateFunc:  func(event.CreateEvent) bool { return false },
	DeleteFunc:  func(event.DeleteEvent) bool { return false },
	GenericFunc: func(event.GenericEvent) bool { return false },
	UpdateFunc: func(e event.UpdateEvent) bool {
		return MembersChanging(e.ObjectOld.(*mentoringv1alpha1.Programme)) && !MembersChanging(e.ObjectNew.(*mentoringv1alpha1.Programme))
	},
}

// ConditionChanged lets through updates that change the status or reason of one of the conditions,
// which one controller writes and another acts on.
func ConditionChanged(types ...string) predicate.Funcs {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		for _, t := range types {
			before := meta.FindStatusCondition(status.ConditionsOf(e.ObjectOld), t)
			after := meta.FindStatusCondition(status.ConditionsOf(e.ObjectNew), t)
			if (before == nil) != (after == nil) || (before != nil && (before.Status != after.Status || before.Reason != after.Reason)) {
				return true
			}
		}
		return false
	}}
}
