package planner

import (
	"reflect"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/measure"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/zones"
)

// TestMeasureScheduleReadsTheSeries: the meetings read back from status.meeting are the series the
// calendar books, across the spring clock change, from the pairing's creation on.
func TestMeasureScheduleReadsTheSeries(t *testing.T) {
	london, _ := zones.Load("Europe/London")
	slot := calendar.Slot{Weekday: time.Tuesday, Start: "10:00", Zone: london, Interval: 2,
		First: time.Date(2027, 2, 2, 10, 0, 0, 0, london), Last: time.Date(2027, 6, 22, 10, 0, 0, 0, london)}
	pairing := &mentoringv1alpha1.Pairing{
		ObjectMeta: metav1.ObjectMeta{CreationTimestamp: metav1.NewTime(time.Date(2027, 1, 20, 0, 0, 0, 0, time.UTC))},
		Status: mentoringv1alpha1.PairingStatus{Meeting: &mentoringv1alpha1.MeetingStatus{
			Weekday: "Tuesday", Start: "10:00", TimeZone: "Europe/London", DurationMinutes: 45,
			RecurrenceRule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270622T090000Z"}},
	}
	timeline := Timeline{Start: time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC)}
	s := MeasureSchedule(pairing, timeline)
	want := slot.Occurrences()
	if len(s.Meetings) != len(want) {
		t.Fatalf("%d meetings, want %d", len(s.Meetings), len(want))
	}
	for i := range want {
		if !s.Meetings[i].Equal(want[i]) {
			t.Errorf("meeting %d at %v, want %v", i, s.Meetings[i], want[i])
		}
	}
	if s.MeetingLength != 45*time.Minute || !s.Ended.IsZero() {
		t.Errorf("schedule %+v", s)
	}
	pairing.Status.Ended = &mentoringv1alpha1.PairingEnd{Time: metav1.NewTime(timeline.End), Reason: mentoringv1alpha1.EndProgrammeCompleted}
	if s := MeasureSchedule(pairing, timeline); !s.Ended.IsZero() {
		t.Error("a pairing that completed with the programme counts as ended early")
	}
	pairing.Status.Meeting.RecurrenceRule = "FREQ=WEEKLY"
	if s := MeasureSchedule(pairing, timeline); s.Meetings != nil {
		t.Errorf("meetings %v from a rule without UNTIL", s.Meetings)
	}
}

func TestCheckInsRoundTrip(t *testing.T) {
	three := 3
	r := measure.Response{Round: "checkin-2", Role: measure.Mentee, Submitted: time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC),
		Meetings: &three, Topics: map[string]int{"ai": 4, "social-media": 2}, Answers: map[string]int{"energy": 5}}
	c := CheckIn(r)
	if c.Topics[0].Topic != "ai" || c.Topics[1].Topic != "social-media" {
		t.Errorf("topics not sorted: %+v", c.Topics)
	}
	if got := Responses([]mentoringv1alpha1.CheckIn{c})[0]; !reflect.DeepEqual(got, r) {
		t.Errorf("round trip gave %+v, want %+v", got, r)
	}
	list := WithCheckIn(nil, c)
	mentor := CheckIn(measure.Response{Round: "checkin-2", Role: measure.Mentor, Submitted: r.Submitted})
	list = WithCheckIn(list, mentor)
	again := c
	again.Meetings = nil
	list = WithCheckIn(list, again)
	if len(list) != 2 || list[0].Role != "Mentee" || list[1].Role != "Mentor" || list[0].Meetings != nil {
		t.Errorf("after a second submission: %+v, want the mentee's replaced and both sorted", list)
	}
}
