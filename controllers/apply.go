package controllers

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Field managers: each controller writes only its own fields, and the API server records which.
const (
	programmeManager   = "mentoring-programme-controller"
	participantManager = "mentoring-participant-controller"
	pairingManager     = "mentoring-pairing-controller"
)

// Writes. Every status field has one writer (see each controller), so a JSON merge patch of the
// fields that differ from what the controller read is enough, and much cheaper for the API server than
// server-side apply. A controller writing its own object's status sends the resource version it read:
// a pass that read a stale copy gets a conflict and runs again instead of undoing a newer pass.

// create creates an object unless it exists: the names of what the operator creates are
// deterministic, so a second pass creating the same object is a no-op.
func create(ctx context.Context, c client.Client, obj client.Object, manager string) error {
	err := c.Create(ctx, obj, client.FieldOwner(manager))
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
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
