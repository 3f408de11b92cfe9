package controllers

import (
	"maps"
	"slices"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
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

// pairingReconciled lets through updates in which the pairing controller has caught up with a
// pairing's spec: the programme is Ready only once it has for every pairing.
var pairingReconciled = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		before, after := e.ObjectOld.(*mentoringv1alpha1.Pairing), e.ObjectNew.(*mentoringv1alpha1.Pairing)
		return before.Status.ObservedGeneration != after.Status.ObservedGeneration
	},
}

// conditionChanged lets through updates that change the status or reason of one of the conditions,
// which one controller writes and another acts on.
func conditionChanged(types ...string) predicate.Funcs {
	return predicate.Funcs{
		UpdateFunc: func(e event.UpdateEvent) bool {
			for _, t := range types {
				before := meta.FindStatusCondition(ConditionsOf(e.ObjectOld), t)
				after := meta.FindStatusCondition(ConditionsOf(e.ObjectNew), t)
				if (before == nil) != (after == nil) || (before != nil && (before.Status != after.Status || before.Reason != after.Reason)) {
					return true
				}
			}
			return false
		},
	}
}

// deliveriesChanged lets through updates that change the state or last result of one of the object's
// webhook deliveries, which the participant and pairing controllers write and the programme sums up in
// its webhook status and IntegrationsReady. Further attempts with the same result do not.
var deliveriesChanged = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		return !slices.Equal(deliveryOutcomes(e.ObjectOld), deliveryOutcomes(e.ObjectNew))
	},
}

// deliveryOutcomes lists each delivery of a participant or pairing as outcomes does.
func deliveryOutcomes(obj client.Object) []string {
	switch o := obj.(type) {
	case *mentoringv1alpha1.Participant:
		return outcomes(o.Status.Notifications)
	case *mentoringv1alpha1.Pairing:
		return outcomes(o.Status.Notifications)
	}
	return nil
}

// outcomes lists deliveries as "webhook id state result".
func outcomes(records []mentoringv1alpha1.Notification) []string {
	outcomes := make([]string, len(records))
	for i, r := range records {
		outcomes[i] = r.Webhook + " " + r.ID + " " + string(r.State) + " " + r.LastResult
	}
	return outcomes
}

// ConditionsOf returns the conditions of any of the API's objects.
func ConditionsOf(obj client.Object) []metav1.Condition {
	switch o := obj.(type) {
	case *mentoringv1alpha1.Programme:
		return o.Status.Conditions
	case *mentoringv1alpha1.Participant:
		return o.Status.Conditions
	case *mentoringv1alpha1.Pairing:
		return o.Status.Conditions
	}
	return nil
}
