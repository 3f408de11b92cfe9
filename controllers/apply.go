package controllers

import (
	"context"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Field managers: each controller writes only its own fields, and the API server records which.
const (
	programmeManager   = "mentoring-programme-controller"
	participantManager = "mentoring-participant-controller"
	pairingManager     = "mentoring-pairing-controller"
)

// Writes. What the operator creates it creates by server-side apply, with deterministic names: the
// API server records the manager as the owner of every field it set, and a second pass applying the
// same object changes nothing. Every status field has one writer (see each controller), so a JSON
// merge patch of the fields that differ from what the controller read is enough, and much cheaper for
// the API server than server-side apply. A controller writing its own object's status sends the
// resource version it read: a pass that read a stale copy gets a conflict and runs again instead of
// undoing a newer pass.

// serverSideApply applies an object's metadata and spec as the manager's intent, creating the object if it does
// not exist. The manager takes its fields back from anyone who changed them: only a pass that read a
// stale cache applies an object that exists, and then with the same fields.
func serverSideApply(ctx context.Context, c client.Client, obj client.Object, manager string) error {
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

// patchStatus writes the difference between the status of current, as read, and that of desired,
// which is current with the manager's fields changed. With lock set the write fails with a conflict
// if the object changed since it was read.
func patchStatus(ctx context.Context, c client.Client, current, desired client.Object, manager string, lock bool) error {
	var opts []client.MergeFromOption
	if lock {
		opts = append(opts, client.MergeFromWithOptimisticLock{})
	}
	return c.Status().Patch(ctx, desired, client.MergeFromWithOptions(current, opts...), client.FieldOwner(manager))
}
