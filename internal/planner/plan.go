// Package planner turns a programme's API objects into a matching pass and the pass's result into what
// the operator writes: the Pairings to create and end, the scores of the existing ones, and why each
// unpaired participant is unpaired. The kubectl plugin calls Plan; a Planner, kept per programme,
// returns the same plans pass after pass at the cost of what changed.
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
	// PairingsOf lists, by participant, the names of their pairings that stay or start, in name order.
	PairingsOf map[string][]string
	// Verdicts are the participants' eligibility, by name.
	Verdicts map[string]Verdict
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
	in, _, err := input(programme, participants, pairings, now, nil)
	return in, err
}

// input is Input, with the verdicts of holds in place of Eligibility's, and the verdicts it gave the
// participants.
func input(programme *mentoringv1alpha1.Programme, participants []mentoringv1alpha1.Participant,
	pairings []mentoringv1alpha1.Pairing, now time.Time, holds map[string]Verdict) (matching.Input, map[string]Verdict, error) {
	timeline, err := TimelineOf(programme)
	if err != nil {
		return matching.Input{}, nil, err
	}
	in := matching.Input{Policy: Policy(programme, timeline), Participants: make([]matching.Participant, 0, len(participants)),
		Pairings: make([]matching.Pairing, 0, len(pairings))}
	in.Policy.Closed = !timeline.Enrolling(now)
	if timeline.Ended(now) {
		in.Policy.ClosedReason = completed(programme)
	}
	if programme.Spec.Suspend {
		in.Policy.Closed, in.Policy.ClosedReason = true, &matching.Reason{Reason: mentoringv1alpha1.ReasonSuspended,
			Message: "The programme is suspended: it makes no new pairings until spec.suspend is false."}
	}
	for i := range pairings {
		if pairings[i].DeletionTimestamp.IsZero() {
			in.Pairings = append(in.Pairings, Pairing(&pairings[i]))
		}
	}
	verdicts := Verdicts(programme, participants, pairings, now)
	for name, v := range holds {
		if _, ok := verdicts[name]; ok {
			verdicts[name] = v
		}
	}
	for i := range participants {
		if p := &participants[i]; p.DeletionTimestamp.IsZero() {
			in.Participants = append(in.Participants, Participant(p, verdicts[p.Name]))
		}
	}
	return in, verdicts, nil
}

// Verdicts are the eligibility of every participant, by name, given the programme's pairings.
func Verdicts(programme *mentoringv1alpha1.Programme, participants []mentoringv1alpha1.Participant,
	pairings []mentoringv1alpha1.Pairing, now time.Time) map[string]Verdict {
	hadPairing := map[string]bool{}
	for _, p := range pairings {
		hadPairing[p.Spec.MentorRef.Name] = true
		hadPairing[p.Spec.MenteeRef.Name] = true
	}
	verdicts := make(map[string]Verdict, len(participants))
	for i := range participants {
		p := &participants[i]
		verdicts[p.Name] = Eligibility(programme, p, hadPairing[p.Name], now)
	}
	return verdicts
}

// Plan runs one matching pass over a programme's participants and pairings at now. New pairings are
// made only while enrolment is open; at the programme's end every pairing completes.
func Plan(programme *mentoringv1alpha1.Programme, participants []mentoringv1alpha1.Participant,
	pairings []mentoringv1alpha1.Pairing, now time.Time) (*Result, error) {
	return plan(programme, participants, pairings, now, nil, matching.Match)
}

// Planner plans the passes of one programme, one after another: each returns exactly what Plan
// returns, but repairs the last pass's optimum from the participants and pairings that changed where
// it can (see matching.Incremental), and says which way it went. The zero value is ready to use;
// dropping a Planner at any time only costs the next pass a solve from scratch. It is not safe for
// concurrent use: keep one per programme, and plan a programme's passes one at a time.
type Planner struct {
	// Holds are verdicts that replace Eligibility's for the participants they name, such as those
	// whose attributes Secret is missing (WithSecretAttributes): each is held out of new pairings, keeps
	// its pairings, and is reported with the verdict.
	Holds map[string]Verdict

	matcher matching.Incremental
}

