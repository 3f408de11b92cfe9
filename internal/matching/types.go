// Package matching pairs mentors with mentees: optimally, explainably and stably. It is pure Go with no
// Kubernetes types inside; the operator and the kubectl plugin both call Match, so a plan previewed in
// a pull request is what the operator does.
//
// A pair is allowed when it satisfies every hard constraint (see Constraint). Allowed pairs are scored
// from 0 to 100 by weighted criteria (see Score). Match keeps every existing pairing that is still
// allowed, honours pinned pairings whatever they break, and fills the remaining capacity with the
// assignment that is globally optimal for the policy's objective, found as a minimum-cost flow.
// Ties are broken by a stable hash of the two names, so the result never depends on input order.
package matching

import (
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/weekly"
)

// Role is what a participant does.
type Role string

// The roles.
const (
	Mentor Role = "Mentor"
	Mentee Role = "Mentee"
)

// Direction says who mentors whom.
type Direction string

// The directions.
const (
	// Reverse pairs a more junior mentor with a more senior mentee.
	Reverse Direction = "Reverse"
	// Traditional pairs a more senior mentor with a more junior mentee.
	Traditional Direction = "Traditional"
)

// Objective is what the matcher maximises.
type Objective string

// The objectives.
const (
	// MaxParticipation matches as many mentees as possible, then maximises the total score.
	MaxParticipation Objective = "MaxParticipation"
	// MaxScore maximises the total score; among equal totals it matches more mentees.
	MaxScore Objective = "MaxScore"
)

// Preference says whether a diversity attribute should differ or match within a pair.
type Preference string

// The preferences.
const (
	Different Preference = "Different"
	Same      Preference = "Same"
)

// Policy is a programme's matching policy.
type Policy struct {
	Direction Direction
	Objective Objective
	// Topics the programme covers; a pair must share one of them. Only the first 64 count.
	Topics []string
	// MaxMenteesPerMentor caps every mentor's capacity; zero means no cap.
	MaxMenteesPerMentor    int
	MinSeniorityGap        int
	ExcludeManagementChain bool
	ExcludeSameDepartment  bool
	AvoidPreviousPartners  bool
	// MeetingMinutes is the length of one meeting: a pair needs a common weekly window that long.
	MeetingMinutes int
	Weights        Weights
	Diversity      []DiversityGoal
	// Start and End bound the period in which pairs meet; the clock changes inside it are checked.
	Start, End time.Time
	// Closed forbids new pairings, as after the enrolment deadline: existing ones are only kept.
	Closed bool
	// ClosedReason says why, for the participants left without a pair; enrolment closed when nil.
	ClosedReason *Reason
}

// Weights are the integer weights of the scoring criteria.
type Weights struct {
	TopicFit, Availability, CrossDepartment, SeniorityGap int
}

// DiversityGoal scores pairs by one attribute.
type DiversityGoal struct {
	Attribute string
	Prefer    Preference
	Weight    int
}

// Participant is one mentor or mentee.
type Participant struct {
	Name       string
	Role       Role
	Seniority  int
	Department string
	// IDs are how management chains name this person, such as an email and an employee id.
	IDs []string
	// ManagementChain names the person's managers by email or employee id.
	ManagementChain []string
	// Zone is the person's time zone; nil when unknown, which leaves no availability.
	Zone *time.Location
	// Availability is the person's weekly windows in their own zone.
	Availability weekly.Set
	// Expertise maps a topic to a level from 1 to 5; Goals map a topic to a priority from 1 to 5.
	// Topics at level or priority 0 or below do not count; a level above 5 counts as 5.
	Expertise, Goals map[string]int
	// Capacity is the most mentees a mentor takes at once.
	Capacity int
	// Attributes feed the diversity goals.
	Attributes map[string]string
	// Paused participants take no pairing; their pairings end.
	Paused bool
	// Hold, when set, keeps the participant out of new pairings and says why; pairings they already
	// have are kept while the constraints allow.
	Hold *Reason
}

// Reason is a CamelCase reason and a sentence explaining it.
type Reason struct {
	Reason  string
	Message string
}

// PairingState is what an existing pairing is to the matcher.
type PairingState string

// The states of existing pairings.
const (
	// Active pairings were made by the matcher; they are kept while their constraints hold.
	Active PairingState = "Active"
	// Pinned pairings were written by a person; they are kept whatever they break.
	Pinned PairingState = "Pinned"
	// Ended pairings are history: their pairs count as previous partners.
	Ended PairingState = "Ended"
)

// Pairing is an existing pairing. One without a name counts only as history, when it ended.
type Pairing struct {
	Name           string
	Mentor, Mentee string
	State          PairingState
}

// Input is everything one matching pass looks at. The order of participants and pairings never
// changes the result. Participants that share a name are all ignored, since the name cannot tell
// them apart.
type Input struct {
	Policy       Policy
	Participants []Participant
	Pairings     []Pairing
}

// Result is what a matching pass decides.
type Result struct {
	// Pairs are every pair active after the pass, kept and new, sorted by mentee and mentor.
	Pairs []Pair
	// Ends are the existing pairings to end, sorted by name.
	Ends []End
	// Unmatched are the mentees without a pair and the mentors without any mentee, sorted by name.
	Unmatched []Unmatched
	Summary   Summary
}

// Pair is one mentor and one mentee.
type Pair struct {
	Mentor, Mentee string
	// Pairing names the existing pairing this pair keeps; empty for a new pair.
	Pairing string
	Pinned  bool
	// Score is from 0 to 100; Breakdown's points add up to it.
	Score     int
	Breakdown []Points
	// Topics are the programme topics the mentor offers and the mentee seeks.
	Topics []string
	// Violation is the hard constraint a pinned pair breaks, which is honoured anyway.
	Violation *Violation
}

// Points is one criterion's contribution to a score.
type Points struct {
	Criterion string
	Points    int
}

// EndReason says why an existing pairing ends.
type EndReason string

// The end reasons.
const (
	EndParticipantLeft    EndReason = "ParticipantLeft"
	EndParticipantPaused  EndReason = "ParticipantPaused"
	EndConstraintViolated EndReason = "ConstraintViolated"
)

// End is an existing pairing that ends.
type End struct {
	Pairing        string
	Mentor, Mentee string
	Reason         EndReason
	Message        string
}

// Unmatched is a participant left without a pair, and why.
type Unmatched struct {
	Name string
	Role Role
	Reason
}

// Summary sums up a pass.
type Summary struct {
	Participants, Mentors, Mentees int
	// Pairings is the number of active pairs; NewPairings of them are new, and Ended pairings end.
	Pairings, NewPairings, Ended int
	// EligibleMentees are neither paused nor held; MatchedMentees of them have a pair and Unmatched
	// do not.
	EligibleMentees, MatchedMentees, Unmatched int
	// MatchRatePercent is MatchedMentees out of EligibleMentees.
	MatchRatePercent int
	// TotalScore adds up the scores of the active pairs; AverageScore is its mean.
	TotalScore, AverageScore int
	// TopicCoveragePercent is the share of paired mentees' goals that their mentor's expertise covers.
	TopicCoveragePercent int
}
