// Package matchingtest generates reproducible matching inputs for tests, benchmarks and the SciPy
// comparison in hack/matching-benchmark.
package matchingtest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/weekly"
)

// Options shape a generated programme.
type Options struct {
	Mentors, Mentees int
	// MaxCapacity is the largest mentor capacity; capacities are spread from 1 to it.
	MaxCapacity int
	Objective   matching.Objective
	// Topics is the number of programme topics; fewer topics make more pairs share one.
	Topics int
}

// Topic names the programme's i-th topic.
func Topic(i int) string { return fmt.Sprintf("topic-%02d", i) }

var zoneNames = []string{"Europe/London", "America/New_York", "Asia/Singapore"}

// zones are loaded once: every participant in one zone shares its *time.Location.
var zones = func() []*time.Location {
	out := make([]*time.Location, len(zoneNames))
	for i, name := range zoneNames {
		zone, err := time.LoadLocation(name)
		if err != nil {
			panic(err)
		}
		out[i] = zone
	}
	return out
}()

// Generate returns a programme of the given size whose people are drawn from seed: mentors junior,
// mentees senior, three time zones, office-hour availability, a few topics each, departments and
// management chains. With the default shape about a quarter of all mentor and mentee pairs are allowed.
func Generate(seed uint64, o Options) matching.Input {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	if o.Topics == 0 {
		o.Topics = 6
	}
	if o.MaxCapacity == 0 {
		o.MaxCapacity = 3
	}
	if o.Objective == "" {
		o.Objective = matching.MaxParticipation
	}
	policy := matching.Policy{
		Direction: matching.Reverse, Objective: o.Objective, MaxMenteesPerMentor: o.MaxCapacity,
		MinSeniorityGap: 1, ExcludeManagementChain: true, AvoidPreviousPartners: true, MeetingMinutes: 45,
		Weights:   matching.Weights{TopicFit: 60, Availability: 20, CrossDepartment: 10, SeniorityGap: 10},
		Diversity: []matching.DiversityGoal{{Attribute: "generation", Prefer: matching.Different, Weight: 15}},
		Start:     time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 12, 18, 0, 0, 0, 0, time.UTC),
	}
	for i := range o.Topics {
		policy.Topics = append(policy.Topics, Topic(i))
	}
	in := matching.Input{Policy: policy}
	for i := range o.Mentors {
		p := person(r, fmt.Sprintf("mentor-%05d", i), matching.Mentor, o.Topics)
		p.Seniority = 1 + r.IntN(8)
		p.Capacity = 1 + r.IntN(o.MaxCapacity)
		p.Expertise = topics(r, o.Topics, 1+r.IntN(2))
		in.Participants = append(in.Participants, p)
	}
	for i := range o.Mentees {
		p := person(r, fmt.Sprintf("mentee-%05d", i), matching.Mentee, o.Topics)
		p.Seniority = 6 + r.IntN(15)
		p.Goals = topics(r, o.Topics, 1+r.IntN(2))
		// Some mentees manage a mentor, who must not mentor them.
		if o.Mentors > 0 && r.IntN(4) == 0 {
			manager := fmt.Sprintf("mentee-%05d@example.org", i)
			mentor := &in.Participants[r.IntN(o.Mentors)]
			mentor.ManagementChain = append(mentor.ManagementChain, manager)
		}
		in.Participants = append(in.Participants, p)
	}
	return in
}

func person(r *rand.Rand, name string, role matching.Role, topicCount int) matching.Participant {
	zone := zones[r.IntN(len(zones))]
	return matching.Participant{
		Name: name, Role: role, Department: fmt.Sprintf("dept-%d", r.IntN(6)),
		IDs:  []string{name + "@example.org"},
		Zone: zone, Availability: availability(r),
		Attributes: map[string]string{"generation": []string{"gen-z", "millennial", "gen-x", "boomer"}[r.IntN(4)]},
	}
}

// availability is a few blocks of two to eight hours on weekdays, between 06:00 and midnight.
func availability(r *rand.Rand) weekly.Set {
	var windows []weekly.Window
	for range 3 + r.IntN(4) {
		start := 6 + r.IntN(14)
		windows = append(windows, weekly.Window{
			Day: time.Weekday(1 + r.IntN(5)), Start: start * 60, End: min(start+2+r.IntN(7), 24) * 60,
		})
	}
	return weekly.FromWindows(windows)
}

// topics draws n distinct topics with levels or priorities from 1 to 5.
func topics(r *rand.Rand, topicCount, n int) map[string]int {
	out := map[string]int{}
	for len(out) < min(n, topicCount) {
		out[Topic(r.IntN(topicCount))] = 1 + r.IntN(5)
	}
	return out
}
