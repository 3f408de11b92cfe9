package matching_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/weekly"
)

// randomZones include clock changes in both hemispheres, on different dates, and offsets that are not
// whole hours.
var randomZones = []string{"UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles",
	"Australia/Sydney", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Tokyo"}

// randomShape bounds a random programme.
type randomShape struct {
	mentors, mentees int
	// odd allows unusual values: unknown zones, zero weights, capacities of zero, topics outside the
	// programme.
	odd bool
}

// randomInput draws a programme of the given shape: a random policy, participants with random
// seniority, departments, zones, availability, topics, capacities and management chains, a few paused
// or held, and existing pairings of every state. Names are unique.
func randomInput(t testing.TB, r *rand.Rand, shape randomShape) matching.Input {
	topics := []string{"go", "kubernetes", "sre", "security", "design"}[:2+r.IntN(4)]
	p := matching.Policy{
		Direction: []matching.Direction{matching.Reverse, matching.Traditional}[r.IntN(2)],
		Objective: []matching.Objective{matching.MaxParticipation, matching.MaxScore}[r.IntN(2)],
		Topics:    topics, MaxMenteesPerMentor: r.IntN(4), MinSeniorityGap: r.IntN(3),
		ExcludeManagementChain: r.IntN(2) == 0, ExcludeSameDepartment: r.IntN(3) == 0, AvoidPreviousPartners: r.IntN(2) == 0,
		MeetingMinutes: []int{15, 30, 45, 60, 90}[r.IntN(5)],
		Weights:        matching.Weights{TopicFit: r.IntN(80), Availability: r.IntN(40), CrossDepartment: r.IntN(20), SeniorityGap: r.IntN(20)},
		Closed:         r.IntN(12) == 0,
	}
	if r.IntN(2) == 0 {
		p.Diversity = append(p.Diversity, matching.DiversityGoal{Attribute: "generation", Prefer: []matching.Preference{matching.Different, matching.Same}[r.IntN(2)], Weight: r.IntN(30)})
	}
	// Periods across the clock changes of March and October, or within winter.
	start := time.Date(2027, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	p.Start, p.End = start, start.AddDate(0, 1+r.IntN(8), 0)
	in := matching.Input{Policy: p}
	zones := make([]*time.Location, len(randomZones))
	for i, name := range randomZones {
		zones[i] = mustZone(t, name)
	}
	person := func(name string, role matching.Role) matching.Participant {
		q := matching.Participant{
			Name: name, Role: role, Seniority: 1 + r.IntN(10), Department: []string{"", "engineering", "sales", "finance"}[r.IntN(4)],
			IDs: []string{name + "@example.org"}, Zone: zones[r.IntN(len(zones))], Availability: randomWeek(r),
			Attributes: map[string]string{"generation": []string{"gen-z", "millennial", "gen-x"}[r.IntN(3)]},
			Paused:     r.IntN(15) == 0,
		}
		if r.IntN(20) == 0 {
			q.Hold = &matching.Reason{Reason: "ConsentMissing", Message: "Consent is missing."}
		}
		if shape.odd && r.IntN(10) == 0 {
			q.Zone = nil
		}
		levels := map[string]int{}
		for range 1 + r.IntN(3) {
			topic := topics[r.IntN(len(topics))]
			if shape.odd && r.IntN(5) == 0 {
				topic = "cooking"
			}
			levels[topic] = 1 + r.IntN(5)
		}
		if role == matching.Mentor {
			q.Expertise, q.Capacity = levels, 1+r.IntN(3)
			if shape.odd && r.IntN(5) == 0 {
				q.Capacity = 0
			}
		} else {
			q.Goals = levels
		}
		return q
	}
	for i := range shape.mentors {
		in.Participants = append(in.Participants, person(fmt.Sprintf("mentor-%02d", i), matching.Mentor))
	}
	for i := range shape.mentees {
		in.Participants = append(in.Participants, person(fmt.Sprintf("mentee-%02d", i), matching.Mentee))
	}
	if len(in.Participants) > 1 {
		// Management chains, either way round.
		for range r.IntN(4) {
			a := &in.Participants[r.IntN(len(in.Participants))]
			b := in.Participants[r.IntN(len(in.Participants))]
			a.ManagementChain = append(a.ManagementChain, b.IDs[0])
		}
	}
	if shape.odd {
		p := &in.Policy
		p.Weights = matching.Weights{TopicFit: r.IntN(3) - 1, Availability: r.IntN(3) - 1, CrossDepartment: r.IntN(2), SeniorityGap: r.IntN(2)}
	}
	if shape.mentors > 0 && shape.mentees > 0 {
		states := []matching.PairingState{matching.Ended, matching.Active, matching.Active, matching.Pinned}
		for i := range r.IntN(5) {
			in.Pairings = append(in.Pairings, pairing(fmt.Sprintf("pairing-%02d", i),
				fmt.Sprintf("mentor-%02d", r.IntN(shape.mentors)), fmt.Sprintf("mentee-%02d", r.IntN(shape.mentees)), states[r.IntN(len(states))]))
		}
	}
	return in
}

// randomWeek is a few windows on random days, some across midnight into the next day.
func randomWeek(r *rand.Rand) weekly.Set {
	var ws []weekly.Window
	for range 1 + r.IntN(5) {
		start := r.IntN(24*4) * 15
		end := min(start+30+r.IntN(8*4)*15, 24*60)
		ws = append(ws, weekly.Window{Day: time.Weekday(r.IntN(7)), Start: start, End: end})
	}
	return weekly.FromWindows(ws)
}

func shuffled(r *rand.Rand, in matching.Input) matching.Input {
	out := in
	out.Participants = append([]matching.Participant(nil), in.Participants...)
	out.Pairings = append([]matching.Pairing(nil), in.Pairings...)
	r.Shuffle(len(out.Participants), func(i, j int) { out.Participants[i], out.Participants[j] = out.Participants[j], out.Participants[i] })
	r.Shuffle(len(out.Pairings), func(i, j int) { out.Pairings[i], out.Pairings[j] = out.Pairings[j], out.Pairings[i] })
	return out
}