// Plan is Plan, and the path the pass took: matching.PathFull, with a reason, when it solved the
// programme from scratch; matching.PathIncremental otherwise.
func (p *Planner) Plan(programme *mentoringv1alpha1.Programme, participants []mentoringv1alpha1.Participant,
	pairings []mentoringv1alpha1.Pairing, now time.Time) (*Result, matching.Path, error) {
	var path matching.Path
	r, err := plan(programme, participants, pairings, now, p.Holds, func(in matching.Input) matching.Result {
		var result matching.Result
		result, path = p.matcher.Match(in)
		return result
	})
	return r, path, err
}

// plan is Plan with a matcher.
func plan(programme *mentoringv1alpha1.Programme, participants []mentoringv1alpha1.Participant,
	pairings []mentoringv1alpha1.Pairing, now time.Time, holds map[string]Verdict, match func(matching.Input) matching.Result) (*Result, error) {
	in, verdicts, err := input(programme, participants, pairings, now, holds)
	if err != nil {
		return nil, err
	}
	timeline, _ := TimelineOf(programme)
	result := match(in)
	r := &Result{Match: result, Ends: map[string]End{}, PairingsOf: map[string][]string{},
		Verdicts: verdicts, Unmatched: result.Unmatched, UnmatchedByName: map[string]matching.Reason{}}
	for _, e := range result.Ends {
		r.Ends[e.Pairing] = End{Reason: mentoringv1alpha1.EndReason(e.Reason), Message: "Pairing ended: " + e.Message + "."}
	}
	completed := timeline.Ended(now)
	for _, p := range result.Pairs {
		name := p.Pairing
		switch {
		case completed && name != "":
			r.Ends[name] = End{Reason: mentoringv1alpha1.EndProgrammeCompleted,
				Message: fmt.Sprintf("Pairing completed with the programme on %s.", programme.Spec.Schedule.End)}
			continue
		case name == "":
			name = PairingName(programme.Name, p.Mentor, p.Mentee, pairings)
			r.Create = append(r.Create, NewPairing{Name: name, Mentor: p.Mentor, Mentee: p.Mentee, Topics: topics(p.Topics), Assessment: assessment(p)})
		}
		r.PairingsOf[p.Mentor] = append(r.PairingsOf[p.Mentor], name)
		r.PairingsOf[p.Mentee] = append(r.PairingsOf[p.Mentee], name)
	}
	slices.SortFunc(r.Create, func(a, b NewPairing) int { return cmp.Compare(a.Name, b.Name) })
	for _, names := range r.PairingsOf {
		slices.Sort(names)
	}
	for _, u := range result.Unmatched {
		r.UnmatchedByName[u.Name] = u.Reason
	}
	r.Summary = summary(result.Summary)
	if completed {
		r.Summary.Pairings = 0
	}
	return r, nil
}

// Assess scores one pairing exactly as a full pass would: it matches only the pairing's two
// participants, the people they are paired with and those pairings, and returns the pairing's score and
// the hard constraint it breaks; false when such a pass would end it.
func Assess(programme *mentoringv1alpha1.Programme, pairing *mentoringv1alpha1.Pairing, participants []mentoringv1alpha1.Participant,
	pairings []mentoringv1alpha1.Pairing, now time.Time) (Assessment, bool, error) {
	in, err := Input(programme, participants, pairings, now)
	if err != nil {
		return Assessment{}, false, err
	}
	in.Policy.Closed = true
	for _, p := range matching.Match(in).Pairs {
		if p.Pairing == pairing.Name {
			return assessment(p), true, nil
		}
	}
	return Assessment{}, false, nil
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
