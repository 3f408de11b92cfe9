package matching

import (
	"fmt"
	"math/bits"
	"slices"
)

// Constraint is a hard constraint: a pair that breaks one is impossible. The value is a CamelCase
// reason, used in conditions and in the plugin's output.
type Constraint string

// The hard constraints, in the order they are checked: the first one a pair breaks is the one
// reported.
const (
	// Paused: one of the two is paused.
	Paused Constraint = "Paused"
	// SeniorityGap: the mentor is not junior enough (senior enough, for Traditional programmes).
	SeniorityGap Constraint = "SeniorityGap"
	// SameDepartment: both work in the same department, and the policy forbids it.
	SameDepartment Constraint = "SameDepartment"
	// ManagementChain: one is in the other's management chain.
	ManagementChain Constraint = "ManagementChain"
	// PreviousPartner: the two were paired before, and the policy avoids it.
	PreviousPartner Constraint = "PreviousPartner"
	// NoSharedTopic: no programme topic is both the mentor's expertise and the mentee's goal.
	NoSharedTopic Constraint = "NoSharedTopic"
	// NoCommonAvailability: no weekly window holds a whole meeting for both, in every week.
	NoCommonAvailability Constraint = "NoCommonAvailability"
	// MentorAtCapacity: the mentor already has as many mentees as they take.
	MentorAtCapacity Constraint = "MentorAtCapacity"
)

// hardConstraints are "" (none) and the hard constraints a pair can break, capacity aside, in the
// order they are checked.
var hardConstraints = [...]Constraint{"", Paused, SeniorityGap, SameDepartment, ManagementChain, PreviousPartner,
	NoSharedTopic, NoCommonAvailability}

// Violation is a broken hard constraint and what it means.
type Violation struct {
	Constraint Constraint
	Message    string
}

// check returns the first hard constraint the pair breaks, or "" when the pair is allowed. Capacity
// is checked by the caller.
func (x *index) check(mentor, mentee *person) Constraint {
	p := x.policy
	switch {
	case mentor.Paused || mentee.Paused:
		return Paused
	case x.gap(mentor, mentee) < p.MinSeniorityGap:
		return SeniorityGap
	case p.ExcludeSameDepartment && mentor.Department != "" && mentor.Department == mentee.Department:
		return SameDepartment
	case p.ExcludeManagementChain && (slices.Contains(mentor.managers, mentee) || slices.Contains(mentee.managers, mentor)):
		return ManagementChain
	case p.AvoidPreviousPartners && x.previous[[2]int{mentor.number, mentee.number}]:
		return PreviousPartner
	case mentor.offers&mentee.seeks == 0:
		return NoSharedTopic
	case mentor.zone < 0 || mentor.starts.And(mentee.commonStarts[mentor.zone]).Empty():
		return NoCommonAvailability
	}
	return ""
}

// gap is how many seniority levels the pair's direction puts between them: the mentee above the
// mentor for Reverse programmes, below for Traditional ones.
func (x *index) gap(mentor, mentee *person) int {
	if x.policy.Direction == Traditional {
		return mentor.Seniority - mentee.Seniority
	}
	return mentee.Seniority - mentor.Seniority
}

// violation explains a broken constraint in a sentence without personal data.
func (x *index) violation(c Constraint, mentor, mentee *person) *Violation {
	var message string
	switch c {
	case Paused:
		message = "one of the two is paused"
	case SeniorityGap:
		message = fmt.Sprintf("the seniority gap is %d, the programme needs at least %d", x.gap(mentor, mentee), x.policy.MinSeniorityGap)
	case SameDepartment:
		message = "both work in the same department"
	case ManagementChain:
		message = "one is in the other's management chain"
	case PreviousPartner:
		message = "the two were paired before"
	case NoSharedTopic:
		message = "no programme topic is both the mentor's expertise and the mentee's goal"
	case NoCommonAvailability:
		message = fmt.Sprintf("no weekly window fits a %d-minute meeting for both in every week of the programme", x.policy.MeetingMinutes)
	case MentorAtCapacity:
		message = fmt.Sprintf("the mentor already has %d mentees, their capacity", x.capacity(mentor))
	default:
		return nil
	}
	return &Violation{Constraint: c, Message: message}
}

// sharedTopics lists the programme topics the mentor offers and the mentee seeks, in programme order.
func (x *index) sharedTopics(mentor, mentee *person) []string {
	var topics []string
	for shared := mentor.offers & mentee.seeks; shared != 0; shared &= shared - 1 {
		topics = append(topics, x.policy.Topics[bits.TrailingZeros64(shared)])
	}
	return topics
}
