package matching

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/weekly"
)

// index is the input prepared for fast pair checks: participants sorted by name and split by role,
// topics as bit sets, management chains as participant numbers, and availability precomputed per
// pair of time zones, so that checking and scoring one pair costs a few word operations.
type index struct {
	// flat is the index in flat arrays for the solver, built on first use by fast.
	flat     *pairs
	flatOnce sync.Once
	policy   Policy
	mentors  []*person
	mentees  []*person
	byName   map[string]*person
	// previous holds the pairs whose earlier pairing ended, as mentor and mentee numbers.
	previous map[[2]int]bool
	// meetingSlots is the length of a meeting in weekly slots.
	meetingSlots int
	// zones are the mentors' distinct time zones, the anchors of meetings.
	zones []*time.Location
	// weights is the sum of the policy's weights; diversityNames the diversity criteria's names.
	weights        int
	diversityNames []string
}

// person is a participant with what the checks need precomputed.
type person struct {
	*Participant
	// number is the person's position among the people of their role.
	number int
	// offers and seeks are bit sets of programme topics: expertise and goals.
	offers, seeks uint64
	// level and priority per programme topic.
	level, priority []int
	// goalWeight is the topic fit's denominator: 5 times the sum of the goal priorities.
	goalWeight int
	// managers are the people, by pointer, in this person's management chain.
	managers []*person
	// attributes are the values of the policy's diversity attributes; "" when missing.
	attributes []string
	// For mentors: own is the availability in their own zone and starts where a meeting fits.
	// zone is the mentor's position in index.zones.
	own, starts weekly.Set
	zone        int
	// For mentees: common[z] is the availability as seen from anchor zone z, holding in every week;
	// commonStarts[z] where a meeting fits.
	common, commonStarts []weekly.Set
}

func newIndex(in Input) *index { return newIndexAfter(in, nil, nil) }

// newIndexAfter is newIndex, reusing what an earlier index of the same policy prepared for the people
// not named in changed: an Incremental matcher's last pass.
func newIndexAfter(in Input, earlier *index, changed map[string]bool) *index {
	x := &index{policy: in.Policy, byName: map[string]*person{}, previous: map[[2]int]bool{},
		meetingSlots: weekly.MeetingSlots(in.Policy.MeetingMinutes)}
	x.weights = x.totalWeight()
	for _, goal := range in.Policy.Diversity {
		x.diversityNames = append(x.diversityNames, CriterionDiversity+goal.Attribute)
	}
	// A name that several participants share names none of them, whatever the input's order.
	named := make(map[string]int, len(in.Participants))
	for i := range in.Participants {
		named[in.Participants[i].Name]++
	}
	people := make([]*person, 0, len(in.Participants))
	for i := range in.Participants {
		p := &person{Participant: &in.Participants[i]}
		if named[p.Name] > 1 {
			continue
		}
		x.byName[p.Name] = p
		people = append(people, p)
	}
	slices.SortFunc(people, func(a, b *person) int { return cmp.Compare(a.Name, b.Name) })
	if earlier != nil && !samePolicy(earlier.policy, x.policy) {
		earlier = nil
	}
	// same returns the earlier index's person when this one is the same participant.
	same := func(p *person) *person {
		if earlier == nil || changed[p.Name] {
			return nil
		}
		return earlier.byName[p.Name]
	}
	for _, p := range people {
		switch p.Role {
		case Mentor:
			p.number = len(x.mentors)
			x.mentors = append(x.mentors, p)
		case Mentee:
			p.number = len(x.mentees)
			x.mentees = append(x.mentees, p)
		}
		if q := same(p); q != nil {
			p.offers, p.seeks, p.level, p.priority, p.goalWeight, p.attributes = q.offers, q.seeks, q.level, q.priority, q.goalWeight, q.attributes
			continue
		}
		x.prepareTopics(p)
		x.prepareAttributes(p)
	}
	x.prepareManagers(people)
	x.prepareAvailability(earlier, same)
	for _, p := range in.Pairings {
		if mentor, mentee, ok := x.pair(p.Mentor, p.Mentee); ok && p.State == Ended {
			x.previous[[2]int{mentor.number, mentee.number}] = true
		}
	}
	return x
}

