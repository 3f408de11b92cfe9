package webhook

import (
	"crypto/sha256"
	"encoding/base32"
	"strings"
	"time"
)

// EventType is a kind of event, spelled as in the API's EventType.
type EventType string

// The event types, in the order receivers usually see them.
const (
	PairingProposed         EventType = "pairing.proposed"
	PairingActivated        EventType = "pairing.activated"
	PairingMeetingScheduled EventType = "pairing.meeting_scheduled"
	PairingEnded            EventType = "pairing.ended"
	ProgrammeMatched        EventType = "programme.matched"
	ProgrammeCompleted      EventType = "programme.completed"
	ParticipantUnmatched    EventType = "participant.unmatched"
	CheckInDue              EventType = "checkin.due"
	PairingNeedsAttention   EventType = "pairing.needs_attention"
	FeedbackSubmitted       EventType = "feedback.submitted"
)

// Kind is the kind of object an event is about.
type Kind string

// The kinds of object that have events.
const (
	KindProgramme   Kind = "Programme"
	KindPairing     Kind = "Pairing"
	KindParticipant Kind = "Participant"
)

// resource is the kind's lower-case plural, as in a Kubernetes API path.
func (k Kind) resource() string {
	return strings.ToLower(string(k)) + "s"
}

// Object identifies the object an event is about by what Git declares: its namespace, programme,
// kind and name. Event ids derive from these, never from anything the cluster assigns (metadata.uid,
// creation times), so that a cluster rebuilt from the same manifests names the same events the same
// way and receivers recognise them.
type Object struct {
	// Namespace of the object and its programme.
	Namespace string
	// Programme is the name of the programme the object belongs to (its own name for a Programme).
	Programme string
	// Kind of the object.
	Kind Kind
	// Name is the object's metadata.name.
	Name string
}

// Event is something that happened to an object, as a receiver learns it.
type Event struct {
	// ID is the same on every attempt and every restart; receivers drop duplicates by it.
	ID string
	// Type of the event.
	Type EventType
	// Time the event happened, taken from the object's state (not the time of the pass) so that every
	// pass derives the same event.
	Time time.Time
	// Object the event is about.
	Object Object
	// Data is what receivers learn: names, scores, topics, reasons and times, never personal data.
	Data Payload
}

// NewEvent is the event of type t about obj that happened at the given time. discriminator says what
// changed, so that a new occurrence of the same type gets a new id while every pass over the same state
// derives the same one:
//   - pairing.proposed, pairing.activated, programme.completed: "" (they happen once per object);
//   - pairing.meeting_scheduled: the series' slot and calendar sequence, e.g.
//     "Tuesday/11:00/Europe/Berlin/3", not the next meeting, which moves on every week;
//   - pairing.ended: the end reason;
//   - programme.matched: the fingerprint of the matching pass (e.g. status.lastMatchTime);
//   - participant.unmatched: the reason and when the participant became unmatched (the Matched
//     condition's lastTransitionTime).
func NewEvent(obj Object, t EventType, discriminator string, at time.Time, data Payload) Event {
	return Event{
		ID:     ID(obj.identity(), t, discriminator),
		Type:   t,
		Time:   at.UTC(),
		Object: obj,
		Data:   data,
	}
}

// identity is the object's declared identity, as event ids derive from it.
func (o Object) identity() string {
	return strings.Join([]string{o.Namespace, o.Programme, string(o.Kind), o.Name}, "/")
}

// idEncoding writes ids in lower-case base32 without padding.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// ID is the stable id of the event of type t about the object with the given identity, which is
// "namespace/programme/Kind/name": "evt_" followed
// by 26 base32 characters (130 bits) of the SHA-256 of the three parts. It is 30 characters long.
func ID(identity string, t EventType, discriminator string) string {
	sum := sha256.Sum256([]byte(identity + "\x00" + string(t) + "\x00" + discriminator))
	return "evt_" + idEncoding.EncodeToString(sum[:])[:26]
}
