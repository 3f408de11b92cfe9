package meetings

import (
	"context"
	"errors"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
)

// WriteSeries writes the event unless the calendar holds this content already, and returns the series
// as status records it. A new version gets the next sequence and a new stamp.
//
// Without a known location (a restart without status, a cluster rebuilt from Git) it looks the series
// up by its UID first and adopts it: as it is, when it holds this content, or updated with the
// sequence after the stored one. A conflict makes it look again and retry once. A series recorded
// under another UID (written before UIDs came from declared names) is replaced once: the new one is
// written, then the old one removed.
func WriteSeries(ctx context.Context, provider calendar.Provider, ev calendar.Event, current *mentoringv1alpha1.CalendarStatus, now time.Time) (*mentoringv1alpha1.CalendarStatus, error) {
	hash := ev.Hash()
	if current != nil && current.UID == ev.UID && current.Href != "" && current.Hash == hash {
		return current, nil
	}
	var known calendar.Stored
	if current != nil && current.UID == ev.UID {
		known = calendar.Stored{Ref: calendar.Ref{Href: current.Href, ETag: current.ETag}, Sequence: int(current.Sequence)}
	}
	written, err := putSeries(ctx, provider, ev, hash, known, now)
	if errors.Is(err, calendar.ErrConflict) {
		written, err = putSeries(ctx, provider, ev, hash, calendar.Stored{Sequence: known.Sequence}, now)
	}
	if err != nil {
		return nil, err
	}
	if current != nil && current.UID != ev.UID {
		if err := RemoveSeries(ctx, provider, current); err != nil {
			return nil, err
		}
	}
	return written, nil
}

// putSeries writes the event at known with the sequence after known's, or, without a location, adopts
// the series the calendar holds under its UID, or creates it.
func putSeries(ctx context.Context, provider calendar.Provider, ev calendar.Event, hash string, known calendar.Stored, now time.Time) (*mentoringv1alpha1.CalendarStatus, error) {
	sequence := known.Sequence + 1
	if known.IsZero() {
		if err := provider.Ensure(ctx); err != nil {
			return nil, err
		}
		found, ok, err := provider.Find(ctx, ev.UID)
		switch {
		case err != nil:
			return nil, err
		case ok && found.Hash == hash:
			return seriesStatus(ev.UID, found, hash), nil
		case ok:
			known, sequence = found, max(sequence, found.Sequence+1)
		default:
			sequence = 0
		}
	}
	ev.Sequence, ev.Stamp = sequence, now.UTC().Truncate(time.Second)
	ref, err := provider.Put(ctx, ev, known.Ref)
	if err != nil {
		return nil, err
	}
	return seriesStatus(ev.UID, calendar.Stored{Ref: ref, Sequence: ev.Sequence, Stamp: ev.Stamp}, hash), nil
}

func seriesStatus(uid string, s calendar.Stored, hash string) *mentoringv1alpha1.CalendarStatus {
	return &mentoringv1alpha1.CalendarStatus{UID: uid, Sequence: int32(s.Sequence), Href: s.Href, ETag: s.ETag, Hash: hash,
		Stamp: &metav1.Time{Time: s.Stamp}}
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
		ref = found.Ref
	}
	return provider.Delete(ctx, ref)
}
