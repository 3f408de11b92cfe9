package webhook

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"time"
)

// State is how far an event's delivery to one webhook got, spelled as in the API's DeliveryState.
type State string

// The delivery states.
const (
	// StatePending waits for its first or next attempt.
	StatePending State = "Pending"
	// StateDelivered was accepted by the receiver.
	StateDelivered State = "Delivered"
	// StateFailed will not be retried: refused by the receiver or the guard, or older than MaxAge.
	StateFailed State = "Failed"
)

// maxResultRunes bounds LastResult, as the API does.
const maxResultRunes = 256

// Record is the delivery of the latest event of one type to one webhook, as the API's Notification
// keeps it in an object's status. There is at most one record per webhook and event type. Its times
// are whole seconds, as status keeps them, so records survive the trip through the API unchanged.
type Record struct {
	// Webhook is the webhook's name.
	Webhook string
	// Event is the event type.
	Event EventType
	// ID of the event.
	ID string
	// State of the delivery.
	State State
	// Attempts made so far.
	Attempts int32
	// FirstAttemptTime is when delivery was first tried; zero before that.
	FirstAttemptTime time.Time
	// NextAttemptTime is when a pending delivery is due; zero once delivered or failed.
	NextAttemptTime time.Time
	// LastAttemptTime is when delivery was last tried: for a Delivered record, when it succeeded.
	LastAttemptTime time.Time
	// LastResult of the latest attempt, such as "HTTP 503".
	LastResult string
}

// Target is a webhook as the outbox sees it.
type Target struct {
	// Name of the webhook.
	Name string
	// Events the webhook receives; all when empty.
	Events []EventType
	// Disabled webhooks (gone, or unusable because a Secret is missing) are not attempted: their
	// deliveries stay pending, and are due as soon as the webhook is enabled again.
	Disabled bool
	// RecoveredAt is when the webhook last accepted a delivery after failing; zero if unknown. Pending
	// deliveries last attempted before then are due at once instead of waiting out their backoff: the
	// receiver is back.
	RecoveredAt time.Time
}

// wants is true when the webhook receives events of type t.
func (t Target) wants(e EventType) bool {
	return len(t.Events) == 0 || slices.Contains(t.Events, e)
}

// Delivery is an attempt to make now.
type Delivery struct {
	// Webhook to deliver to.
	Webhook string
	// Event to deliver.
	Event Event
	// Attempt number, 1 for the first.
	Attempt int32
}

// recordKey identifies a record: one per webhook and event type.
type recordKey struct {
	webhook string
	event   EventType
}

// due is a record whose delivery is due, and its event.
type due struct {
	index int
	event Event
}

// Step is one outbox pass over one object: the deliveries due now, and the records as the attempts
// reported so far leave them. It does no I/O.
type Step struct {
	policy  Policy
	now     time.Time
	records []Record
	index   map[recordKey]int
	due     []due
	// deferred holds the webhooks an attempt to which failed in this step, and when that attempt is
	// retried: their other deliveries wait until then rather than meet the same failure.
	deferred map[string]time.Time
	// disabled holds the webhooks not attempted: disabled targets, and those gone in this step.
	disabled map[string]bool
}

// Plan starts a pass: it compares the events an object's state implies (at most one per type; of
// several, the latest counts) with the object's records for the given webhooks at time now.
//   - An event a webhook wants and has no record of, or a record of an older event of its type: a new
//     Pending record, due now.
//   - A Pending record whose next attempt has come, or that failed before its webhook recovered: due,
//     unless older than MaxAge (then Failed).
//   - A Delivered or Failed record of the same event: nothing.
//
// Records of events no longer implied are kept while Delivered or Failed, as history within
// MaxRecords, and dropped while Pending (the state that implied them is gone). Records of webhooks
// no longer configured are dropped.
func (p Policy) Plan(desired []Event, targets []Target, current []Record, now time.Time) *Step {
	s := &Step{
		policy:   p.withDefaults(),
		now:      now,
		index:    map[recordKey]int{},
		deferred: map[string]time.Time{},
		disabled: map[string]bool{},
	}
	latest := latestByType(desired)
	previous := map[recordKey]Record{}
	for _, r := range current {
		if _, dup := previous[recordKey{r.Webhook, r.Event}]; !dup {
			previous[recordKey{r.Webhook, r.Event}] = r
		}
	}
	configured := map[string]bool{}
	for _, t := range targets {
		if configured[t.Name] {
			continue
		}
		configured[t.Name] = true
		s.disabled[t.Name] = t.Disabled
		for _, e := range latest {
			if !t.wants(e.Type) {
				continue
			}
			k := recordKey{t.Name, e.Type}
			r, ok := previous[k]
			delete(previous, k)
			switch {
			case !ok || r.ID != e.ID:
				r = Record{Webhook: t.Name, Event: e.Type, ID: e.ID, State: StatePending, NextAttemptTime: now.Truncate(time.Second)}
			case r.State == StatePending && r.LastAttemptTime.Before(t.RecoveredAt):
				// LastAttemptTime is kept in whole seconds, rounded down: an attempt in the same second as
				// the recovery counts as before it, so a retry may come one attempt early, never minutes late.
				r.NextAttemptTime = now.Truncate(time.Second)
			}
			s.records = append(s.records, r)
		}
	}
	s.keepHistory(previous, configured)
	s.expire()
	slices.SortFunc(s.records, compareRecords)
	for i, r := range s.records {
		s.index[recordKey{r.Webhook, r.Event}] = i
		if s.isDue(r) {
			s.due = append(s.due, due{index: i, event: eventOfType(latest, r.Event)})
		}
	}
	slices.SortStableFunc(s.due, func(a, b due) int {
		return cmp.Or(cmp.Compare(s.records[a.index].Webhook, s.records[b.index].Webhook), a.event.Time.Compare(b.event.Time))
	})
	return s
}

