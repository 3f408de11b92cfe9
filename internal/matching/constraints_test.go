package matching_test

import (
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
)

// Each hard constraint, satisfied and broken, on one mentor and one mentee: the pair is made exactly
// when it is allowed, and otherwise the mentee's reason names the constraint.
func TestHardConstraints(t *testing.T) {
	winter := func(p *matching.Policy) {
		p.Start, p.End = time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC), time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	}
	// The United States move their clocks on 14 March 2027, the United Kingdom on 28 March: for two
	// weeks New York is four hours behind London instead of five.
	spring := func(p *matching.Policy) {
		p.Start, p.End = time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC), time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)
	}
	hourLong := func(p *matching.Policy) { p.MeetingMinutes = 60 }
	mondays := func(start, end int) option { return available(days(start, end, time.Monday)) }
	tests := []struct {
		name           string
		policy         []func(*matching.Policy)
		mentor, mentee []option
		pairings       []matching.Pairing
		// reason is the mentee's unmatched reason; "" when the pair is made.
		reason string
	}{
		{name: "reverse, mentee more senior", mentor: []option{seniority(2)}, mentee: []option{seniority(5)}},
		{name: "reverse, gap exactly the minimum", mentor: []option{seniority(4)}, mentee: []option{seniority(5)}},
		{name: "reverse, equal seniority", mentor: []option{seniority(5)}, mentee: []option{seniority(5)}, reason: "SeniorityGap"},
		{name: "reverse, mentor more senior", mentor: []option{seniority(7)}, mentee: []option{seniority(3)}, reason: "SeniorityGap"},
		{name: "reverse, gap below a larger minimum", policy: []func(*matching.Policy){func(p *matching.Policy) { p.MinSeniorityGap = 4 }},
			mentor: []option{seniority(2)}, mentee: []option{seniority(5)}, reason: "SeniorityGap"},
		{name: "traditional, mentor more senior", policy: []func(*matching.Policy){func(p *matching.Policy) { p.Direction = matching.Traditional }},
			mentor: []option{seniority(7)}, mentee: []option{seniority(3)}},
		{name: "traditional, mentee more senior", policy: []func(*matching.Policy){func(p *matching.Policy) { p.Direction = matching.Traditional }},
			mentor: []option{seniority(2)}, mentee: []option{seniority(5)}, reason: "SeniorityGap"},
		{name: "traditional, gap zero allowed", policy: []func(*matching.Policy){func(p *matching.Policy) { p.Direction, p.MinSeniorityGap = matching.Traditional, 0 }},
			mentor: []option{seniority(4)}, mentee: []option{seniority(4)}},

		{name: "mentor manages the mentee", mentee: []option{managedBy("ann")}, reason: "ManagementChain"},
		{name: "mentee manages the mentor", mentor: []option{managedBy("bob")}, reason: "ManagementChain"},
		{name: "chain names an employee id", mentor: []option{func(p *matching.Participant) { p.IDs = append(p.IDs, "E123") }},
			mentee: []option{func(p *matching.Participant) { p.ManagementChain = []string{"E123"} }}, reason: "ManagementChain"},
		{name: "chain allowed by the policy", policy: []func(*matching.Policy){func(p *matching.Policy) { p.ExcludeManagementChain = false }},
			mentee: []option{managedBy("ann")}},
		{name: "chain naming someone else", mentee: []option{managedBy("carol")}},

		{name: "same department excluded", policy: []func(*matching.Policy){func(p *matching.Policy) { p.ExcludeSameDepartment = true }},
			mentor: []option{department("sales")}, reason: "SameDepartment"},
		{name: "same department allowed", mentor: []option{department("sales")}},
		{name: "no department is no same department", policy: []func(*matching.Policy){func(p *matching.Policy) { p.ExcludeSameDepartment = true }},
			mentor: []option{department("")}, mentee: []option{department("")}},

		{name: "paired before", pairings: []matching.Pairing{pairing("old", "ann", "bob", matching.Ended)}, reason: "PreviousPartner"},
		{name: "paired before, allowed by the policy", policy: []func(*matching.Policy){func(p *matching.Policy) { p.AvoidPreviousPartners = false }},
			pairings: []matching.Pairing{pairing("old", "ann", "bob", matching.Ended)}},
		{name: "ended with someone else", pairings: []matching.Pairing{pairing("old", "ann", "carol", matching.Ended)}},

		{name: "no shared topic", mentor: []option{expertise("sre", 4)}, mentee: []option{goals("go", 4)}, reason: "NoSharedTopic"},
		{name: "shared topic outside the programme", mentor: []option{expertise("cooking", 4)}, mentee: []option{goals("cooking", 4)}, reason: "NoSharedTopic"},
		{name: "shared topic at level zero", mentor: []option{expertise("go", 0)}, reason: "NoSharedTopic"},
		{name: "one of several topics shared", mentor: []option{expertise("sre", 2, "kubernetes", 5)}, mentee: []option{goals("go", 4, "kubernetes", 1)}},

		{name: "one common hour", policy: []func(*matching.Policy){hourLong}, mentor: []option{mondays(9*60, 10*60)}, mentee: []option{mondays(9*60, 10*60)}},
		{name: "common time shorter than a meeting", policy: []func(*matching.Policy){func(p *matching.Policy) { p.MeetingMinutes = 75 }},
			mentor: []option{mondays(9*60, 10*60)}, mentee: []option{mondays(9*60, 11*60)}, reason: "NoCommonAvailability"},
		{name: "meetings round up to quarter hours", policy: []func(*matching.Policy){func(p *matching.Policy) { p.MeetingMinutes = 50 }},
			mentor: []option{mondays(9*60, 9*60+50)}, mentee: []option{mondays(9*60, 10*60)}, reason: "NoCommonAvailability"},
		{name: "different days", mentor: []option{mondays(9*60, 17*60)}, mentee: []option{available(days(9*60, 17*60, time.Tuesday))}, reason: "NoCommonAvailability"},
		{name: "a meeting across midnight", policy: []func(*matching.Policy){hourLong},
			mentor: []option{available(union(days(23*60, 24*60, time.Sunday), days(0, 60, time.Monday)))},
			mentee: []option{available(union(days(23*60+30, 24*60, time.Sunday), days(0, 30, time.Monday)))}},
		{name: "unknown zone", mentee: []option{noZone()}, reason: "NoCommonAvailability"},
		{name: "across zones in winter", policy: []func(*matching.Policy){winter, hourLong},
			mentor: []option{zone(t, "Europe/London"), mondays(14*60, 15*60)}, mentee: []option{zone(t, "America/New_York"), mondays(9*60, 10*60)}},
		{name: "across zones while the clocks change on different dates", policy: []func(*matching.Policy){spring, hourLong},
			mentor: []option{zone(t, "Europe/London"), mondays(14*60, 15*60)}, mentee: []option{zone(t, "America/New_York"), mondays(9*60, 10*60)},
			reason: "NoCommonAvailability"},
		{name: "enough overlap for both offsets", policy: []func(*matching.Policy){spring, hourLong},
			mentor: []option{zone(t, "Europe/London"), mondays(14*60, 15*60)}, mentee: []option{zone(t, "America/New_York"), mondays(9*60, 11*60)}},
		{name: "opposite hemispheres", policy: []func(*matching.Policy){spring, hourLong},
			mentor: []option{zone(t, "Europe/London"), mondays(8*60, 9*60)}, mentee: []option{zone(t, "Australia/Sydney"), mondays(18*60, 20*60)},
			reason: "NoCommonAvailability"},
		{name: "opposite hemispheres with room for the changes", policy: []func(*matching.Policy){spring, hourLong},
			mentor: []option{zone(t, "Europe/London"), available(days(8*60, 9*60, time.Tuesday))},
			mentee: []option{zone(t, "Australia/Sydney"), available(days(17*60, 21*60, time.Tuesday))}},
		{name: "quarter-hour offset", policy: []func(*matching.Policy){winter},
			mentor: []option{zone(t, "UTC"), mondays(9*60, 9*60+30)}, mentee: []option{zone(t, "Asia/Kathmandu"), mondays(14*60+45, 15*60+15)}},

		{name: "mentor paused", mentor: []option{paused()}, reason: "Paused"},
		{name: "mentee paused", mentee: []option{paused()}, reason: "Paused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := withPairings(input(programme(tt.policy...), mentor("ann", tt.mentor...), mentee("bob", tt.mentee...)), tt.pairings...)
			r := matching.Match(in)
			checkResult(t, in, r)
			paired := len(r.Pairs) == 1
			if tt.reason == "" && !paired {
				t.Fatalf("not paired: %s", describe(r))
			}
			if tt.reason != "" {
				if paired {
					t.Fatalf("paired despite %s: %s", tt.reason, describe(r))
				}
				if got := unmatchedReason(r, "bob"); got != tt.reason {
					t.Fatalf("bob unmatched for %q, want %q: %s", got, tt.reason, describe(r))
				}
			}
		})
	}
}

