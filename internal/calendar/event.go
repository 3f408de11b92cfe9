package calendar

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrInvalidEvent means an event cannot be encoded as given; the message says which field is wrong.
var ErrInvalidEvent = errors.New("invalid calendar event")

// Contact is a person named in an event: the organiser or an attendee.
type Contact struct {
	// Name is shown by calendar programs; optional.
	Name string
	// Email is the person's calendar address.
	Email string
}

// Event is a pair's meeting series as it is written to calendars.
type Event struct {
	// UID identifies the series in every calendar: EventUID of the pairing's declared identity.
	UID string
	// Sequence is raised on every change of the content, so calendar programs take the new version.
	Sequence int
	// Stamp is when this version was made. Keep it with the sequence and pass the same instant again:
	// identical events then encode identically.
	Stamp time.Time
	// Slot is the series: its first meeting, length, zone and recurrence.
	Slot Slot
	// Summary is the title; Description the body. Both optional.
	Summary, Description string
	// Organizer of the series; optional: none is written without an Email.
	Organizer Contact
	// Attendees of the series.
	Attendees []Contact
	// Cancelled marks the whole series as cancelled (STATUS:CANCELLED) instead of confirmed.
	Cancelled bool
}

// EventUID is the iCalendar UID of a pairing's meeting series, derived from the pairing's declared
// identity (its namespace, programme and name), never from anything a cluster assigns: a cluster
// rebuilt from the same manifests finds and updates the series it wrote before instead of adding a
// second one. The identity is hashed, so no name reaches the calendar through the UID.
func EventUID(identity string) string {
	sum := sha256.Sum256([]byte(identity))
	return "pairing-" + uidEncoding.EncodeToString(sum[:])[:26] + "@mentoring.reverse-mentoring.dev"
}

// uidEncoding writes UIDs in lower-case base32 without padding.
var uidEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Hash is a hex SHA-256 of what the event says, leaving out Sequence and Stamp: when it changes,
// raise the sequence, take a new stamp and write the event again.
func (ev Event) Hash() string {
	ev.Sequence, ev.Stamp = 0, time.Time{}
	var w contentWriter
	w.event(ev)
	sum := sha256.Sum256(w.Bytes())
	return hex.EncodeToString(sum[:])
}

// validate rejects events that would encode to an invalid or misleading calendar object.
func (ev Event) validate() error {
	s := ev.Slot
	switch {
	case strings.TrimSpace(ev.UID) == "":
		return fmt.Errorf("%w: the UID is empty", ErrInvalidEvent)
	case ev.Stamp.IsZero():
		return fmt.Errorf("%w: the stamp is not set", ErrInvalidEvent)
	case s.Zone == nil || s.Zone == time.Local:
		return fmt.Errorf("%w: the slot has no named time zone", ErrInvalidEvent)
	case s.Interval < 1 || s.Duration < time.Minute || s.First.IsZero() || s.Last.Before(s.First):
		return fmt.Errorf("%w: the slot is not a chosen series", ErrInvalidEvent)
	case ev.Organizer.Email != "" && !validAddress(ev.Organizer.Email):
		return fmt.Errorf("%w: the organizer's email is not an address", ErrInvalidEvent)
	}
	for i, a := range ev.Attendees {
		if !validAddress(a.Email) {
			return fmt.Errorf("%w: attendee %d has no valid email", ErrInvalidEvent, i+1)
		}
	}
	return nil
}

// validAddress reports whether an email can be written as a mailto: calendar address: not empty,
// with an @, and no space or control character that could break the content line.
func validAddress(email string) bool {
	return strings.Contains(email, "@") && !strings.ContainsFunc(email, func(r rune) bool {
		return r == ' ' || isControl(r)
	})
}
