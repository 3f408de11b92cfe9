package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

func newPlanCommand() *cobra.Command {
	var (
		paths, attributes []string
		output, at        string
		candidates        bool
	)
	cmd := &cobra.Command{
		Use:   "plan -f PATH...",
		Short: "Show the pairings the operator would make from Programme, Participant and Pairing manifests",
		Long: "plan reads Programme, Participant and Pairing manifests (other kinds are ignored) and runs the\n" +
			"operator's own matching pass on each programme: the pairings it would create and keep, with\n" +
			"their scores, the pairings it would end, and every unmatched participant with the reason.\n" +
			"Invalid manifests fail with the file, the document and the field.",
		Example: "  kubectl mentoring plan -f config/samples/digital-leaders\n" +
			"  kustomize build overlays/prod | kubectl mentoring plan -f - -o json --candidates",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output, formatTable, formatJSON, formatYAML); err != nil {
				return err
			}
			when, err := parseInstant(at)
			if err != nil {
				return err
			}
			programmes, err := readProgrammes(paths, cmd.InOrStdin())
			if err != nil {
				return err
			}
			if programmes, err = withSecretAttributes(programmes, attributes, cmd.ErrOrStderr()); err != nil {
				return err
			}
			plan, err := planProgrammes(programmes, when, candidates)
			if err != nil {
				return err
			}
			if output == formatTable {
				return printPlan(cmd.OutOrStdout(), plan)
			}
			return printData(cmd.OutOrStdout(), output, plan)
		},
	}
	addFileFlag(cmd, &paths)
	addOutputFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	addAtFlag(cmd, &at)
	cmd.Flags().BoolVar(&candidates, "candidates", false, "Also list every allowed pair and its score, ignoring capacity.")
	addAttributesFlag(cmd, &attributes)
	return cmd
}

// planView is the plan as -o json and -o yaml print it.
type planView struct {
	Pairings  []pairingView   `json:"pairings"`
	Ends      []endView       `json:"ends"`
	Unmatched []unmatchedView `json:"unmatched"`
	// Candidates is set with --candidates.
	Candidates []candidateView `json:"candidates,omitzero"`
	// Summary is the programme's, or the totals of several programmes; Programmes has each one's.
	Summary    summaryView        `json:"summary"`
	Programmes []programmeSummary `json:"programmes"`
}

// pairingView is a pairing active after the pass: created (new) or kept.
type pairingView struct {
	Programme string       `json:"programme"`
	Name      string       `json:"name"`
	Mentor    string       `json:"mentor"`
	Mentee    string       `json:"mentee"`
	Score     int          `json:"score"`
	Breakdown []pointsView `json:"breakdown"`
	Topics    []string     `json:"topics"`
	New       bool         `json:"new"`
	// Pinned pairings were written by a person; Violation is the hard constraint one breaks.
	Pinned    bool   `json:"pinned,omitempty"`
	Violation string `json:"violation,omitempty"`
}

type pointsView struct {
	Criterion string `json:"criterion"`
	Points    int    `json:"points"`
}

// endView is an existing pairing the pass ends.
type endView struct {
	Programme string `json:"programme"`
	Name      string `json:"name"`
	Mentor    string `json:"mentor"`
	Mentee    string `json:"mentee"`
	Reason    string `json:"reason"`
	Message   string `json:"message"`
}