// Capacities: a mentor takes at least one mentee, at most their capacity and at most the programme's
// cap; zero means no cap.
func TestCapacity(t *testing.T) {
	tests := []struct {
		name            string
		capacity, cap   int
		mentees, paired int
	}{
		{"capacity one", 1, 3, 3, 1},
		{"capacity two", 2, 3, 3, 2},
		{"capped by the programme", 3, 2, 3, 2},
		{"no cap", 5, 0, 6, 5},
		{"zero capacity counts as one", 0, 3, 2, 1},
		{"negative capacity counts as one", -2, 3, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := input(programme(func(p *matching.Policy) { p.MaxMenteesPerMentor = tt.cap }), mentor("ann", capacity(tt.capacity)))
			for i := range tt.mentees {
				in.Participants = append(in.Participants, mentee(string(rune('b'+i))))
			}
			r := matching.Match(in)
			checkResult(t, in, r)
			if len(r.Pairs) != tt.paired {
				t.Fatalf("%d pairs, want %d: %s", len(r.Pairs), tt.paired, describe(r))
			}
			for _, u := range r.Unmatched {
				if u.Role == matching.Mentee && u.Reason.Reason != matching.ReasonCounterpartsTaken {
					t.Fatalf("mentee %s unmatched for %s, want %s", u.Name, u.Reason.Reason, matching.ReasonCounterpartsTaken)
				}
			}
		})
	}
}

// Pairs join a mentor and a mentee: two mentors or two mentees never pair, participants of another
// role are ignored, and a pairing whose names have the wrong roles names nobody.
func TestRoles(t *testing.T) {
	coach := mentor("cid")
	coach.Role = "Coach"
	in := withPairings(input(programme(), mentor("ann"), mentor("amy"), mentee("bob"), coach),
		pairing("swapped", "bob", "ann", matching.Active), pairing("pinned-swapped", "bob", "amy", matching.Pinned))
	r := matching.Match(in)
	checkResult(t, in, r)
	if len(r.Pairs) != 1 || r.Pairs[0].Mentee != "bob" || r.Pairs[0].Pairing != "" {
		t.Fatalf("got %s, want bob paired anew with one of the mentors", describe(r))
	}
	if len(r.Ends) != 1 || r.Ends[0].Pairing != "swapped" || r.Ends[0].Reason != matching.EndParticipantLeft {
		t.Fatalf("ends %+v, want the swapped active pairing ended", r.Ends)
	}
	if unmatchedReason(r, "cid") != "" || r.Summary.Participants != 3 {
		t.Fatalf("the coach counts: %s, summary %+v", describe(r), r.Summary)
	}
}
