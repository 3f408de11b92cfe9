package testenv

import (
	"fmt"
	"math/rand/v2"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// The population of the scale benchmark, also for the fault-injection and load programs, with the
// programme's name as a parameter: for the same n it makes the same people.

var (
	// PopulationTopics are the programme's topics.
	PopulationTopics = []mentoringv1alpha1.Topic{"ai", "social-media", "remote-work", "inclusion", "data-literacy", "younger-customers"}
	// PopulationZones are the participants' time zones.
	PopulationZones = []mentoringv1alpha1.TimeZone{"Europe/London", "America/New_York", "Asia/Singapore"}
	workdays        = []mentoringv1alpha1.Weekday{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}
)

// PopulationProgramme is the programme of a population: its six topics, mentors taking up to three
// mentees, and the given schedule.
func PopulationProgramme(name string, schedule mentoringv1alpha1.ProgrammeSchedule) *mentoringv1alpha1.Programme {
	return &mentoringv1alpha1.Programme{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: mentoringv1alpha1.ProgrammeSpec{
			Purpose:  "Leaders learn digital skills from the people who live them.",
			Topics:   PopulationTopics,
			Schedule: schedule,
			Matching: mentoringv1alpha1.MatchingPolicy{MaxMenteesPerMentor: 3},
		},
	}
}

// Population returns n participants of the programme, 40% mentors, drawn from a fixed seed: three time
// zones, office hours on some weekdays, one or two topics each, six departments, some management
// chains.
func Population(programme string, n int) []mentoringv1alpha1.Participant {
	r := rand.New(rand.NewPCG(1, 2))
	mentors := n * 2 / 5
	people := make([]mentoringv1alpha1.Participant, n)
	for i := range people {
		p := &people[i]
		mentor := i < mentors
		p.Name = fmt.Sprintf("mentee-%05d", i-mentors)
		p.Spec = mentoringv1alpha1.ParticipantSpec{
			ProgrammeRef: mentoringv1alpha1.LocalObjectReference{Name: programme},
			Role:         mentoringv1alpha1.RoleMentee, Seniority: int32(6 + r.IntN(15)),
			Department: fmt.Sprintf("dept-%d", r.IntN(6)), Timezone: PopulationZones[r.IntN(len(PopulationZones))],
		}
		p.Spec.Availability = RandomAvailability(r)
		chosen := r.Perm(len(PopulationTopics))[:1+r.IntN(2)]
		if mentor {
			p.Name = fmt.Sprintf("mentor-%05d", i)
			p.Spec.Role, p.Spec.Seniority, p.Spec.Capacity = mentoringv1alpha1.RoleMentor, int32(1+r.IntN(8)), ptr.To(int32(1+r.IntN(3)))
			for _, t := range chosen {
				p.Spec.Expertise = append(p.Spec.Expertise, mentoringv1alpha1.TopicExpertise{Topic: PopulationTopics[t], Level: int32(1 + r.IntN(5))})
			}
			if r.IntN(4) == 0 {
				p.Spec.ManagementChain = []string{fmt.Sprintf("mentee-%05d@example.org", r.IntN(n-mentors))}
			}
		} else {
			for _, t := range chosen {
				p.Spec.Goals = append(p.Spec.Goals, mentoringv1alpha1.TopicGoal{Topic: PopulationTopics[t], Priority: int32(1 + r.IntN(5))})
			}
		}
		p.Spec.DisplayName = "Person " + p.Name
		p.Spec.Email = mentoringv1alpha1.Email(p.Name + "@example.org")
	}
	return people
}

// RandomAvailability is three to six office-hours windows on weekdays, as the population has.
func RandomAvailability(r *rand.Rand) []mentoringv1alpha1.AvailabilityWindow {
	var windows []mentoringv1alpha1.AvailabilityWindow
	for range 3 + r.IntN(4) {
		start := 6 + r.IntN(14)
		windows = append(windows, mentoringv1alpha1.AvailabilityWindow{
			Days: []mentoringv1alpha1.Weekday{workdays[r.IntN(5)]}, Start: fmt.Sprintf("%02d:00", start), End: fmt.Sprintf("%02d:00", min(start+2+r.IntN(7), 24)),
		})
	}
	return windows
}
