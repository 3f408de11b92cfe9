package controllers

import (
	"context"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
)

// Field managers: each controller owns its own fields, and server-side apply keeps them apart.
const (
	programmeManager   = "mentoring-programme-controller"
	participantManager = "mentoring-participant-controller"
	pairingManager     = "mentoring-pairing-controller"
)

// applyConfiguration turns a typed object that holds only the fields a manager owns into an apply
// configuration. Zero values with omitempty tags are left out, so a manager never claims a field it did
// not set (a Pairing's spec.approved belongs to a person, for example).
func applyConfiguration(c client.Client, obj client.Object, part string) (runtime.ApplyConfiguration, error) {
	gvk, err := apiutil.GVKForObject(obj, c.Scheme())
	if err != nil {
		return nil, err
	}
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: map[string]any{}}
	u.SetGroupVersionKind(gvk)
	u.SetName(obj.GetName())
	u.SetNamespace(obj.GetNamespace())
	// A resource version makes the write conditional: a pass that read a stale copy gets a conflict
	// and runs again, instead of overwriting what a newer pass wrote.
	u.SetResourceVersion(obj.GetResourceVersion())
	if part == "spec" {
		u.SetLabels(obj.GetLabels())
		u.SetOwnerReferences(obj.GetOwnerReferences())
		u.SetFinalizers(obj.GetFinalizers())
	}
	if value, ok := content[part]; ok {
		u.Object[part] = value
	}
	return client.ApplyConfigurationFromUnstructured(u), nil
}

// applySpec applies the object's metadata (labels, owner references, finalizers) and spec as manager.
func applySpec(ctx context.Context, c client.Client, obj client.Object, manager string) error {
	ac, err := applyConfiguration(c, obj, "spec")
	if err != nil {
		return err
	}
	return c.Apply(ctx, ac, client.FieldOwner(manager), client.ForceOwnership)
}

// applyStatus applies the object's status as manager. The status must hold every field the manager
// owns: a field it owned before and leaves out is removed. Give the object the resource version the
// status was computed from when the manager owns the object, so that a stale pass cannot undo a newer
// one.
func applyStatus(ctx context.Context, c client.Client, obj client.Object, manager string) error {
	ac, err := applyConfiguration(c, obj, "status")
	if err != nil {
		return err
	}
	return c.Status().Apply(ctx, ac, client.FieldOwner(manager), client.ForceOwnership)
}
