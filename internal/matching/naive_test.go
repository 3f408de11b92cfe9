package matching_test

import (
	"slices"
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/weekly"
)

// naive states the hard constraints again, as simply as possible and straight from the raw input,
// so that tests can check the matcher's output without trusting its own checks. Availability is
// brute force: the clock offsets between two zones are sampled every quarter hour of the programme,
// and a pair can meet when one start time, fixed in the mentor's local week, lies in both people's
// availability for the whole meeting under every offset.
type naive struct {
	in      matching.Input
	byName  map[string]matching.Participant
	offsets map[[2]*time.Location][]int
}

func newNaive(in matching.Input) *naive {
	n := &naive{in: in, byName: map[string]matching.Participant{}, offsets: map[[2]*time.Location][]int{}}
	count := map[string]int{}
	for _, p := range in.Participants {
		count[p.Name]++
	}
	for _, p := range in.Participants {
		if count[p.Name] == 1 {
			n.byName[p.Name] = p
		}
	}
	return n
}

// order is the documented order of the hard constraints: the first one broken is reported.
var order = []matching.Constraint{matching.Paused, matching.SeniorityGap, matching.SameDepartment, matching.ManagementChain,
	matching.PreviousPartner, matching.NoSharedTopic, matching.NoCommonAvailability}

// violations lists the hard constraints a pair breaks, capacity aside, in the documented order.
func (n *naive) violations(mentor, mentee matching.Participant) []matching.Constraint {
	p := n.in.Policy
	gap := mentee.Seniority - mentor.Seniority
	if p.Direction == matching.Traditional {
		gap = -gap
	}
	broken := map[matching.Constraint]bool{
		matching.Paused:               mentor.Paused || mentee.Paused,
		matching.SeniorityGap:         gap < p.MinSeniorityGap,
		matching.SameDepartment:       p.ExcludeSameDepartment && mentor.Department != "" && mentor.Department == mentee.Department,
		matching.ManagementChain:      p.ExcludeManagementChain && (names(mentor.ManagementChain, mentee.IDs) || names(mentee.ManagementChain, mentor.IDs)),
		matching.PreviousPartner:      p.AvoidPreviousPartners && n.pairedBefore(mentor.Name, mentee.Name),
		matching.NoSharedTopic:        !n.shareTopic(mentor, mentee),
		matching.NoCommonAvailability: !n.canMeet(mentor, mentee),
	}
	var out []matching.Constraint
	for _, c := range order {
		if broken[c] {
			out = append(out, c)
		}
	}
	return out
}

func (n *naive) allowed(mentor, mentee matching.Participant) bool {
	return len(n.violations(mentor, mentee)) == 0
}

// names reports whether a management chain names one of a person's ids.
func names(chain, ids []string) bool {
	for _, id := range ids {
		if id != "" && slices.Contains(chain, id) {
			return true
		}
	}
	return false
}

func (n *naive) pairedBefore(mentor, mentee string) bool {
	for _, p := range n.in.Pairings {
		if p.State == matching.Ended && p.Mentor == mentor && p.Mentee == mentee {
			return true
		}
	}
	return false
}

// shareTopic: a programme topic (among the first 64, as documented) that the mentor offers at a level
// above zero and the mentee seeks with a priority above zero.
func (n *naive) shareTopic(mentor, mentee matching.Participant) bool {
	for i, t := range n.in.Policy.Topics {
		if i < 64 && mentor.Expertise[t] > 0 && mentee.Goals[t] > 0 {
			return true
		}
	}
	return false
}

func (n *naive) canMeet(mentor, mentee matching.Participant) bool {
	if mentor.Zone == nil || mentee.Zone == nil {
		return false
	}
	length := max(1, (n.in.Policy.MeetingMinutes+14)/15)
	offsets := n.offsetsOf(mentor.Zone, mentee.Zone)
	for start := range weekly.Slots {
		fits := true
		for i := 0; i < length && fits; i++ {
			fits = mentor.Availability.Has(start + i)
			for _, d := range offsets {
				fits = fits && mentee.Availability.Has(start+i+d/15)
			}
		}
		if fits {
			return true
		}
	}
	return false
}

