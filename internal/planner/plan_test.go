package planner

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// TestUnmatchedAfterTheEnd: after the enrolment deadline a newcomer is unmatched because enrolment
// closed; after the programme's end, because it completed (it said EnrolmentClosed before).
func TestUnmatchedAfterTheEnd(t *testing.T) {
	programme := &mentoringv1alpha1.Programme{ObjectMeta: metav1.ObjectMeta{Name: "pilot"}, Spec: mentoringv1alpha1.ProgrammeSpec{
		Topics:   []mentoringv1alpha1.Topic{"ai"},
		Schedule: mentoringv1alpha1.ProgrammeSchedule{Start: "2027-01-11", EnrolmentDeadline: "2027-02-26", End: "2027-06-30", TimeZone: "Europe/London"}}}
	window := []mentoringv1alpha1.AvailabilityWindow{{Days: []mentoringv1alpha1.Weekday{mentoringv1alpha1.Monday}, Start: "09:00", End: "17:00"}}
	participants := []mentoringv1alpha1.Participant{
		{ObjectMeta: metav1.ObjectMeta{Name: "ada"}, Spec: mentoringv1alpha1.ParticipantSpec{Role: mentoringv1alpha1.RoleMentor, Seniority: 2,
			Timezone: "Europe/London", Availability: window, Expertise: []mentoringv1alpha1.TopicExpertise{{Topic: "ai", Level: 5}}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "bob"}, Spec: mentoringv1alpha1.ParticipantSpec{Role: mentoringv1alpha1.RoleMentee, Seniority: 9,
			Timezone: "Europe/London", Availability: window, Goals: []mentoringv1alpha1.TopicGoal{{Topic: "ai", Priority: 5}}}},
	}
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC), ""},
		{time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC), mentoringv1alpha1.ReasonEnrolmentClosed},
		{time.Date(2027, 7, 1, 9, 0, 0, 0, time.UTC), mentoringv1alpha1.ReasonCompleted},
	} {
		r, err := Plan(programme, participants, nil, c.at)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"ada", "bob"} {
			if got := r.UnmatchedByName[name].Reason; got != c.want {
				t.Errorf("at %s, %s is unmatched with reason %q, want %q", c.at, name, got, c.want)
			}
		}
	}
}
