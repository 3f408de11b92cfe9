package meetings

import (
	"context"
	"errors"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
)

// WriteSeries writes the event unless the calendar holds this content already. A new version gets the
// next sequence and a new stamp. Without a known location it looks the event up by UID first, so a lost
// status never makes a duplicate; a conflict makes it look again and retry once.
func WriteSeries(ctx context.Context, provider calendar.Provider, ev calendar.Event, current *mentoringv1alpha1.CalendarStatus, now time.Time) (*mentoringv1alpha1.CalendarStatus, error) {
	hash := ev.Hash()
	if current != nil && current.Href != "" && current.Hash == hash {
		return current, nil
	}
	known, sequence := calendar.Ref{}, int32(0)
	if current != nil {
		known, sequence = calendar.Ref{Href: current.Href, ETag: current.ETag}, current.Sequence+1
	}
	ev.Sequence, ev.Stamp = int(sequence), now.UTC().Truncate(time.Second)
	ref, err := putSeries(ctx, provider, ev, known)
	if errors.Is(err, calendar.ErrConflict) {
		ref, err = putSeries(ctx, provider, ev, calendar.Ref{})
	}
	if err != nil {
		return nil, err
	}
	return &mentoringv1alpha1.CalendarStatus{UID: ev.UID, Sequence: sequence, Href: ref.Href, ETag: ref.ETag, Hash: hash,
		Stamp: &metav1.Time{Time: ev.Stamp}}, nil
}

// putSeries writes the event at known, or, without it, where the calendar already holds its UID, or
// as a new event.
func putSeries(ctx context.Context, provider calendar.Provider, ev calendar.Event, known calendar.Ref) (calendar.Ref, error) {
	if known.IsZero() {
		if err := provider.Ensure(ctx); err != nil {
			return calendar.Ref{}, err
		}
		found, ok, err := provider.Find(ctx, ev.UID)
		if err != nil {
			return calendar.Ref{}, err
		}
		if ok {
			known = found
		}
	}
	return provider.Put(ctx, ev, known)
}

// RemoveSeries deletes the pair's event wherever the calendar holds it.
func RemoveSeries(ctx context.Context, provider calendar.Provider, current *mentoringv1alpha1.CalendarStatus) error {
	if current == nil {
		return nil
	}
	ref := calendar.Ref{Href: current.Href}
	if ref.IsZero() {
		found, ok, err := provider.Find(ctx, current.UID)
		if err != nil || !ok {
			return err
		}
		ref = found
	}
	return provider.Delete(ctx, ref)
}
