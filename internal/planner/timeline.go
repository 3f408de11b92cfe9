package planner

import (
	"fmt"
	"time"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/zones"
)

// Timeline is a programme's schedule as instants. Dates are whole days in the schedule's time zone: the
// programme starts at the beginning of its start day and ends at the end of its end day.
type Timeline struct {
	// Start is the beginning of the start day: meetings take place from here.
	Start time.Time
	// EnrolmentEnd is the end of the enrolment deadline day, or End without a deadline.
	EnrolmentEnd time.Time
	// End is the end of the end day: pairings complete here.
	End time.Time
	// Location is the schedule's time zone.
	Location *time.Location
}

// TimelineOf reads a programme's schedule.
func TimelineOf(programme *mentoringv1alpha1.Programme) (Timeline, error) {
	s := programme.Spec.Schedule
	zone := string(s.TimeZone)
	if zone == "" {
		zone = "UTC"
	}
	loc, err := zones.Load(zone)
	if err != nil {
		return Timeline{}, fmt.Errorf("schedule.timeZone %q is not a known IANA time zone", zone)
	}
	day := func(field string, d mentoringv1alpha1.Date) (time.Time, error) {
		t, err := time.ParseInLocation(time.DateOnly, string(d), loc)
		if err != nil {
			return time.Time{}, fmt.Errorf("schedule.%s %q is not a date YYYY-MM-DD", field, d)
		}
		return t, nil
	}
	start, err := day("start", s.Start)
	if err != nil {
		return Timeline{}, err
	}
	lastDay, err := day("end", s.End)
	if err != nil {
		return Timeline{}, err
	}
	t := Timeline{Start: start, End: lastDay.AddDate(0, 0, 1), Location: loc}
	t.EnrolmentEnd = t.End
	if s.EnrolmentDeadline != "" {
		deadline, err := day("enrolmentDeadline", s.EnrolmentDeadline)
		if err != nil {
			return Timeline{}, err
		}
		t.EnrolmentEnd = deadline.AddDate(0, 0, 1)
	}
	return t, nil
}

// Enrolling reports whether new pairings may be made at now: before the end of enrolment.
func (t Timeline) Enrolling(now time.Time) bool { return now.Before(t.EnrolmentEnd) }

// Started reports whether meetings may take place at now.
func (t Timeline) Started(now time.Time) bool { return !now.Before(t.Start) }

// Ended reports whether the programme is over at now.
func (t Timeline) Ended(now time.Time) bool { return !now.Before(t.End) }