// offsetsOf samples, every quarter hour of the programme, how many minutes the other zone's clock is
// ahead of the anchor's.
func (n *naive) offsetsOf(anchor, other *time.Location) []int {
	key := [2]*time.Location{anchor, other}
	if d, ok := n.offsets[key]; ok {
		return d
	}
	var out []int
	start, end := n.in.Policy.Start, n.in.Policy.End
	for t := start; t.Equal(start) || t.Before(end); t = t.Add(15 * time.Minute) {
		_, a := t.In(anchor).Zone()
		_, o := t.In(other).Zone()
		if d := (o - a) / 60; !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	n.offsets[key] = out
	return out
}

// capacity is how many mentees a mentor takes: at least one, at most the policy's cap.
func (n *naive) capacity(mentor matching.Participant) int {
	c := max(mentor.Capacity, 1)
	if n.in.Policy.MaxMenteesPerMentor > 0 {
		c = min(c, n.in.Policy.MaxMenteesPerMentor)
	}
	return c
}

func (n *naive) participant(name string, role matching.Role) (matching.Participant, bool) {
	p, ok := n.byName[name]
	return p, ok && p.Role == role
}

// checkResult asserts what every result must satisfy, whatever the input: pairs between existing
// participants, no paused participant paired, every pair not pinned allowed by the naive constraints,
// no new pair for held participants or after enrolment closed, capacities and one pair per mentee
// honoured except by pinned pairs, every existing pairing kept or ended, scores within range and
// adding up, and every participant without a pair explained.
func checkResult(t testing.TB, in matching.Input, r matching.Result) {
	t.Helper()
	n := newNaive(in)
	load, pinnedLoad := map[string]int{}, map[string]int{}
	menteePairs, menteePinned := map[string]int{}, map[string]int{}
	for _, p := range r.Pairs {
		mentor, okMentor := n.participant(p.Mentor, matching.Mentor)
		mentee, okMentee := n.participant(p.Mentee, matching.Mentee)
		if !okMentor || !okMentee {
			t.Fatalf("pair %s→%s names no mentor or mentee of the input", p.Mentor, p.Mentee)
		}
		if mentor.Paused || mentee.Paused {
			t.Fatalf("pair %s→%s has a paused participant", p.Mentor, p.Mentee)
		}
		violations := n.violations(mentor, mentee)
		if p.Pinned {
			pinnedLoad[p.Mentor]++
			menteePinned[p.Mentee]++
			if len(violations) > 0 && (p.Violation == nil || p.Violation.Constraint != violations[0]) {
				t.Fatalf("pinned pair %s→%s breaks %v but reports %+v", p.Mentor, p.Mentee, violations, p.Violation)
			}
		} else {
			if len(violations) > 0 {
				t.Fatalf("pair %s→%s breaks %v", p.Mentor, p.Mentee, violations)
			}
			if p.Violation != nil {
				t.Fatalf("pair %s→%s is not pinned but reports a violation %+v", p.Mentor, p.Mentee, p.Violation)
			}
			menteePairs[p.Mentee]++
		}
		load[p.Mentor]++
		if p.Pairing == "" {
			if mentor.Hold != nil || mentee.Hold != nil {
				t.Fatalf("new pair %s→%s has a held participant", p.Mentor, p.Mentee)
			}
			if in.Policy.Closed {
				t.Fatalf("new pair %s→%s after enrolment closed", p.Mentor, p.Mentee)
			}
		}
		if p.Score < 0 || p.Score > 100 {
			t.Fatalf("pair %s→%s scores %d", p.Mentor, p.Mentee, p.Score)
		}
		sum := 0
		for _, b := range p.Breakdown {
			if b.Points < 0 {
				t.Fatalf("pair %s→%s: criterion %s has %d points", p.Mentor, p.Mentee, b.Criterion, b.Points)
			}
			sum += b.Points
		}
		if sum != p.Score {
			t.Fatalf("pair %s→%s: breakdown %v adds up to %d, not the score %d", p.Mentor, p.Mentee, p.Breakdown, sum, p.Score)
		}
	}
	for name, total := range load {
		mentor := n.byName[name]
		if total > pinnedLoad[name] && total > n.capacity(mentor) {
			t.Fatalf("mentor %s has %d mentees (%d pinned), capacity %d", name, total, pinnedLoad[name], n.capacity(mentor))
		}
	}
	for name, k := range menteePairs {
		if k > 1 || menteePinned[name] > 0 {
			t.Fatalf("mentee %s has %d pairs besides %d pinned ones", name, k, menteePinned[name])
		}
	}
	checkPairings(t, n, r)
	checkUnmatched(t, n, r, load, menteePairs, menteePinned)
	if r.Summary.Pairings != len(r.Pairs) || r.Summary.Ended != len(r.Ends) {
		t.Fatalf("summary %+v does not count %d pairs and %d ends", r.Summary, len(r.Pairs), len(r.Ends))
	}
}

// checkPairings asserts that every existing pairing still in force is either kept, under its name, or
// ended, except a pinned one naming nobody, which is ignored.
func checkPairings(t testing.TB, n *naive, r matching.Result) {
	t.Helper()
	type key struct{ name, mentor, mentee string }
	kept, ended := map[key]int{}, map[key]int{}
	for _, p := range r.Pairs {
		if p.Pairing != "" {
			kept[key{p.Pairing, p.Mentor, p.Mentee}]++
		}
	}
	for _, e := range r.Ends {
		ended[key{e.Pairing, e.Mentor, e.Mentee}]++
	}
	existing := map[key]int{}
	for _, p := range n.in.Pairings {
		if p.State == matching.Ended || p.Name == "" {
			continue
		}
		_, okMentor := n.participant(p.Mentor, matching.Mentor)
		_, okMentee := n.participant(p.Mentee, matching.Mentee)
		if p.State == matching.Pinned && (!okMentor || !okMentee) {
			continue
		}
		existing[key{p.Name, p.Mentor, p.Mentee}]++
	}
	for k, count := range existing {
		if kept[k]+ended[k] != count {
			t.Fatalf("pairing %v: %d existing, %d kept, %d ended", k, count, kept[k], ended[k])
		}
	}
	for k := range kept {
		if existing[k] == 0 {
			t.Fatalf("pair kept under pairing %v, which does not exist", k)
		}
	}
	for k := range ended {
		if existing[k] == 0 {
			t.Fatalf("pairing %v ended, but it does not exist or ended before", k)
		}
	}
}

// checkUnmatched asserts that exactly the mentees and mentors without pairs are unmatched, in name
// order, each with a reason and a message.
func checkUnmatched(t testing.TB, n *naive, r matching.Result, load, menteePairs, menteePinned map[string]int) {
	t.Helper()
	var want []string
	for name, p := range n.byName {
		if p.Role == matching.Mentor && load[name] == 0 || p.Role == matching.Mentee && menteePairs[name]+menteePinned[name] == 0 {
			want = append(want, name)
		}
	}
	slices.Sort(want)
	var got []string
	for _, u := range r.Unmatched {
		got = append(got, u.Name)
		if u.Reason.Reason == "" || u.Reason.Message == "" {
			t.Fatalf("unmatched %s has no reason: %+v", u.Name, u.Reason)
		}
		if p := n.byName[u.Name]; p.Role != u.Role {
			t.Fatalf("unmatched %s reported as %s, is %s", u.Name, u.Role, p.Role)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("unmatched %v, want %v", got, want)
	}
}

// units is the pair's score in hundredths of a point, from the documented criteria: each weighted
// criterion's share of scoreUnits, rounded down, added up.
func (n *naive) units(mentor, mentee matching.Participant) int {
	p := n.in.Policy
	total := max(p.Weights.TopicFit, 0) + max(p.Weights.Availability, 0) + max(p.Weights.CrossDepartment, 0) + max(p.Weights.SeniorityGap, 0)
	for _, g := range p.Diversity {
		total += max(g.Weight, 0)
	}
	if total == 0 {
		return 0
	}
	sum := 0
	part := func(weight, num, den int) {
		if weight > 0 && den > 0 {
			sum += int(int64(10000) * int64(weight) * int64(num) / (int64(den) * int64(total)))
		}
	}
	fit, most := 0, 0
	for i, t := range p.Topics {
		if mentee.Goals[t] > 0 {
			most += 5 * mentee.Goals[t]
			if i < 64 && mentor.Expertise[t] > 0 {
				fit += mentee.Goals[t] * min(mentor.Expertise[t], 5)
			}
		}
	}
	part(p.Weights.TopicFit, fit, most)
	meeting := 3 * max(1, (p.MeetingMinutes+14)/15)
	part(p.Weights.Availability, min(n.commonSlots(mentor, mentee), meeting), meeting)
	if mentor.Department != "" && mentee.Department != "" && mentor.Department != mentee.Department {
		part(p.Weights.CrossDepartment, 1, 1)
	}
	gap := mentee.Seniority - mentor.Seniority
	if p.Direction == matching.Traditional {
		gap = -gap
	}
	part(p.Weights.SeniorityGap, min(max(gap-p.MinSeniorityGap, 0), 10), 10)
	for _, g := range p.Diversity {
		a, b := mentor.Attributes[g.Attribute], mentee.Attributes[g.Attribute]
		if a != "" && b != "" && (a == b) == (g.Prefer == matching.Same) {
			part(g.Weight, 1, 1)
		}
	}
	return sum
}

// commonSlots counts the quarter hours of the mentor's week in which both are available in every week.
func (n *naive) commonSlots(mentor, mentee matching.Participant) int {
	if mentor.Zone == nil || mentee.Zone == nil {
		return 0
	}
	offsets := n.offsetsOf(mentor.Zone, mentee.Zone)
	count := 0
	for s := range weekly.Slots {
		both := mentor.Availability.Has(s)
		for _, d := range offsets {
			both = both && mentee.Availability.Has(s+d/15)
		}
		if both {
			count++
		}
	}
	return count
}
