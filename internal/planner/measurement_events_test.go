package planner

import (
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/measure"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// measuredPairing meets every Tuesday at 10:00 UTC from 2027-01-12: check-in 1 is open from
// 2027-02-09 10:00 to 2027-03-09 10:00, check-in 2 until the midpoint survey opens on 2027-04-06.
func measuredPairing(uid types.UID, checkIns ...mentoringv1alpha1.CheckIn) (*mentoringv1alpha1.Programme, *mentoringv1alpha1.Pairing, Timeline) {
	programme := &mentoringv1alpha1.Programme{ObjectMeta: metav1.ObjectMeta{Name: "dl"},
		Spec: mentoringv1alpha1.ProgrammeSpec{Schedule: mentoringv1alpha1.ProgrammeSchedule{Start: "2027-01-11", End: "2027-06-30"},
			Measurement: &mentoringv1alpha1.Measurement{}}}
	pairing := &mentoringv1alpha1.Pairing{
		ObjectMeta: metav1.ObjectMeta{Name: "dl-ada-bob", Namespace: "hr", UID: uid},
		Spec: mentoringv1alpha1.PairingSpec{ProgrammeRef: mentoringv1alpha1.LocalObjectReference{Name: "dl"},
			MentorRef: mentoringv1alpha1.LocalObjectReference{Name: "ada"}, MenteeRef: mentoringv1alpha1.LocalObjectReference{Name: "bob"}},
		Status: mentoringv1alpha1.PairingStatus{CheckIns: checkIns, Meeting: &mentoringv1alpha1.MeetingStatus{
			Weekday: "Tuesday", Start: "10:00", TimeZone: "UTC", DurationMinutes: 45,
			RecurrenceRule: "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;UNTIL=20270629T100000Z"}},
	}
	timeline, err := TimelineOf(programme)
	if err != nil {
		panic(err)
	}
	return programme, pairing, timeline
}

func noMeeting(round string, role mentoringv1alpha1.Role, day int) mentoringv1alpha1.CheckIn {
	return mentoringv1alpha1.CheckIn{Round: round, Role: role, Meetings: ptr.To[int32](0),
		SubmittedTime: metav1.NewTime(time.Date(2027, 2, day, 9, 0, 0, 0, time.UTC))}
}

func TestCheckInStateOf(t *testing.T) {
	now := time.Date(2027, 3, 20, 12, 0, 0, 0, time.UTC)
	checkIns := []mentoringv1alpha1.CheckIn{noMeeting("checkin-1", "Mentor", 20), noMeeting("checkin-1", "Mentee", 21), noMeeting("checkin-2", "Mentee", 28)}
	programme, pairing, timeline := measuredPairing("uid-1", checkIns...)
	s, ok := CheckInStateOf(programme, pairing, timeline, now)
	if !ok {
		t.Fatal("a measuring programme does not measure")
	}
	if s.Health.State != measure.NeedsAttention || s.Health.Cause != measure.NoMeetingsReported {
		t.Errorf("health %+v, want NeedsAttention for no meetings in two rounds", s.Health)
	}
	var types []webhook.EventType
	for _, e := range s.Events {
		types = append(types, e.Type)
	}
	want := []webhook.EventType{webhook.CheckInDue, webhook.FeedbackSubmitted, webhook.PairingNeedsAttention}
	if len(types) != 3 || types[0] != want[0] || types[1] != want[1] || types[2] != want[2] {
		t.Fatalf("events %v, want %v", types, want)
	}
	if due := s.Events[0].Data.(webhook.CheckInData); due.Round != "checkin-2" {
		t.Errorf("checkin.due of %s, want the latest round opened", due.Round)
	}
	if fb := s.Events[1].Data.(webhook.FeedbackData); fb.Round != "checkin-2" || len(fb.Responses) != 1 {
		t.Errorf("feedback.submitted %+v, want check-in 2's one answer", fb)
	}
	if want := time.Date(2027, 4, 6, 10, 0, 0, 0, time.UTC); !s.Next.Equal(want) {
		t.Errorf("next change at %v, want %v when check-in 2 closes", s.Next, want)
	}
	// The same declared objects in a rebuilt cluster (another UID) derive the same event ids.
	programme, rebuilt, timeline := measuredPairing("uid-after-rebuild", checkIns...)
	again, _ := CheckInStateOf(programme, rebuilt, timeline, now)
	for i := range s.Events {
		if again.Events[i].ID != s.Events[i].ID {
			t.Errorf("%s id %s after a rebuild, want %s", s.Events[i].Type, again.Events[i].ID, s.Events[i].ID)
		}
	}
	programme.Spec.Measurement = nil
	if _, ok := CheckInStateOf(programme, pairing, timeline, now); ok {
		t.Error("a programme without measurement measures")
	}
}

func TestProgrammeMeasurement(t *testing.T) {
	programme, pairing, timeline := measuredPairing("uid-1", noMeeting("checkin-1", "Mentor", 20))
	measured, ok := ProgrammeMeasurement(programme, []mentoringv1alpha1.Pairing{*pairing}, timeline, time.Date(2027, 3, 20, 0, 0, 0, 0, time.UTC))
	summary, outcome := measured.Summary, measured.Outcome
	if !ok || summary.Responses != 1 || summary.ResponsesDue != 2 || *summary.ResponseRatePercent != 50 || summary.MeetingsHeld != nil {
		t.Fatalf("summary %+v: want 1 of 2 answered, meetings hidden for one person", summary)
	}
	if summary.PairingsByHealth.OnTrack+summary.PairingsByHealth.NeedsAttention+summary.PairingsByHealth.Inactive+summary.PairingsByHealth.TooEarly != 1 {
		t.Errorf("health counts %+v, want the one pairing", summary.PairingsByHealth)
	}
	if outcome.Responses != 1 || *outcome.ResponseRatePercent != 50 {
		t.Errorf("outcome %+v", outcome)
	}
	if want := time.Date(2027, 4, 6, 10, 0, 0, 0, time.UTC); measured.Final || !measured.Next.Equal(want) {
		t.Errorf("final %v, next change %v; want not final, the next at the midpoint survey's opening, %v", measured.Final, measured.Next, want)
	}
	// The end survey closes 14 days after the programme's end: from then on nothing changes.
	closed := timeline.End.Add(measure.Grace)
	if before, _ := ProgrammeMeasurement(programme, []mentoringv1alpha1.Pairing{*pairing}, timeline, closed.Add(-time.Second)); before.Final || !before.Next.Equal(closed) {
		t.Errorf("a second before the end survey closes: final %v, next %v; want not final, next %v", before.Final, before.Next, closed)
	}
	if after, _ := ProgrammeMeasurement(programme, []mentoringv1alpha1.Pairing{*pairing}, timeline, closed); !after.Final || !after.Next.IsZero() {
		t.Errorf("once the end survey closed: final %v, next %v; want final and nothing next", after.Final, after.Next)
	}
}

// BenchmarkProgrammeMeasurement is the programme pass's measure step over 5,000 pairings (a programme
// of 10,000 participants), each with both people's answers to the first three rounds.
func BenchmarkProgrammeMeasurement(b *testing.B) {
	programme, pairing, timeline := measuredPairing("uid-1")
	pairings := make([]mentoringv1alpha1.Pairing, 5000)
	for i := range pairings {
		p := pairing.DeepCopy()
		p.Name, p.Spec.MentorRef.Name, p.Spec.MenteeRef.Name = fmt.Sprintf("dl-%05d", i), fmt.Sprintf("m-%05d", i), fmt.Sprintf("e-%05d", i)
		for _, round := range []string{"checkin-1", "checkin-2", "checkin-3"} {
			for _, role := range []mentoringv1alpha1.Role{mentoringv1alpha1.RoleMentor, mentoringv1alpha1.RoleMentee} {
				c := noMeeting(round, role, 20)
				c.Meetings, c.Usefulness = ptr.To(int32(1+i%3)), ptr.To(int32(1+i%5))
				p.Status.CheckIns = append(p.Status.CheckIns, c)
			}
		}
		pairings[i] = *p
	}
	now := time.Date(2027, 4, 20, 12, 0, 0, 0, time.UTC)
	for b.Loop() {
		if m, _ := ProgrammeMeasurement(programme, pairings, timeline, now); m.Summary.Responses != 30000 {
			b.Fatalf("%d responses, want 30,000", m.Summary.Responses)
		}
	}
}