// keepHistory adds the Delivered and Failed records of events no longer desired, for configured
// webhooks, newest first, as long as the records stay within MaxRecords.
func (s *Step) keepHistory(rest map[recordKey]Record, configured map[string]bool) {
	var history []Record
	for _, r := range rest {
		if configured[r.Webhook] && r.State != StatePending {
			history = append(history, r)
		}
	}
	slices.SortFunc(history, func(a, b Record) int {
		return cmp.Or(b.FirstAttemptTime.Compare(a.FirstAttemptTime), compareRecords(a, b))
	})
	room := max(s.policy.MaxRecords-len(s.records), 0)
	s.records = append(s.records, history[:min(room, len(history))]...)
}

// expire fails the pending records first attempted longer than MaxAge ago.
func (s *Step) expire() {
	for i := range s.records {
		r := &s.records[i]
		if r.State == StatePending && !r.FirstAttemptTime.IsZero() && s.now.Sub(r.FirstAttemptTime) > s.policy.MaxAge {
			s.giveUp(r)
		}
	}
}

// giveUp fails a record that was not delivered within MaxAge.
func (s *Step) giveUp(r *Record) {
	r.State = StateFailed
	r.NextAttemptTime = time.Time{}
	r.LastResult = clip(fmt.Sprintf("gave up after %d attempts in %s: %s", r.Attempts, s.policy.MaxAge, r.LastResult), maxResultRunes)
}

// isDue is true for a pending record of an enabled webhook whose next attempt has come.
func (s *Step) isDue(r Record) bool {
	return r.State == StatePending && !s.disabled[r.Webhook] && !r.NextAttemptTime.After(s.now)
}

// Due yields the deliveries to attempt now, per webhook in the order the events happened. Report each
// one's Result before asking for the next: after an attempt to a webhook fails and will be retried,
// that webhook's remaining deliveries are not yielded but wait for the same retry time, and after a
// webhook is gone they are not yielded at all.
func (s *Step) Due() iter.Seq[Delivery] {
	return func(yield func(Delivery) bool) {
		for _, d := range s.due {
			r := &s.records[d.index]
			if !s.isDue(*r) {
				continue
			}
			if until, ok := s.deferred[r.Webhook]; ok {
				r.NextAttemptTime = until
				continue
			}
			if !yield(Delivery{Webhook: r.Webhook, Event: d.event, Attempt: r.Attempts + 1}) {
				return
			}
		}
	}
}

// Report records the result of attempting d and returns the record as it now stands: Delivered on a
// 2xx; Failed on a refusal or a Gone (the webhook is then not attempted again in this step); Pending
// with a next attempt after a retryable failure, or Failed when that would be beyond MaxAge. A
// delivery that is not due (unknown, or already reported) is ignored and gives the zero Record.
func (s *Step) Report(d Delivery, res Result) Record {
	i, ok := s.index[recordKey{d.Webhook, d.Event.Type}]
	if !ok || s.records[i].ID != d.Event.ID || !s.isDue(s.records[i]) {
		return Record{}
	}
	r := &s.records[i]
	r.Attempts++
	r.LastAttemptTime = s.now.Truncate(time.Second)
	if r.FirstAttemptTime.IsZero() {
		r.FirstAttemptTime = r.LastAttemptTime
	}
	r.LastResult = clip(res.Message, maxResultRunes)
	r.NextAttemptTime = time.Time{}
	switch res.Outcome {
	case OutcomeDelivered:
		r.State = StateDelivered
	case OutcomeFailed:
		r.State = StateFailed
	case OutcomeGone:
		r.State = StateFailed
		s.disabled[r.Webhook] = true
	default:
		next := ceilSecond(s.now.Add(s.policy.retryDelay(r.ID, r.Attempts, res.RetryAfter)))
		s.deferred[r.Webhook] = next
		r.State = StatePending
		r.NextAttemptTime = next
		if next.Sub(r.FirstAttemptTime) > s.policy.MaxAge {
			s.giveUp(r)
		}
	}
	return *r
}

// ceilSecond rounds t up to a whole second, so that a stored retry time is never earlier than the
// one computed.
func ceilSecond(t time.Time) time.Time {
	if s := t.Truncate(time.Second); !s.Equal(t) {
		return s.Add(time.Second)
	}
	return t
}

// Records are the object's records as the pass leaves them, sorted by webhook and event type: write
// them back to its status.
func (s *Step) Records() []Record {
	return slices.Clone(s.records)
}

// NextAttempt is when the earliest pending delivery to an enabled webhook is due (requeue the object
// then), and false when none is pending.
func (s *Step) NextAttempt() (time.Time, bool) {
	var next time.Time
	found := false
	for _, r := range s.records {
		if r.State == StatePending && !s.disabled[r.Webhook] && (!found || r.NextAttemptTime.Before(next)) {
			next, found = r.NextAttemptTime, true
		}
	}
	return next, found
}

// eventOfType finds the event of type t, which a pending record's type always has.
func eventOfType(events []Event, t EventType) Event {
	i := slices.IndexFunc(events, func(e Event) bool { return e.Type == t })
	return events[i]
}
