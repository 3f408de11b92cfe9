package matching_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
)

// Every participant left without a pair says why; one example per reason, for mentees and mentors.
func TestUnmatchedReasons(t *testing.T) {
	tests := []struct {
		name    string
		policy  func(*matching.Policy)
		people  []matching.Participant
		who     string
		reason  string
		message string
	}{
		{name: "no shared topic", people: []matching.Participant{mentor("ann"), mentor("amy"), mentee("bob", goals("sre", 3))},
			who: "bob", reason: "NoSharedTopic", message: "No mentor fits: every mentor is without a shared topic."},
		{name: "seniority gap", people: []matching.Participant{mentor("ann"), mentee("bob", seniority(1))}, who: "bob", reason: "SeniorityGap"},
		{name: "management chain", people: []matching.Participant{mentor("ann"), mentee("bob", managedBy("ann"))}, who: "bob", reason: "ManagementChain"},
		{name: "no common availability", people: []matching.Participant{mentor("ann"), mentee("bob", available(days(9*60, 12*60, time.Saturday)))},
			who: "bob", reason: "NoCommonAvailability"},
		{name: "the constraint ruling out most mentors", people: []matching.Participant{mentor("ann", seniority(9)), mentor("amy", expertise("sre", 2)), mentor("ada", expertise("sre", 2)), mentee("bob")},
			who: "bob", reason: "NoSharedTopic", message: "No mentor fits: most are without a shared topic; the others are too close in seniority."},
		{name: "counterparts taken", people: []matching.Participant{mentor("ann"), mentee("bob"), mentee("cat")},
			who: "bob", reason: matching.ReasonCounterpartsTaken, message: "The mentors who fit are all at capacity with mentees the MaxParticipation objective prefers."},
		{name: "paused", people: []matching.Participant{mentor("ann"), mentee("bob", paused())}, who: "bob", reason: "Paused"},
		{name: "held", people: []matching.Participant{mentor("ann"), mentee("bob", hold("ConsentMissing"))}, who: "bob", reason: "ConsentMissing"},
		{name: "enrolment closed", policy: func(p *matching.Policy) { p.Closed = true }, people: []matching.Participant{mentor("ann"), mentee("bob")},
			who: "bob", reason: matching.ReasonEnrolmentClosed},
		{name: "no mentor at all", people: []matching.Participant{mentee("bob")}, who: "bob", reason: matching.ReasonNoCounterpart, message: "The programme has no mentor."},
		{name: "no mentee at all", people: []matching.Participant{mentor("ann")}, who: "ann", reason: matching.ReasonNoCounterpart, message: "The programme has no mentee."},
		{name: "mentor fitting nobody", people: []matching.Participant{mentor("ann", expertise("sre", 3)), mentee("bob")}, who: "ann", reason: "NoSharedTopic"},
		{name: "mentor whose mentees are taken", people: []matching.Participant{mentor("ann", seniority(1)), mentor("amy", seniority(3)), mentee("bob", seniority(4))},
			who: "amy", reason: matching.ReasonCounterpartsTaken},
		{name: "mentor paused", people: []matching.Participant{mentor("ann", paused()), mentee("bob")}, who: "ann", reason: "Paused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			policy := programme()
			if tt.policy != nil {
				tt.policy(&policy)
			}
			in := input(policy, tt.people...)
			r := matching.Match(in)
			checkResult(t, in, r)
			var got *matching.Unmatched
			for i := range r.Unmatched {
				if r.Unmatched[i].Name == tt.who {
					got = &r.Unmatched[i]
				}
			}
			if got == nil || got.Reason.Reason != tt.reason || tt.message != "" && got.Reason.Message != tt.message {
				t.Fatalf("%s unmatched as %+v, want %s %q: %s", tt.who, got, tt.reason, tt.message, describe(r))
			}
		})
	}
}