// pair finds a mentor and a mentee by name; ok is false unless both exist in their roles.
func (x *index) pair(mentorName, menteeName string) (mentor, mentee *person, ok bool) {
	mentor, mentee = x.byName[mentorName], x.byName[menteeName]
	ok = mentor != nil && mentee != nil && mentor.Role == Mentor && mentee.Role == Mentee
	return mentor, mentee, ok
}

func (x *index) prepareTopics(p *person) {
	n := len(x.policy.Topics)
	p.level, p.priority = make([]int, n), make([]int, n)
	for t, topic := range x.policy.Topics {
		if level := p.Expertise[topic]; level > 0 {
			p.offers |= 1 << t
			// Levels go up to 5; a higher one counts as 5, so that topic fit stays within 1.
			p.level[t] = min(level, 5)
		}
		if priority := p.Goals[topic]; priority > 0 {
			p.seeks |= 1 << t
			p.priority[t] = priority
			p.goalWeight += 5 * priority
		}
	}
}

func (x *index) prepareAttributes(p *person) {
	p.attributes = make([]string, len(x.policy.Diversity))
	for i, goal := range x.policy.Diversity {
		p.attributes[i] = p.Attributes[goal.Attribute]
	}
}

// prepareManagers resolves every management chain to the participants it names.
func (x *index) prepareManagers(people []*person) {
	byID := map[string][]*person{}
	for _, p := range people {
		for _, id := range p.IDs {
			if id != "" {
				byID[id] = append(byID[id], p)
			}
		}
	}
	for _, p := range people {
		for _, id := range p.ManagementChain {
			p.managers = append(p.managers, byID[id]...)
		}
	}
}

// prepareAvailability computes each mentor's own slots, and each mentee's slots as seen from every
// mentor zone over the programme's period, or takes a mentee's from same, when it returns one and the
// earlier index has the same mentor zones.
func (x *index) prepareAvailability(earlier *index, same func(*person) *person) {
	zoneNumber := map[string]int{}
	for _, m := range x.mentors {
		// Only the week's slots count, should a set hold more bits.
		m.own = m.Availability.And(wholeWeek)
		if m.Zone == nil {
			m.own = weekly.Set{}
			m.zone = -1
			continue
		}
		m.starts = m.own.Starts(x.meetingSlots)
		number, seen := zoneNumber[m.Zone.String()]
		if !seen {
			number = len(x.zones)
			zoneNumber[m.Zone.String()] = number
			x.zones = append(x.zones, m.Zone)
		}
		m.zone = number
	}
	if earlier == nil || !slices.EqualFunc(earlier.zones, x.zones, sameZone) {
		same = func(*person) *person { return nil }
	}
	deltas := map[[2]string][]int{}
	for _, e := range x.mentees {
		if q := same(e); q != nil {
			e.common, e.commonStarts = q.common, q.commonStarts
			continue
		}
		e.common = make([]weekly.Set, len(x.zones))
		e.commonStarts = make([]weekly.Set, len(x.zones))
		if e.Zone == nil {
			continue
		}
		availability := e.Availability.And(wholeWeek)
		starts := availability.Starts(x.meetingSlots)
		for z, anchor := range x.zones {
			key := [2]string{anchor.String(), e.Zone.String()}
			d, known := deltas[key]
			if !known {
				d = weekly.Deltas(anchor, e.Zone, x.policy.Start, x.policy.End)
				deltas[key] = d
			}
			e.common[z] = weekly.Anchored(availability, d)
			e.commonStarts[z] = weekly.Anchored(starts, d)
		}
	}
}

// wholeWeek holds every slot of the week.
var wholeWeek = weekly.FromWindows([]weekly.Window{
	{Day: time.Monday, End: 24 * 60}, {Day: time.Tuesday, End: 24 * 60}, {Day: time.Wednesday, End: 24 * 60},
	{Day: time.Thursday, End: 24 * 60}, {Day: time.Friday, End: 24 * 60}, {Day: time.Saturday, End: 24 * 60},
	{Day: time.Sunday, End: 24 * 60},
})

// capacity is how many mentees a mentor may take.
func (x *index) capacity(mentor *person) int {
	c := max(mentor.Capacity, 1)
	if x.policy.MaxMenteesPerMentor > 0 {
		c = min(c, x.policy.MaxMenteesPerMentor)
	}
	return c
}
