package matching

import (
	"cmp"
	"math/bits"
	"slices"
)

// The scoring criteria. A pair's score is the weighted mean of the criteria, each a fraction from 0 to
// 1, on a scale from 0 to 100:
//
//   - topicFit: for every shared topic, the mentee's goal priority times the mentor's expertise level,
//     over the most the mentee's goals could get (every goal met at level 5).
//   - availability: the weekly time both have in common, up to three meetings' worth.
//   - crossDepartment: 1 when both name a department and the two differ.
//   - seniorityGap: the gap beyond the policy's minimum, up to 10 levels.
//   - diversity:<attribute>: 1 when both have the attribute and the values differ (or are the same,
//     as the goal prefers).
const (
	CriterionTopicFit        = "topicFit"
	CriterionAvailability    = "availability"
	CriterionCrossDepartment = "crossDepartment"
	CriterionSeniorityGap    = "seniorityGap"
	// CriterionDiversity prefixes the attribute of a diversity goal.
	CriterionDiversity = "diversity:"
)

const (
	// scoreUnits is the resolution of scores inside the matcher: hundredths of a point.
	scoreUnits = 10000
	// seniorityGapScale is the gap beyond the minimum that earns the whole seniorityGap criterion.
	seniorityGapScale = 10
	// availabilityMeetings is how many meetings' worth of common time earns the whole criterion.
	availabilityMeetings = 3
)

// fraction is a criterion's value, num/den, between 0 and 1.
type fraction struct{ num, den int }

// criterion is one weighted criterion of a pair.
type criterion struct {
	name   string
	weight int
	value  fraction
}

// criteria evaluates every weighted criterion of an allowed pair, appending them to out.
func (x *index) criteria(mentor, mentee *person, out []criterion) []criterion {
	p := x.policy
	add := func(name string, weight int, value fraction) {
		if weight > 0 {
			out = append(out, criterion{name, weight, value})
		}
	}
	add(CriterionTopicFit, p.Weights.TopicFit, x.topicFit(mentor, mentee))
	overlap := 0
	if mentor.zone >= 0 {
		overlap = mentor.own.And(mentee.common[mentor.zone]).Count()
	}
	most := availabilityMeetings * x.meetingSlots
	add(CriterionAvailability, p.Weights.Availability, fraction{min(overlap, most), most})
	add(CriterionCrossDepartment, p.Weights.CrossDepartment, boolFraction(
		mentor.Department != "" && mentee.Department != "" && mentor.Department != mentee.Department))
	add(CriterionSeniorityGap, p.Weights.SeniorityGap, fraction{min(max(x.gap(mentor, mentee)-p.MinSeniorityGap, 0), seniorityGapScale), seniorityGapScale})
	for i, goal := range p.Diversity {
		a, b := mentor.attributes[i], mentee.attributes[i]
		add(x.diversityNames[i], goal.Weight, boolFraction(a != "" && b != "" && (a == b) == (goal.Prefer == Same)))
	}
	return out
}

func (x *index) topicFit(mentor, mentee *person) fraction {
	if mentee.goalWeight == 0 {
		return fraction{0, 1}
	}
	fit := 0
	for shared := mentor.offers & mentee.seeks; shared != 0; shared &= shared - 1 {
		t := bits.TrailingZeros64(shared)
		fit += mentee.priority[t] * mentor.level[t]
	}
	return fraction{fit, mentee.goalWeight}
}

func boolFraction(b bool) fraction {
	if b {
		return fraction{1, 1}
	}
	return fraction{0, 1}
}

// units is a criterion's contribution in hundredths of a point, rounded down, given the total weight.
func (c criterion) units(totalWeight int) int {
	if totalWeight == 0 {
		return 0
	}
	return int(int64(scoreUnits) * int64(c.weight) * int64(c.value.num) / (int64(c.value.den) * int64(totalWeight)))
}

// totalWeight is the sum of the policy's weights.
func (x *index) totalWeight() int {
	w := x.policy.Weights
	total := max(w.TopicFit, 0) + max(w.Availability, 0) + max(w.CrossDepartment, 0) + max(w.SeniorityGap, 0)
	for _, goal := range x.policy.Diversity {
		total += max(goal.Weight, 0)
	}
	return total
}

// scoreUnitsOf is a pair's score in hundredths of a point: what the optimisation maximises. buf is
// scratch space, reused between calls.
func (x *index) scoreUnitsOf(mentor, mentee *person, buf []criterion) int {
	sum := 0
	for _, c := range x.criteria(mentor, mentee, buf[:0]) {
		sum += c.units(x.weights)
	}
	return sum
}

// score is a pair's score from 0 to 100 and its breakdown, whose points add up to the score: each
// criterion gets its points rounded down, and the points still missing go to the largest remainders.
func (x *index) score(mentor, mentee *person) (int, []Points) {
	// Scratch space on the stack for the usual number of criteria: a pass scores every pair it keeps.
	var criteriaBuf [8]criterion
	var orderBuf [8]int
	criteria := x.criteria(mentor, mentee, criteriaBuf[:0])
	breakdown := make([]Points, len(criteria))
	order := orderBuf[:0]
	sum := 0
	for i, c := range criteria {
		u := c.units(x.weights)
		sum += u
		breakdown[i] = Points{Criterion: c.name, Points: u / 100}
		order = append(order, i)
	}
	score := (sum + 50) / 100
	missing := score
	for _, b := range breakdown {
		missing -= b.Points
	}
	remainder := func(i int) int { return criteria[i].units(x.weights) % 100 }
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(remainder(b), remainder(a)) })
	for _, i := range order[:missing] {
		breakdown[i].Points++
	}
	return score, breakdown
}
