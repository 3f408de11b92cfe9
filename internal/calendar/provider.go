package calendar

import (
	"context"
	"errors"
	"time"
)

// Provider is a calendar service that holds the meeting series: CalDAV today, others (Google
// Calendar, Microsoft 365) behind the same methods. Its errors wrap ErrUnauthorized, ErrUnreachable
// or ErrConflict when they are one of those; any other error is permanent until the configuration
// changes.
type Provider interface {
	// Ensure makes sure the calendar exists, creating it when missing.
	Ensure(ctx context.Context) error
	// Put writes the event. With a zero known Ref it creates the event and fails with ErrConflict if
	// one with its UID exists already; otherwise it replaces the event at known, only if it is still
	// the version known.ETag names (ErrConflict if not). It returns where the event now is.
	Put(ctx context.Context, ev Event, known Ref) (Ref, error)
	// Find looks the event up by its UID, for when its Ref was lost (a restart without status, a
	// cluster rebuilt from Git); false when there is none.
	Find(ctx context.Context, uid string) (Stored, bool, error)
	// Delete removes the event, only if it is still the version ref.ETag names when that is set.
	// An event that is already gone is not an error.
	Delete(ctx context.Context, ref Ref) error
}

// Ref is where a provider keeps an event, and which version of it was last seen.
type Ref struct {
	// Href is the event's address at the provider: for CalDAV, the resource's path.
	Href string
	// ETag is the version last written or read; empty when unknown.
	ETag string
}

// Stored is an event as a provider holds it: where, which version, and what the operator wrote into
// it, so that a series found again can be adopted as it is or updated with the next sequence.
type Stored struct {
	Ref
	// Sequence and Stamp of the stored version.
	Sequence int
	Stamp    time.Time
	// Hash of the stored content (Event.Hash); empty when the event was not written by this version of
	// the operator.
	Hash string
}

// IsZero reports whether the Ref names no event.
func (r Ref) IsZero() bool { return r.Href == "" }

var (
	// ErrUnauthorized means the provider refused the credentials (HTTP 401 or 403): a person must
	// fix them; retrying will not help.
	ErrUnauthorized = errors.New("calendar server refused the credentials")
	// ErrUnreachable means the provider could not be reached or failed for now (connection errors,
	// timeouts, HTTP 408, 429 and 5xx): retry with backoff.
	ErrUnreachable = errors.New("calendar server unreachable")
	// ErrConflict means the event changed or appeared since it was last seen (HTTP 412): find or
	// read it again, then retry.
	ErrConflict = errors.New("calendar event changed since it was last seen")
)
