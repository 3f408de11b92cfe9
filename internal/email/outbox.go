package email

import (
	"iter"
	"strings"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// The email outbox is the webhooks' (webhook.Policy.Plan): the same records, backoff with jitter,
// maximum age and history, so both kinds of delivery behave alike. The relay is its one target, and
// each recipient's kind of message one of its event types: when the relay fails an attempt, the
// pairing's other messages wait for the same retry instead of meeting the same failure.

// State is how far a message's delivery to the relay got, spelled as the API's DeliveryState.
type State = webhook.State

// The delivery states.
const (
	StatePending   = webhook.StatePending
	StateDelivered = webhook.StateDelivered
	StateFailed    = webhook.StateFailed
)

// Policy is how deliveries are retried; DefaultPolicy suits email.
type Policy = webhook.Policy

// DefaultPolicy retries for three days, as long as relays themselves keep trying: an introduction
// delivered late is still worth having.
var DefaultPolicy = Policy{MaxAge: 72 * time.Hour, MaxRecords: 8}

// Record is the delivery of the latest message of one kind to one recipient, as the Pairing's
// status.email.messages keeps it. Its times are whole seconds.
type Record struct {
	Recipient        Role
	Kind             Kind
	MessageID        string
	State            State
	Attempts         int32
	FirstAttemptTime time.Time
	NextAttemptTime  time.Time
	LastAttemptTime  time.Time
	// LastResult of the latest attempt, such as "SMTP 451 4.3.0 at DATA"; never an address.
	LastResult string
}

// relayTarget is the outbox's one target.
const relayTarget = "relay"

// recordType is the outbox event type of a recipient's kind of message, such as "Mentor/Invitation".
func recordType(r Role, k Kind) webhook.EventType {
	return webhook.EventType(string(r) + "/" + string(k))
}

func (r Record) toOutbox() webhook.Record {
	return webhook.Record{
		Webhook: relayTarget, Event: recordType(r.Recipient, r.Kind), ID: r.MessageID, State: r.State, Attempts: r.Attempts,
		FirstAttemptTime: r.FirstAttemptTime, NextAttemptTime: r.NextAttemptTime, LastAttemptTime: r.LastAttemptTime, LastResult: r.LastResult,
	}
}

func fromOutbox(r webhook.Record) Record {
	recipient, kind, _ := strings.Cut(string(r.Event), "/")
	return Record{
		Recipient: Role(recipient), Kind: Kind(kind), MessageID: r.ID, State: r.State, Attempts: r.Attempts,
		FirstAttemptTime: r.FirstAttemptTime, NextAttemptTime: r.NextAttemptTime, LastAttemptTime: r.LastAttemptTime, LastResult: r.LastResult,
	}
}

// RelayHealth is how the outbox sees the programme's relay.
type RelayHealth struct {
	// Disabled relays are not attempted (a setting a person must fix first): deliveries stay pending.
	Disabled bool
	// RecoveredAt is when the relay last accepted a message after failing; pending deliveries tried
	// before then are due at once.
	RecoveredAt time.Time
}

// Step is one outbox pass over one pairing's messages. It does no I/O.
type Step struct {
	inner    *webhook.Step
	messages map[string]Message
	now      time.Time
	// throttledUntil is when the relay's rate limit lets the next message go; no delivery is due
	// before then.
	throttledUntil time.Time
}

// Delivery is an attempt to make now.
type Delivery struct {
	Message Message
	// Attempt number, 1 for the first.
	Attempt int32
	inner   webhook.Delivery
}

// Plan starts a pass: it compares the messages the pairing's state implies with its records, as
// webhook.Policy.Plan does for events. A message without a record, or whose record is of an older
// message of its kind, is pending and due now; a pending record is due at its next attempt; delivered
// and failed ones stay as history; pending records of messages no longer implied are dropped.
func Plan(p Policy, messages []Message, relay RelayHealth, current []Record, now time.Time) *Step {
	s := &Step{messages: map[string]Message{}, now: now}
	events := make([]webhook.Event, len(messages))
	for i, m := range messages {
		s.messages[m.ID] = m
		events[i] = webhook.Event{ID: m.ID, Type: recordType(m.Recipient, m.Kind)}
	}
	records := make([]webhook.Record, len(current))
	for i, r := range current {
		records[i] = r.toOutbox()
	}
	target := webhook.Target{Name: relayTarget, Disabled: relay.Disabled, RecoveredAt: relay.RecoveredAt}
	s.inner = p.Plan(events, []webhook.Target{target}, records, now)
	return s
}

// Due yields the deliveries to attempt now, each recipient's introduction before their invitation.
// Report each one's Result before asking for the next.
func (s *Step) Due() iter.Seq[Delivery] {
	return func(yield func(Delivery) bool) {
		for d := range s.inner.Due() {
			if s.now.Before(s.throttledUntil) {
				return
			}
			if !yield(Delivery{Message: s.messages[d.Event.ID], Attempt: d.Attempt, inner: d}) {
				return
			}
		}
	}
}

// Throttle stops the pass until the relay's rate limit lets the next message go: the due deliveries
// stay due, without counting an attempt, and NextAttempt is no later than until.
func (s *Step) Throttle(until time.Time) {
	s.throttledUntil = until
}

// Report records the result of attempting d and returns the record as it now stands: Delivered when
// the relay took the message, Failed when it refused it for good, Pending with a next attempt
// otherwise (or Failed beyond the policy's maximum age).
func (s *Step) Report(d Delivery, res Result) Record {
	r := s.inner.Report(d.inner, webhook.Result{Outcome: res.Outcome, Message: res.Message})
	if r.ID == "" {
		return Record{}
	}
	return fromOutbox(r)
}

// Records are the pairing's records as the pass leaves them: write them back to its status.
func (s *Step) Records() []Record {
	inner := s.inner.Records()
	out := make([]Record, len(inner))
	for i, r := range inner {
		out[i] = fromOutbox(r)
	}
	return out
}

// NextAttempt is when the earliest pending delivery is due (requeue the pairing then), and false when
// none is pending.
func (s *Step) NextAttempt() (time.Time, bool) {
	next, ok := s.inner.NextAttempt()
	if ok && next.Before(s.throttledUntil) {
		next = s.throttledUntil
	}
	return next, ok
}
