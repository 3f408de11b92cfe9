package pairing

import (
	"context"
	"errors"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/meetings"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
)

// finalize removes the meeting series of a deleted pairing, then lets the pairing go. Without the
// programme or its calendar settings there is nothing left to remove it from.
func (r *Reconciler) finalize(ctx context.Context, pairing *mentoringv1alpha1.Pairing) error {
	if !controllerutil.ContainsFinalizer(pairing, calendarFinalizer) {
		return nil
	}
	programme := &mentoringv1alpha1.Programme{}
	err := r.Get(ctx, client.ObjectKey{Namespace: pairing.Namespace, Name: pairing.Spec.ProgrammeRef.Name}, programme)
	if client.IgnoreNotFound(err) != nil {
		return err
	}
	if err == nil {
		provider, err := r.Calendars.Open(ctx, programme)
		var settings *meetings.SettingsError
		switch {
		case errors.As(err, &settings):
			// Nothing can reach the calendar until a person fixes the settings; do not hold the pairing.
		case err != nil:
			return err
		case provider != nil:
			if err := meetings.RemoveSeries(ctx, provider, pairing.Status.Calendar); err != nil && !errors.Is(err, calendar.ErrUnauthorized) {
				return err
			}
		}
	}
	patch := client.MergeFromWithOptions(pairing.DeepCopy(), client.MergeFromWithOptimisticLock{})
	controllerutil.RemoveFinalizer(pairing, calendarFinalizer)
	return r.Patch(ctx, pairing, patch)
}