// An unmatched participant's message does not change when a newcomer of the other role joins and
// is left unmatched too, as long as the newcomer does not change which constraint rules out most
// people: the controller writes every changed message to the participant's status, so a message that
// counted people would rewrite every unmatched participant on each join.
func TestANewcomerLeavesTheOthersReasonsAsTheyWere(t *testing.T) {
	people := []matching.Participant{mentor("ann", seniority(9)), mentor("amy", expertise("sre", 2)), mentor("ada", expertise("sre", 2)),
		mentor("abe"), mentee("bob", seniority(1)), mentee("cat", managedBy("abe"), expertise("sre", 2)), mentee("dan")}
	before := reasons(matching.Match(input(programme(), people...)))
	after := reasons(matching.Match(input(programme(), append(people, mentor("aki", expertise("sre", 2)), mentee("eve", seniority(1)))...)))
	for name, reason := range before {
		if after[name] != reason {
			t.Errorf("%s: %q before the newcomers joined, %q after", name, reason, after[name])
		}
	}
	if len(before) < 2 {
		t.Fatalf("want at least two unmatched participants to compare, have %v", before)
	}
}

// reasons are the unmatched participants' reasons and messages, by name.
func reasons(r matching.Result) map[string]string {
	out := map[string]string{}
	for _, u := range r.Unmatched {
		out[u.Name] = u.Reason.Reason + ": " + u.Reason.Message
	}
	return out
}

// Explain names the mentee's pair, and for every other mentor either the constraint that rules them
// out, the first of the documented order as the naive constraints find it, or their score; allowed
// mentors come first, best first.
func TestExplainAgainstEveryMentor(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	for i := range 100 {
		in := randomInput(t, r, randomShape{mentors: 1 + r.IntN(8), mentees: 1 + r.IntN(10)})
		n := newNaive(in)
		result := matching.Match(in)
		for _, q := range in.Participants {
			if q.Role != matching.Mentee {
				continue
			}
			e, err := matching.Explain(in, q.Name)
			if err != nil {
				t.Fatal(err)
			}
			want := pairOf(result, q.Name)
			if (e.Pair == nil) != (want == nil) || want != nil && (e.Pair.Mentor != want.Mentor || e.Pair.Score != want.Score) {
				t.Fatalf("programme %d: Explain(%s) pair %+v, the pass pairs %+v", i, q.Name, e.Pair, want)
			}
			if e.Pair == nil && (e.Unmatched == nil || e.Unmatched.Reason != unmatchedReason(result, q.Name)) {
				t.Fatalf("programme %d: Explain(%s) unmatched %+v, the pass says %s", i, q.Name, e.Unmatched, unmatchedReason(result, q.Name))
			}
			seen := map[string]bool{}
			ruledOut := false
			for k, alt := range e.Mentors {
				seen[alt.Name] = true
				mentor, _ := n.participant(alt.Name, matching.Mentor)
				violations := n.violations(mentor, q)
				switch {
				case len(violations) > 0 && (alt.Violation == nil || alt.Violation.Constraint != violations[0] || alt.Violation.Message == ""):
					t.Fatalf("programme %d: %s with %s breaks %v, Explain says %+v", i, alt.Name, q.Name, violations, alt.Violation)
				case len(violations) == 0 && alt.Violation != nil:
					t.Fatalf("programme %d: %s with %s is allowed, Explain says %+v", i, alt.Name, q.Name, alt.Violation)
				case alt.Violation == nil && ruledOut:
					t.Fatalf("programme %d: allowed mentor %s listed after a ruled-out one", i, alt.Name)
				case alt.Violation == nil && k > 0 && e.Mentors[k-1].Score < alt.Score:
					t.Fatalf("programme %d: %s (%d) listed after %s (%d)", i, alt.Name, alt.Score, e.Mentors[k-1].Name, e.Mentors[k-1].Score)
				}
				ruledOut = ruledOut || alt.Violation != nil
				if alt.Violation == nil && alt.Score != (n.units(mentor, q)+50)/100 {
					t.Fatalf("programme %d: %s with %s scores %d", i, alt.Name, q.Name, alt.Score)
				}
				var mentees []string
				for _, p := range result.Pairs {
					if p.Mentor == alt.Name {
						mentees = append(mentees, p.Mentee)
					}
				}
				if !slices.Equal(alt.Partners, mentees) {
					t.Fatalf("programme %d: %s's mentees %v, the pass gives %v", i, alt.Name, alt.Partners, mentees)
				}
			}
			for _, m := range in.Participants {
				if m.Role == matching.Mentor && !seen[m.Name] && (e.Pair == nil || e.Pair.Mentor != m.Name) {
					t.Fatalf("programme %d: Explain(%s) leaves out mentor %s", i, q.Name, m.Name)
				}
			}
		}
	}
}

