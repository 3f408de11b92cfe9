// Package planner turns a programme's API objects into a matching pass and the pass's result into what
// the operator writes: the Pairings to create and end, the scores of the existing ones, and why each
// unpaired participant is unpaired. The Programme controller and the kubectl plugin both call Plan.
package planner

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
)

// Result is a plan for a programme.
type Result struct {
	// Match is the matcher's result: every active pair, the ends and the unmatched participants.
	Match matching.Result
	// Create are the new pairings, in name order.
	Create []NewPairing
	// Ends are the existing pairings that end, by pairing name.
	Ends map[string]End
	// Assessments are the scores and constraint checks of the existing pairings that stay, by name.
	Assessments map[string]Assessment
	// Unmatched are the participants without a pair, in name order; UnmatchedByName finds them.
	Unmatched       []matching.Unmatched
	UnmatchedByName map[string]matching.Reason
	Summary         Summary
}

// NewPairing is a pairing to create.
type NewPairing struct {
	Name, Mentor, Mentee string
	Topics               []mentoringv1alpha1.Topic
	Assessment
}

// End is why a pairing ends.
type End struct {
	Reason  mentoringv1alpha1.EndReason
	Message string
}

// Assessment is a pair's score and the hard constraint it breaks, if any (only pinned pairs do).
type Assessment struct {
	Score     int32
	Breakdown []mentoringv1alpha1.ScoreComponent
	Violation string
}

// Summary is the programme's counts, as its status reports them.
type Summary struct {
	Participants, Mentors, Mentees, Pairings, Unmatched               int32
	MatchRatePercent, AverageScore, TopicCoveragePercent, NewPairings int32
}

// Input is the matcher's input for a programme's participants and pairings at now: the policy with
// every default applied, closed once enrolment has ended, each participant with the verdict of
// Eligibility, and every pairing that is not being deleted.
func Input(programme *mentoringv1alpha1.Programme, participants []mentoringv1alpha1.Participant,
	pairings []mentoringv1alpha1.Pairing, now time.Time) (matching.Input, error) {
	timeline, err := TimelineOf(programme)
	if err != nil {
		return matching.Input{}, err
	}
	in := matching.Input{Policy: Policy(programme, timeline)}
	in.Policy.Closed = !timeline.Enrolling(now)
	hadPairing := map[string]bool{}
	for i := range pairings {
		if pairings[i].DeletionTimestamp.IsZero() {
			in.Pairings = append(in.Pairings, Pairing(&pairings[i]))
			hadPairing[pairings[i].Spec.MentorRef.Name] = true
			hadPairing[pairings[i].Spec.MenteeRef.Name] = true
		}
	}
	for i := range participants {
		p := &participants[i]
		if p.DeletionTimestamp.IsZero() {
			in.Participants = append(in.Participants, Participant(p, Eligibility(programme, p, hadPairing[p.Name], now)))
		}
	}
	return in, nil
}

// Plan runs one matching pass over a programme's participants and pairings at now. New pairings are
// made only while enrolment is open; at the programme's end every pairing completes.
func Plan(programme *mentoringv1alpha1.Programme, participants []mentoringv1alpha1.Participant,
	pairings []mentoringv1alpha1.Pairing, now time.Time) (*Result, error) {
	in, err := Input(programme, participants, pairings, now)
	if err != nil {
		return nil, err
	}
	timeline, _ := TimelineOf(programme)
	match := matching.Match(in)
	r := &Result{Match: match, Ends: map[string]End{}, Assessments: map[string]Assessment{},
		Unmatched: match.Unmatched, UnmatchedByName: map[string]matching.Reason{}}
	for _, e := range match.Ends {
		r.Ends[e.Pairing] = End{Reason: mentoringv1alpha1.EndReason(e.Reason), Message: "Pairing ended: " + e.Message + "."}
	}
	completed := timeline.Ended(now)
	for _, p := range match.Pairs {
		switch {
		case completed && p.Pairing != "":
			r.Ends[p.Pairing] = End{Reason: mentoringv1alpha1.EndProgrammeCompleted,
				Message: fmt.Sprintf("Pairing completed with the programme on %s.", programme.Spec.Schedule.End)}
		case p.Pairing != "":
			r.Assessments[p.Pairing] = assessment(p)
		default:
			r.Create = append(r.Create, NewPairing{Name: PairingName(programme.Name, p.Mentor, p.Mentee, pairings),
				Mentor: p.Mentor, Mentee: p.Mentee, Topics: topics(p.Topics), Assessment: assessment(p)})
		}
	}
	slices.SortFunc(r.Create, func(a, b NewPairing) int { return cmp.Compare(a.Name, b.Name) })
	for _, u := range match.Unmatched {
		r.UnmatchedByName[u.Name] = u.Reason
	}
	r.Summary = summary(match.Summary)
	if completed {
		r.Summary.Pairings = 0
	}
	return r, nil
}

func assessment(p matching.Pair) Assessment {
	a := Assessment{Score: int32(p.Score)}
	for _, b := range p.Breakdown {
		a.Breakdown = append(a.Breakdown, mentoringv1alpha1.ScoreComponent{Criterion: b.Criterion, Points: int32(b.Points)})
	}
	if p.Violation != nil {
		a.Violation = p.Violation.Message
	}
	return a
}

func topics(names []string) []mentoringv1alpha1.Topic {
	out := make([]mentoringv1alpha1.Topic, len(names))
	for i, n := range names {
		out[i] = mentoringv1alpha1.Topic(n)
	}
	return out
}

func summary(s matching.Summary) Summary {
	return Summary{
		Participants: int32(s.Participants), Mentors: int32(s.Mentors), Mentees: int32(s.Mentees),
		Pairings: int32(s.Pairings), Unmatched: int32(s.Unmatched), NewPairings: int32(s.NewPairings),
		MatchRatePercent: int32(s.MatchRatePercent), AverageScore: int32(s.AverageScore),
		TopicCoveragePercent: int32(s.TopicCoveragePercent),
	}
}

// PairingName is the deterministic name of a new pairing of mentor and mentee in a programme: the
// programme's name and a hash of the two people and of how often they were paired before, so a pair
// that meets again after an ended pairing gets a fresh name.
func PairingName(programme, mentor, mentee string, existing []mentoringv1alpha1.Pairing) string {
	before := 0
	for _, p := range existing {
		if p.Spec.MentorRef.Name == mentor && p.Spec.MenteeRef.Name == mentee {
			before++
		}
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%s\x00%d", programme, mentor, mentee, before))
	return fmt.Sprintf("%s-%s", truncate(programme, 52), hex.EncodeToString(sum[:])[:10])
}

// truncate shortens a name to at most n characters without leaving a trailing dash or dot.
func truncate(name string, n int) string {
	if len(name) <= n {
		return name
	}
	name = name[:n]
	for len(name) > 0 && (name[len(name)-1] == '-' || name[len(name)-1] == '.') {
		name = name[:len(name)-1]
	}
	return name
}
