package meetings

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/timing"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/zones"
)

// Pair is a pairing with its programme and its two people: what its meetings are worked out from.
type Pair struct {
	Programme      *mentoringv1alpha1.Programme
	Timeline       planner.Timeline
	Pairing        *mentoringv1alpha1.Pairing
	Mentor, Mentee *mentoringv1alpha1.Participant
}

// Identity is what Git declares of the pairing: its namespace, programme and name. The series' UID and
// the seed that spreads meeting times derive from it, never from the pairing's metadata.uid, so that a
// cluster rebuilt from the same manifests gives every pair the same meeting and finds its series.
func (p Pair) Identity() string {
	return p.Pairing.Namespace + "/" + p.Pairing.Spec.ProgrammeRef.Name + "/" + p.Pairing.Name
}

// Slot chooses the pair's standing meeting: a weekly slot in the mentor's zone inside both people's
// availability for every meeting from the later of the programme's start and the pairing's creation
// until the programme's end. The meeting the pairing has keeps its time while it still fits.
func (p Pair) Slot() (calendar.Slot, error) {
	person := func(participant *mentoringv1alpha1.Participant) calendar.Person {
		zone, _ := zones.Load(string(participant.Spec.Timezone))
		return calendar.Person{Available: planner.Availability(participant.Spec.Availability), Zone: zone}
	}
	return calendar.Choose(calendar.Request{
		Anchor:          person(p.Mentor),
		Other:           person(p.Mentee),
		Cadence:         calendar.Cadence(cmp.Or(p.Programme.Spec.Meetings.Cadence, mentoringv1alpha1.CadenceBiweekly)),
		DurationMinutes: planner.MeetingMinutes(p.Programme),
		Start:           timing.Later(p.Timeline.Start, p.Pairing.CreationTimestamp.Time),
		End:             p.Timeline.End,
		Seed:            p.Identity(),
		Keep:            p.standing(),
	})
}

// standing is the pairing's current meeting time, when it is on the mentor's clock.
func (p Pair) standing() *calendar.Standing {
	m := p.Pairing.Status.Meeting
	if m == nil || m.TimeZone != p.Mentor.Spec.Timezone {
		return nil
	}
	for day := time.Sunday; day <= time.Saturday; day++ {
		if day.String() == string(m.Weekday) {
			return &calendar.Standing{Weekday: day, Start: m.Start}
		}
	}
	return nil
}

// Status reports a slot and its next meeting after now, in UTC and in each person's zone.
func (p Pair) Status(slot calendar.Slot, now time.Time) *mentoringv1alpha1.MeetingStatus {
	m := &mentoringv1alpha1.MeetingStatus{
		Weekday: mentoringv1alpha1.Weekday(slot.Weekday.String()), Start: slot.Start, TimeZone: mentoringv1alpha1.TimeZone(slot.Zone.String()),
		DurationMinutes: int32(slot.Duration / time.Minute), RecurrenceRule: slot.RRule,
	}
	if next, ok := slot.NextOccurrence(now); ok {
		m.NextMeeting = &metav1.Time{Time: next.UTC()}
		m.NextMeetingMentor = calendar.Format(next, zoneOf(p.Mentor))
		m.NextMeetingMentee = calendar.Format(next, zoneOf(p.Mentee))
	}
	return m
}

func zoneOf(p *mentoringv1alpha1.Participant) *time.Location {
	if zone, err := zones.Load(string(p.Spec.Timezone)); err == nil {
		return zone
	}
	return time.UTC
}

// Event is the pair's meeting series as calendars show it.
func (p Pair) Event(slot calendar.Slot) calendar.Event {
	contact := func(participant *mentoringv1alpha1.Participant) calendar.Contact {
		return calendar.Contact{Name: participant.Spec.DisplayName, Email: string(participant.Spec.Email)}
	}
	organizer := contact(p.Mentor)
	if c := p.Programme.Spec.Integrations; c != nil && c.Calendar != nil && c.Calendar.Organizer != "" {
		organizer = calendar.Contact{Name: "Mentoring: " + p.Programme.Name, Email: string(c.Calendar.Organizer)}
	}
	return calendar.Event{
		UID:         calendar.EventUID(p.Identity()),
		Slot:        slot,
		Summary:     "Reverse mentoring: " + p.Programme.Name,
		Description: fmt.Sprintf("%s\nTopics: %s.", p.Programme.Spec.Purpose, strings.Join(Topics(p.Pairing.Spec.Topics), ", ")),
		Organizer:   organizer,
		Attendees:   []calendar.Contact{contact(p.Mentor), contact(p.Mentee)},
	}
}

// Topics are the pairing's topics as strings.
func Topics(topics []mentoringv1alpha1.Topic) []string {
	out := make([]string, len(topics))
	for i, t := range topics {
		out[i] = string(t)
	}
	return out
}