// Making any of the best alternatives instead never beats the pass: it is optimal. The programmes have
// no pairings in force, which the pass would keep rather than optimise; and their scores are whole
// points (crossDepartment and diversity only), so that total scores compare exactly.
func TestExplainForcedAlternativesAreNeverBetter(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 12))
	forced := 0
	for i := range 120 {
		in := randomInput(t, r, randomShape{mentors: 2 + r.IntN(6), mentees: 2 + r.IntN(8)})
		in.Policy.Closed = false
		in.Pairings = slices.DeleteFunc(in.Pairings, func(p matching.Pairing) bool { return p.State != matching.Ended })
		// Common office hours, so that most pairs are allowed and have alternatives.
		for k := range in.Participants {
			in.Participants[k].Zone, in.Participants[k].Availability = time.UTC, officeHours()
		}
		in.Policy.Weights = matching.Weights{CrossDepartment: 1}
		in.Policy.Diversity = []matching.DiversityGoal{{Attribute: "generation", Prefer: matching.Different, Weight: 1}}
		for _, q := range in.Participants {
			if q.Role != matching.Mentee {
				continue
			}
			e, err := matching.Explain(in, q.Name)
			if err != nil {
				t.Fatal(err)
			}
			for _, alt := range e.Mentors {
				if alt.Forced == nil {
					continue
				}
				forced++
				more, higher := alt.Forced.MatchedMentees > e.Outcome.MatchedMentees, alt.Forced.TotalScore > e.Outcome.TotalScore
				sameCount, sameTotal := alt.Forced.MatchedMentees == e.Outcome.MatchedMentees, alt.Forced.TotalScore == e.Outcome.TotalScore
				better := more || sameCount && higher
				if in.Policy.Objective == matching.MaxScore {
					better = higher || sameTotal && more
				}
				if better {
					t.Fatalf("programme %d (%s): forcing %s→%s gives %+v, better than the pass's %+v", i, in.Policy.Objective, alt.Name, q.Name, *alt.Forced, e.Outcome)
				}
			}
		}
	}
	if forced < 100 {
		t.Fatalf("only %d forced alternatives checked", forced)
	}
}

func TestExplainUnknownMentee(t *testing.T) {
	in := input(programme(), mentor("ann"), mentee("bob"))
	for _, name := range []string{"nobody", "ann"} {
		if _, err := matching.Explain(in, name); err == nil || !strings.Contains(err.Error(), name) {
			t.Fatalf("Explain(%q) error %v, want one naming %q", name, err, name)
		}
	}
}

// A mentor whose capacity a pinned pairing holds cannot be forced on another mentee: no outcome.
func TestExplainDoesNotForcePastPinnedCapacity(t *testing.T) {
	in := withPairings(input(programme(), mentor("ann", capacity(1)), mentor("cy"), mentee("bob"), mentee("dee")),
		pairing("pinned", "ann", "dee", matching.Pinned))
	e, err := matching.Explain(in, "bob")
	if err != nil {
		t.Fatal(err)
	}
	for _, alt := range e.Mentors {
		if alt.Name == "ann" && alt.Forced != nil {
			t.Fatalf("ann's only place is pinned to dee, yet explain forces bob on her: %+v", *alt.Forced)
		}
	}
}
