package controllers_test

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// programme returns a programme on AI and inclusion that runs through 2027, enrolling until the end of
// January, in which mentors take up to two mentees.
func programme(name string) *mentoringv1alpha1.Programme {
	return &mentoringv1alpha1.Programme{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: mentoringv1alpha1.ProgrammeSpec{
			Purpose: "Leaders learn AI tools and inclusive leadership.",
			Topics:  []mentoringv1alpha1.Topic{"ai", "inclusion"},
			Schedule: mentoringv1alpha1.ProgrammeSchedule{
				Start: "2027-01-11", End: "2027-06-30", EnrolmentDeadline: "2027-01-31", TimeZone: "Europe/London",
			},
			Matching: mentoringv1alpha1.MatchingPolicy{MaxMenteesPerMentor: 2},
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

// cohort returns a reproducible, varied set of mentors and mentees for programme: juniors with
// expertise mentoring seniors with goals, across four departments, some managing each other.
func cohort(programme string, mentors, mentees int) []*mentoringv1alpha1.Participant {
	topics := []mentoringv1alpha1.Topic{"ai", "inclusion"}
	departments := []string{"engineering", "marketing", "finance", "people"}
	var people []*mentoringv1alpha1.Participant
	for i := range mentors {
		p := participant(fmt.Sprintf("mentor-%03d", i), programme, mentoringv1alpha1.RoleMentor, int32(2+i%5))
		p.Spec.Department = departments[i%len(departments)]
		p.Spec.Expertise = []mentoringv1alpha1.TopicExpertise{{Topic: topics[i%2], Level: int32(1 + i%5)}}
		if i%3 == 0 {
			p.Spec.Expertise = append(p.Spec.Expertise, mentoringv1alpha1.TopicExpertise{Topic: topics[(i+1)%2], Level: 3})
		}
		p.Spec.Capacity = ptr.To(int32(1 + i%2))
		// Every fourth mentor reports to a mentee, who must not be paired with them.
		if i%4 == 0 && i < mentees {
			p.Spec.ManagementChain = []string{fmt.Sprintf("mentee-%03d@example.org", i)}
		}
		people = append(people, p)
	}
	for i := range mentees {
		p := participant(fmt.Sprintf("mentee-%03d", i), programme, mentoringv1alpha1.RoleMentee, int32(10+i%8))
		p.Spec.Department = departments[(i+1)%len(departments)]
		p.Spec.Goals = []mentoringv1alpha1.TopicGoal{{Topic: topics[(i/2)%2], Priority: int32(1 + i%5)}}
		people = append(people, p)
	}
	return people
}

// objects turns participants into objects to create.
func objects(people []*mentoringv1alpha1.Participant) []client.Object {
	objs := make([]client.Object, len(people))
	for i, p := range people {
		objs[i] = p
	}
	return objs
}

// seriesUID is the calendar UID of a pairing's meeting series, as the operator derives it from the
// pairing's declared names.
func seriesUID(p mentoringv1alpha1.Pairing) string {
	return calendar.EventUID(p.Namespace + "/" + p.Spec.ProgrammeRef.Name + "/" + p.Name)
}

// pairingEventID is the id of a pairing's event, as the webhook package derives it from the
// pairing's declared names.
func pairingEventID(p mentoringv1alpha1.Pairing, t webhook.EventType, discriminator string) string {
	return webhook.ID(p.Namespace+"/"+p.Spec.ProgrammeRef.Name+"/Pairing/"+p.Name, t, discriminator)
}
