// Package status writes the operator's objects the way every controller must: each controller under
// its own field manager, only the fields it owns, once per pass. It also sets conditions the way
// kstatus expects them. It is shared by the reconcilers and never calls back into them.
package status

import (
	"context"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// Field managers: each controller writes only its own fields, and the API server records which.
// docs/architecture.md lists which fields each one owns.
const (
	ProgrammeManager   = "mentoring-programme-controller"
	ParticipantManager = "mentoring-participant-controller"
	PairingManager     = "mentoring-pairing-controller"
	// PortalManager is the page server, on every replica: it writes a Pairing's status.checkIns.
	PortalManager = "mentoring-portal"
)

// Apply creates or updates an object's metadata and spec by server-side apply, as the manager's
// intent. The manager takes its fields back from anyone who changed them.
func Apply(ctx context.Context, c client.Client, obj client.Object, manager string) error {
	gvk, err := c.GroupVersionKindFor(obj)
	if err != nil {
		return err
	}
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return err
	}
	intent := &unstructured.Unstructured{Object: content}
	intent.SetGroupVersionKind(gvk)
	unstructured.RemoveNestedField(intent.Object, "status")
	unstructured.RemoveNestedField(intent.Object, "metadata", "creationTimestamp")
	return c.Apply(ctx, client.ApplyConfigurationFromUnstructured(intent), client.FieldOwner(manager), client.ForceOwnership)
}

// Patch writes, as a JSON merge patch of the status subresource, the fields in which desired (current
// with the manager's own fields changed) differs from current as it was read. A merge patch is much
// cheaper for the API server than server-side apply, and enough because every status field has one
// writer. With lock set the write carries the resource version read and fails with a conflict if the
// object changed since, so that a pass that read a stale copy runs again instead of undoing a newer
// one.
func Patch(ctx context.Context, c client.Client, current, desired client.Object, manager string, lock bool) error {
	var opts []client.MergeFromOption
	if lock {
		opts = append(opts, client.MergeFromWithOptimisticLock{})
	}
	return c.Status().Patch(ctx, desired, client.MergeFromWithOptions(current, opts...), client.FieldOwner(manager))
}

// Conditions sets the conditions of one status, stamped with the generation they describe. Ready is
// always set; Reconciling and Stalled are present only while true, as kstatus expects.
type Conditions struct {
	list       *[]metav1.Condition
	generation int64
}

// NewConditions sets conditions in list for an object's generation.
func NewConditions(list *[]metav1.Condition, generation int64) Conditions {
	return Conditions{list: list, generation: generation}
}

// Set records a condition; its transition time changes only when its status does.
func (c Conditions) Set(conditionType string, status metav1.ConditionStatus, reason, message string) {
	meta.SetStatusCondition(c.list, metav1.Condition{
		Type:               conditionType,
		Status:             status,
		Reason:             reason,
		Message:            message,
		ObservedGeneration: c.generation,
	})
}

// Ready records Ready=True and clears Reconciling and Stalled.
func (c Conditions) Ready(reason, message string) {
	c.Set(mentoringv1alpha1.ReadyCondition, metav1.ConditionTrue, reason, message)
	meta.RemoveStatusCondition(c.list, mentoringv1alpha1.ReconcilingCondition)
	meta.RemoveStatusCondition(c.list, mentoringv1alpha1.StalledCondition)
}

// Stalled records that nothing will change until a person fixes something: Stalled=True, Ready=False.
func (c Conditions) Stalled(reason, message string) {
	c.Set(mentoringv1alpha1.StalledCondition, metav1.ConditionTrue, reason, message)
	c.Set(mentoringv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, message)
	meta.RemoveStatusCondition(c.list, mentoringv1alpha1.ReconcilingCondition)
}

// Reconciling records that the operator is still working: Reconciling=True, Ready=False.
func (c Conditions) Reconciling(reason, message string) {
	c.Set(mentoringv1alpha1.ReconcilingCondition, metav1.ConditionTrue, reason, message)
	c.Set(mentoringv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, message)
	meta.RemoveStatusCondition(c.list, mentoringv1alpha1.StalledCondition)
}

// WarnOnce records a Warning event that reuses the condition's reason, unless the object's current
// conditions already say Stalled for that reason, so that a resync does not repeat it.
func WarnOnce(recorder events.EventRecorder, obj runtime.Object, current []metav1.Condition, reason, message string) {
	c := meta.FindStatusCondition(current, mentoringv1alpha1.StalledCondition)
	if c != nil && c.Status == metav1.ConditionTrue && c.Reason == reason {
		return
	}
	recorder.Eventf(obj, nil, corev1.EventTypeWarning, reason, "Reconcile", message)
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

// SameConditions reports whether two lists of conditions are equal, as equality.Semantic would say,
// without reflection: a pass compares every member's conditions.
func SameConditions(a, b []metav1.Condition) bool {
	return slices.EqualFunc(a, b, func(x, y metav1.Condition) bool {
		return x.Type == y.Type && x.Status == y.Status && x.ObservedGeneration == y.ObservedGeneration &&
			x.Reason == y.Reason && x.Message == y.Message && x.LastTransitionTime.Equal(&y.LastTransitionTime)
	})
}
