package controllers

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// conditionSetter stamps conditions with the generation they describe. Ready is always set; Reconciling
// and Stalled are present only while true, as kstatus expects.
type conditionSetter struct {
	conditions *[]metav1.Condition
	generation int64
}

func conditionsOf(conditions *[]metav1.Condition, generation int64) conditionSetter {
	return conditionSetter{conditions: conditions, generation: generation}
}

// set records a condition; its transition time changes only when its status does.
func (s conditionSetter) set(conditionType string, status metav1.ConditionStatus, reason, message string) {
	meta.SetStatusCondition(s.conditions, metav1.Condition{
		Type:               conditionType,
		Status:             status,
		Reason:             reason,
		Message:            message,
		ObservedGeneration: s.generation,
	})
}

// ready records Ready=True and clears Reconciling and Stalled.
func (s conditionSetter) ready(reason, message string) {
	s.set(mentoringv1alpha1.ReadyCondition, metav1.ConditionTrue, reason, message)
	meta.RemoveStatusCondition(s.conditions, mentoringv1alpha1.ReconcilingCondition)
	meta.RemoveStatusCondition(s.conditions, mentoringv1alpha1.StalledCondition)
}

// stalled records that nothing will change until a person fixes something: Stalled=True, Ready=False.
func (s conditionSetter) stalled(reason, message string) {
	s.set(mentoringv1alpha1.StalledCondition, metav1.ConditionTrue, reason, message)
	s.set(mentoringv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, message)
	meta.RemoveStatusCondition(s.conditions, mentoringv1alpha1.ReconcilingCondition)
}

// reconciling records that the operator is still working: Reconciling=True, Ready=False.
func (s conditionSetter) reconciling(reason, message string) {
	s.set(mentoringv1alpha1.ReconcilingCondition, metav1.ConditionTrue, reason, message)
	s.set(mentoringv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, message)
	meta.RemoveStatusCondition(s.conditions, mentoringv1alpha1.StalledCondition)
}

// warnOnce records a Warning event that reuses the condition's reason, unless the object's current
// conditions already say Stalled for that reason, so that a resync does not repeat it.
func warnOnce(recorder events.EventRecorder, obj runtime.Object, current []metav1.Condition, reason, message string) {
	c := meta.FindStatusCondition(current, mentoringv1alpha1.StalledCondition)
	if c != nil && c.Status == metav1.ConditionTrue && c.Reason == reason {
		return
	}
	recorder.Eventf(obj, nil, corev1.EventTypeWarning, reason, "Reconcile", message)
}
