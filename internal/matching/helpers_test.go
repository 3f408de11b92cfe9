package matching_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/weekly"
)

// Builders: a participant is a mentor or mentee with sensible defaults (office hours in UTC, the
// topic "go", different departments, a seniority gap of 3 in the Reverse direction), changed by
// options.

type option func(*matching.Participant)

func mentor(name string, options ...option) matching.Participant {
	p := matching.Participant{
		Name: name, Role: matching.Mentor, Seniority: 2, Department: "engineering", IDs: []string{name + "@example.org"},
		Zone: time.UTC, Availability: officeHours(), Expertise: map[string]int{"go": 3}, Capacity: 1,
	}
	for _, o := range options {
		o(&p)
	}
	return p
}

func mentee(name string, options ...option) matching.Participant {
	p := matching.Participant{
		Name: name, Role: matching.Mentee, Seniority: 5, Department: "sales", IDs: []string{name + "@example.org"},
		Zone: time.UTC, Availability: officeHours(), Goals: map[string]int{"go": 3},
	}
	for _, o := range options {
		o(&p)
	}
	return p
}

func seniority(n int) option        { return func(p *matching.Participant) { p.Seniority = n } }
func department(d string) option    { return func(p *matching.Participant) { p.Department = d } }
func capacity(n int) option         { return func(p *matching.Participant) { p.Capacity = n } }
func paused() option                { return func(p *matching.Participant) { p.Paused = true } }
func available(s weekly.Set) option { return func(p *matching.Participant) { p.Availability = s } }
func noZone() option                { return func(p *matching.Participant) { p.Zone = nil } }

func zone(t testing.TB, name string) option {
	loc := mustZone(t, name)
	return func(p *matching.Participant) { p.Zone = loc }
}

// managedBy puts the named participants' addresses in the participant's management chain.
func managedBy(names ...string) option {
	return func(p *matching.Participant) {
		for _, n := range names {
			p.ManagementChain = append(p.ManagementChain, n+"@example.org")
		}
	}
}

func hold(reason string) option {
	return func(p *matching.Participant) {
		p.Hold = &matching.Reason{Reason: reason, Message: "Participant is held: " + reason + "."}
	}
}

// expertise and goals set topics and levels or priorities: expertise("go", 5, "sre", 2).
func expertise(kv ...any) option {
	return func(p *matching.Participant) { p.Expertise = levels(kv) }
}

func goals(kv ...any) option {
	return func(p *matching.Participant) { p.Goals = levels(kv) }
}

func levels(kv []any) map[string]int {
	out := map[string]int{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1].(int)
	}
	return out
}

func attribute(name, value string) option {
	return func(p *matching.Participant) {
		if p.Attributes == nil {
			p.Attributes = map[string]string{}
		}
		p.Attributes[name] = value
	}
}

// officeHours is Monday to Friday, 09:00 to 17:00.
func officeHours() weekly.Set {
	return days(9*60, 17*60, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday)
}

// days is the same window, in minutes of the day, on each of the days.
func days(start, end int, on ...time.Weekday) weekly.Set {
	var ws []weekly.Window
	for _, d := range on {
		ws = append(ws, weekly.Window{Day: d, Start: start, End: end})
	}
	return weekly.FromWindows(ws)
}

func union(a, b weekly.Set) weekly.Set {
	for i := range a {
		a[i] |= b[i]
	}
	return a
}

// programme is the default policy: Reverse, MaxParticipation, topics go, kubernetes and sre, a gap of
// at least 1, 30-minute meetings in the first half of 2027, and the usual weights.
func programme(changes ...func(*matching.Policy)) matching.Policy {
	p := matching.Policy{
		Direction: matching.Reverse, Objective: matching.MaxParticipation, Topics: []string{"go", "kubernetes", "sre"},
		MaxMenteesPerMentor: 3, MinSeniorityGap: 1, ExcludeManagementChain: true, AvoidPreviousPartners: true,
		MeetingMinutes: 30, Weights: matching.Weights{TopicFit: 60, Availability: 20, CrossDepartment: 10, SeniorityGap: 10},
		Start: time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC),
	}
	for _, c := range changes {
		c(&p)
	}
	return p
}

func input(p matching.Policy, people ...matching.Participant) matching.Input {
	return matching.Input{Policy: p, Participants: people}
}

func withPairings(in matching.Input, pairings ...matching.Pairing) matching.Input {
	in.Pairings = append(slices.Clone(in.Pairings), pairings...)
	return in
}

func pairing(name, mentor, mentee string, state matching.PairingState) matching.Pairing {
	return matching.Pairing{Name: name, Mentor: mentor, Mentee: mentee, State: state}
}

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// pairsOf lists a result's pairs as "mentor→mentee", in the result's order.
func pairsOf(r matching.Result) []string {
	var out []string
	for _, p := range r.Pairs {
		out = append(out, p.Mentor+"→"+p.Mentee)
	}
	return out
}

// unmatchedReason returns the reason a participant is unmatched, or "" when they are not.
func unmatchedReason(r matching.Result, name string) string {
	for _, u := range r.Unmatched {
		if u.Name == name {
			return u.Reason.Reason
		}
	}
	return ""
}

func pairOf(r matching.Result, mentee string) *matching.Pair {
	for i := range r.Pairs {
		if r.Pairs[i].Mentee == mentee {
			return &r.Pairs[i]
		}
	}
	return nil
}

func describe(r matching.Result) string {
	return fmt.Sprintf("pairs %v, ends %v, unmatched %v", pairsOf(r), r.Ends, r.Unmatched)
}