type unmatchedView struct {
	Programme string `json:"programme"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	Reason    string `json:"reason"`
	Message   string `json:"message"`
}

type candidateView struct {
	Programme string `json:"programme"`
	Mentor    string `json:"mentor"`
	Mentee    string `json:"mentee"`
	Score     int    `json:"score"`
}

type programmeSummary struct {
	Name    string      `json:"name"`
	Summary summaryView `json:"summary"`
}

// summaryView counts a plan. Unmatched counts the eligible mentees without a pair, as the Programme's
// status does; the unmatched list also names mentors without a mentee and held participants.
type summaryView struct {
	Participants    int `json:"participants"`
	Mentors         int `json:"mentors"`
	Mentees         int `json:"mentees"`
	Pairings        int `json:"pairings"`
	NewPairings     int `json:"newPairings"`
	EndingPairings  int `json:"endingPairings"`
	EligibleMentees int `json:"eligibleMentees"`
	MatchedMentees  int `json:"matchedMentees"`
	Unmatched       int `json:"unmatched"`
	TotalScore      int `json:"totalScore"`
	AverageScore    int `json:"averageScore"`
	// MatchRatePercent is matched out of eligible mentees.
	MatchRatePercent int `json:"matchRatePercent"`
	// TopicCoveragePercent is per programme; the totals of several programmes leave it out.
	TopicCoveragePercent *int `json:"topicCoveragePercent,omitempty"`
}

// planProgrammes plans every programme at the given instant.
func planProgrammes(programmes []programmeInput, when instant, candidates bool) (*planView, error) {
	view := &planView{Pairings: []pairingView{}, Ends: []endView{}, Unmatched: []unmatchedView{}}
	if candidates {
		view.Candidates = []candidateView{}
	}
	for _, in := range programmes {
		now, err := when.in(in.programme)
		if err != nil {
			return nil, err
		}
		summary, err := planProgramme(view, in, now, candidates)
		if err != nil {
			return nil, fmt.Errorf("programme %s: %w", in.programme.Name, err)
		}
		view.Programmes = append(view.Programmes, programmeSummary{Name: in.programme.Name, Summary: summary})
	}
	view.Summary = totals(view.Programmes)
	return view, nil
}

// planProgramme adds one programme's plan to view and returns its summary.
func planProgramme(view *planView, in programmeInput, now time.Time, candidates bool) (summaryView, error) {
	name := in.programme.Name
	r, err := planner.Plan(in.programme, in.participants, in.pairings, now)
	if err != nil {
		return summaryView{}, err
	}
	created := map[[2]string]string{}
	for _, c := range r.Create {
		created[[2]string{c.Mentor, c.Mentee}] = c.Name
	}
	s := summaryView{
		Participants: int(r.Summary.Participants), Mentors: int(r.Summary.Mentors), Mentees: int(r.Summary.Mentees),
		NewPairings: len(r.Create), EndingPairings: len(r.Ends),
		EligibleMentees: r.Match.Summary.EligibleMentees, MatchedMentees: r.Match.Summary.MatchedMentees,
		Unmatched: int(r.Summary.Unmatched), AverageScore: int(r.Summary.AverageScore),
		MatchRatePercent: int(r.Summary.MatchRatePercent), TopicCoveragePercent: new(int(r.Summary.TopicCoveragePercent)),
	}
	for _, p := range r.Match.Pairs {
		if _, ends := r.Ends[p.Pairing]; ends {
			continue
		}
		v := pairingView{Programme: name, Name: p.Pairing, Mentor: p.Mentor, Mentee: p.Mentee, Score: p.Score,
			Breakdown: []pointsView{}, Topics: append([]string{}, p.Topics...), New: p.Pairing == "", Pinned: p.Pinned}
		if v.New {
			v.Name = created[[2]string{p.Mentor, p.Mentee}]
		}
		for _, b := range p.Breakdown {
			v.Breakdown = append(v.Breakdown, pointsView{Criterion: b.Criterion, Points: b.Points})
		}
		if p.Violation != nil {
			v.Violation = string(p.Violation.Constraint) + ": " + p.Violation.Message
		}
		view.Pairings = append(view.Pairings, v)
		s.Pairings++
		s.TotalScore += p.Score
	}
	existing := map[string]*mentoringv1alpha1.Pairing{}
	for i := range in.pairings {
		existing[in.pairings[i].Name] = &in.pairings[i]
	}
	for _, pairing := range slices.Sorted(maps.Keys(r.Ends)) {
		end, spec := r.Ends[pairing], existing[pairing].Spec
		view.Ends = append(view.Ends, endView{Programme: name, Name: pairing, Mentor: spec.MentorRef.Name,
			Mentee: spec.MenteeRef.Name, Reason: string(end.Reason), Message: end.Message})
	}
	for _, u := range r.Unmatched {
		view.Unmatched = append(view.Unmatched, unmatchedView{Programme: name, Name: u.Name, Role: string(u.Role),
			Reason: u.Reason.Reason, Message: u.Message})
	}
	if candidates {
		input, err := planner.Input(in.programme, in.participants, in.pairings, now)
		if err != nil {
			return summaryView{}, err
		}
		for _, c := range matching.Candidates(input) {
			view.Candidates = append(view.Candidates, candidateView{Programme: name, Mentor: c.Mentor, Mentee: c.Mentee, Score: c.Score})
		}
	}
	return s, nil
}

// totals adds up the programmes' summaries; a single programme's summary is returned as it is.
func totals(programmes []programmeSummary) summaryView {
	if len(programmes) == 1 {
		return programmes[0].Summary
	}
	var t summaryView
	for _, p := range programmes {
		s := p.Summary
		t.Participants += s.Participants
		t.Mentors += s.Mentors
		t.Mentees += s.Mentees
		t.Pairings += s.Pairings
		t.NewPairings += s.NewPairings
		t.EndingPairings += s.EndingPairings
		t.EligibleMentees += s.EligibleMentees
		t.MatchedMentees += s.MatchedMentees
		t.Unmatched += s.Unmatched
		t.TotalScore += s.TotalScore
	}
	t.AverageScore = roundDiv(t.TotalScore, t.Pairings)
	t.MatchRatePercent = roundDiv(100*t.MatchedMentees, t.EligibleMentees)
	return t
}

// roundDiv divides, rounding half up; zero when whole is zero.
func roundDiv(part, whole int) int {
	if whole == 0 {
		return 0
	}
	return (2*part + whole) / (2 * whole)
}

func printPlan(w io.Writer, plan *planView) error {
	t := newTable(w, "", "PROGRAMME", "PAIRING", "MENTOR", "MENTEE", "SCORE", "ACTION", "TOPICS", "BREAKDOWN")
	for _, p := range plan.Pairings {
		action := "keep"
		switch {
		case p.New:
			action = "create"
		case p.Pinned:
			action = "keep (pinned)"
		}
		t.row(p.Programme, p.Name, p.Mentor, p.Mentee, strconv.Itoa(p.Score), action, orNone(strings.Join(p.Topics, ",")), breakdown(p.Breakdown))
	}
	if err := t.flush(); err != nil {
		return err
	}
	if len(plan.Ends) > 0 {
		fmt.Fprintln(w)
		t = newTable(w, "", "PROGRAMME", "ENDING PAIRING", "MENTOR", "MENTEE", "REASON", "MESSAGE")
		for _, e := range plan.Ends {
			t.row(e.Programme, e.Name, e.Mentor, e.Mentee, e.Reason, e.Message)
		}
		if err := t.flush(); err != nil {
			return err
		}
	}
	if len(plan.Unmatched) > 0 {
		fmt.Fprintln(w)
		t = newTable(w, "", "PROGRAMME", "UNMATCHED", "ROLE", "REASON", "MESSAGE")
		for _, u := range plan.Unmatched {
			t.row(u.Programme, u.Name, u.Role, u.Reason, u.Message)
		}
		if err := t.flush(); err != nil {
			return err
		}
	}
	if len(plan.Candidates) > 0 {
		fmt.Fprintln(w)
		t = newTable(w, "", "PROGRAMME", "CANDIDATE MENTOR", "MENTEE", "SCORE")
		for _, c := range plan.Candidates {
			t.row(c.Programme, c.Mentor, c.Mentee, strconv.Itoa(c.Score))
		}
		if err := t.flush(); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	t = newTable(w, "", "PROGRAMME", "PARTICIPANTS", "MENTORS", "MENTEES", "PAIRINGS", "NEW", "ENDING", "UNMATCHED", "MATCH RATE", "AVG SCORE", "TOPIC COVERAGE")
	for _, p := range plan.Programmes {
		s := p.Summary
		t.row(p.Name, strconv.Itoa(s.Participants), strconv.Itoa(s.Mentors), strconv.Itoa(s.Mentees), strconv.Itoa(s.Pairings),
			strconv.Itoa(s.NewPairings), strconv.Itoa(s.EndingPairings), strconv.Itoa(s.Unmatched),
			fmt.Sprintf("%d%%", s.MatchRatePercent), strconv.Itoa(s.AverageScore), fmt.Sprintf("%d%%", *s.TopicCoveragePercent))
	}
	return t.flush()
}

// breakdown shows a score's points per criterion, such as "topicFit=52 availability=20".
func breakdown(points []pointsView) string {
	parts := make([]string, len(points))
	for i, p := range points {
		parts[i] = fmt.Sprintf("%s=%d", p.Criterion, p.Points)
	}
	return orNone(strings.Join(parts, " "))
}

// instant is the moment manifests are evaluated at: now, an RFC 3339 time, or a date, read as the
// start of that day in each programme's time zone.
type instant struct {
	time time.Time
	date string
}

func addAtFlag(cmd *cobra.Command, at *string) {
	cmd.Flags().StringVar(at, "at", "", "Evaluate the programme's timeline at this date (YYYY-MM-DD, in the programme's time zone) or time (RFC 3339); default now.")
}

func parseInstant(value string) (instant, error) {
	if value == "" {
		return instant{time: time.Now()}, nil
	}
	if _, err := time.Parse(time.DateOnly, value); err == nil {
		return instant{date: value}, nil
	}
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return instant{}, fmt.Errorf("--at %q is not a date such as 2027-01-04 or a time such as 2027-01-04T09:00:00Z", value)
	}
	return instant{time: t}, nil
}

// in is the instant for a programme.
func (i instant) in(programme *mentoringv1alpha1.Programme) (time.Time, error) {
	if i.date == "" {
		return i.time, nil
	}
	timeline, err := planner.TimelineOf(programme)
	if err != nil {
		return time.Time{}, fmt.Errorf("programme %s: %w", programme.Name, err)
	}
	return time.ParseInLocation(time.DateOnly, i.date, timeline.Location)
}
