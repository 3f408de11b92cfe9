package email

import (
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
)

// Stage is where a pairing stands, as far as its messages are concerned.
type Stage int

// The stages.
const (
	// Inactive pairings have not started, wait for approval, or ended early: a series already sent is
	// cancelled.
	Inactive Stage = iota
	// Active pairings get their introduction and their invitation.
	Active
	// Completed pairings ended with their programme: what was sent stays as history.
	Completed
)

// Person is one of the pair as the messages show them.
type Person struct {
	// Name is the participant's display name.
	Name string
	// Email is where their messages go; it is given only to the relay.
	Email string
	// Zone is the participant's time zone: their meeting times are shown in it.
	Zone *time.Location
}

// Points is one scoring criterion's contribution to the pair's score, as the Pairing's
// status.scoreBreakdown holds it.
type Points struct {
	Criterion string
	Points    int
}

// Address is a mailbox: the sender's or the recipient's.
type Address struct {
	Name, Email string
}

// Pairing is what the messages of one pairing derive from: everything a controller reads from the
// Programme, the Pairing and its two Participants.
type Pairing struct {
	// Namespace, Programme and Name are the declared names; Occurrence tells a pairing made again
	// under the same name after it ended (empty otherwise). They make the Message-IDs.
	Namespace, Programme, Name, Occurrence string
	// Stage of the pairing.
	Stage Stage
	// EndedAt is when the pairing stopped being active: the stamp of its cancellation. Zero uses Now.
	EndedAt time.Time
	// Purpose of the programme, shown to both.
	Purpose string
	// Reverse is true when the more junior person mentors (the programme's direction).
	Reverse bool
	// Topics the pair shares, as the Pairing's spec.topics.
	Topics []string
	// Breakdown of the pair's score: why they were matched.
	Breakdown []Points
	// Ends is the programme's last day.
	Ends time.Time
	// Mentor and Mentee; nil for a participant who is gone.
	Mentor, Mentee *Person
	// Event is the meeting series as the controllers build it for the calendar (calendar.Event): its
	// UID, slot, summary and description are sent; its Sequence, when set, is the least sequence the
	// invitation carries, so it keeps up with the CalDAV copy. Nil while no meeting is scheduled.
	Event *calendar.Event
	// Sent is the series as last sent by email, from the Pairing's status.email.series.
	Sent *Series
	// Records are the Pairing's delivery records, from status.email.messages: a cancellation goes only
	// to those who were sent the invitation.
	Records []Record
	// From is the sender and organizer: the programme office. ReplyTo is optional.
	From    Address
	ReplyTo string
	// Now is the time of the pass: the next meeting is the first at or after it.
	Now time.Time
}

// Series is the meeting series as last sent by email: what the Pairing's status.email.series keeps, so
// the next version gets the next sequence and the cancellation can be sent after a participant left.
type Series struct {
	UID       string
	Sequence  int
	Hash      string
	Stamp     time.Time
	First     time.Time
	Last      time.Time
	Zone      *time.Location
	Duration  time.Duration
	Interval  int
	Cancelled bool
}

// slot is the series' schedule, as the calendar encodes it.
func (s Series) slot() calendar.Slot {
	first := s.First.In(s.Zone)
	return calendar.Slot{
		Weekday:  first.Weekday(),
		Start:    first.Format("15:04"),
		Zone:     s.Zone,
		Duration: s.Duration,
		Interval: s.Interval,
		First:    s.First,
		Last:     s.Last,
	}
}

// person returns the mentor or the mentee.
func (st Pairing) person(r Role) *Person {
	if r == Mentor {
		return st.Mentor
	}
	return st.Mentee
}

// other is the other role of the pair.
func other(r Role) Role {
	if r == Mentor {
		return Mentee
	}
	return Mentor
}
