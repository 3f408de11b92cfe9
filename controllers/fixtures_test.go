package controllers_test

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// programme returns a programme on AI and inclusion that runs through 2027, enrolling until the end of
// January.
func programme(name string) *mentoringv1alpha1.Programme {
	return &mentoringv1alpha1.Programme{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: mentoringv1alpha1.ProgrammeSpec{
			Purpose: "Leaders learn AI tools and inclusive leadership.",
			Topics:  []mentoringv1alpha1.Topic{"ai", "inclusion"},
			Schedule: mentoringv1alpha1.ProgrammeSchedule{
				Start: "2027-01-11", End: "2027-06-30", EnrolmentDeadline: "2027-01-31", TimeZone: "Europe/London",
			},
		},
	}
}

// officeHours is Monday to Friday, 09:00 to 17:00.
var officeHours = []mentoringv1alpha1.AvailabilityWindow{{
	Days:  []mentoringv1alpha1.Weekday{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"},
	Start: "09:00", End: "17:00",
}}

// participant returns a participant of programme in London, available in office hours.
func participant(name, programme string, role mentoringv1alpha1.Role, seniority int32) *mentoringv1alpha1.Participant {
	return &mentoringv1alpha1.Participant{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: mentoringv1alpha1.ParticipantSpec{
			ProgrammeRef: mentoringv1alpha1.LocalObjectReference{Name: programme},
			Role:         role,
			DisplayName:  "Person " + name,
			Email:        mentoringv1alpha1.Email(name + "@example.org"),
			Seniority:    seniority,
			Department:   "dept-" + name,
			Timezone:     "Europe/London",
			Availability: officeHours,
		},
	}
}

// mentor returns a junior mentor with AI expertise.
func mentor(name, programme string) *mentoringv1alpha1.Participant {
	p := participant(name, programme, mentoringv1alpha1.RoleMentor, 3)
	p.Spec.Expertise = []mentoringv1alpha1.TopicExpertise{{Topic: "ai", Level: 4}}
	return p
}

// mentee returns a senior mentee who wants to learn about AI.
func mentee(name, programme string) *mentoringv1alpha1.Participant {
	p := participant(name, programme, mentoringv1alpha1.RoleMentee, 15)
	p.Spec.Goals = []mentoringv1alpha1.TopicGoal{{Topic: "ai", Priority: 5}}
	return p
}

// condition describes an object's condition for assertions, as "Type=Status/Reason".
func condition(conditions []metav1.Condition, conditionType string) string {
	c := meta.FindStatusCondition(conditions, conditionType)
	if c == nil {
		return conditionType + " missing"
	}
	return fmt.Sprintf("%s=%s/%s", c.Type, c.Status, c.Reason)
}

// conditionMessage returns the message of an object's condition.
func conditionMessage(conditions []metav1.Condition, conditionType string) string {
	if c := meta.FindStatusCondition(conditions, conditionType); c != nil {
		return c.Message
	}
	return ""
}
