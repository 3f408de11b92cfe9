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

func newPlanCommand(cluster *clusterFlags) *cobra.Command {
	var (
		paths, attributes []string
		output, at        string
		candidates, live  bool
	)
	cmd := &cobra.Command{
		Use:   "plan -f PATH...",
		Short: "Show the pairings the operator would make from Programme, Participant and Pairing manifests",
		Long: "plan reads Programme, Participant and Pairing manifests (other kinds are ignored) and runs the\n" +
			"operator's own matching pass on each programme: the pairings it would create and keep, with\n" +
			"their scores, the pairings it would end, and every unmatched participant with the reason.\n" +
			"Manifests are checked against the operator's CRDs as the API server checks them; invalid ones\n" +
			"fail with the file, the document and the field. With --live the plan starts from the pairings the\n" +
			"cluster holds, as the operator does: keep, create and end.\n\n" +
			"The table fits the terminal's width (or $COLUMNS); -o wide adds the pairings' names and each\n" +
			"score's breakdown, and keeps every cell on one line.",
		Example: "  kubectl mentoring plan -f config/samples/digital-leaders\n" +
			"  kubectl mentoring plan -f programmes/digital-leaders --live -n mentoring\n" +
			"  kustomize build overlays/prod | kubectl mentoring plan -f - -o json --candidates",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output, formatTable, formatWide, formatJSON, formatYAML); err != nil {
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
			if live {
				c, namespace, err := cluster.client(cmd.ErrOrStderr())
				if err != nil {
					return err
				}
				if err := withLivePairings(cmd.Context(), c, namespace, programmes); err != nil {
					return err
				}
			}
			plan, err := planProgrammes(programmes, when, candidates)
			if err != nil {
				return err
			}
			switch output {
			case formatTable:
				return printPlan(cmd.OutOrStdout(), plan, false, terminalWidth(cmd.OutOrStdout()))
			case formatWide:
				return printPlan(cmd.OutOrStdout(), plan, true, 0)
			}
			return printData(cmd.OutOrStdout(), output, plan)
		},
	}
	addFileFlag(cmd, &paths)
	addOutputFlag(cmd, &output, formatTable, formatWide, formatJSON, formatYAML)
	addAtFlag(cmd, &at)
	cmd.Flags().BoolVar(&candidates, "candidates", false, "Also list every allowed pair and its score, ignoring capacity.")
	addAttributesFlag(cmd, &attributes)
	cmd.Flags().BoolVar(&live, "live", false, "Start from the pairings the cluster holds for the programmes (in -n, or the context's namespace):\n"+
		"the plan then shows which pairings it keeps, creates and ends.")
	cluster.AddFlags(cmd.Flags())
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
	// AwaitingApproval is set under the programme's Manual approval for a pairing that will wait for
	// spec.approved before it starts.
	AwaitingApproval bool `json:"awaitingApproval,omitempty"`
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
// status does; UnmatchedParticipants counts the unmatched list, which also names mentors without a
// mentee and participants who cannot be matched.
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
	// UnmatchedParticipants is the length of the plan's unmatched list.
	UnmatchedParticipants int `json:"unmatchedParticipants"`
	// AwaitingApproval counts the pairings that will wait for approval (Manual approval).
	AwaitingApproval int `json:"awaitingApproval,omitempty"`
	TotalScore       int `json:"totalScore"`
	AverageScore     int `json:"averageScore"`
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
	existing := map[string]*mentoringv1alpha1.Pairing{}
	for i := range in.pairings {
		existing[in.pairings[i].Name] = &in.pairings[i]
	}
	manual := in.programme.Spec.Matching.Approval == mentoringv1alpha1.ApprovalManual
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
		if v.AwaitingApproval = manual && (v.New || !existing[p.Pairing].Spec.Approved); v.AwaitingApproval {
			s.AwaitingApproval++
		}
		view.Pairings = append(view.Pairings, v)
		s.Pairings++
		s.TotalScore += p.Score
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
	s.UnmatchedParticipants = len(r.Unmatched)
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
		t.UnmatchedParticipants += s.UnmatchedParticipants
		t.AwaitingApproval += s.AwaitingApproval
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

// printPlan writes the plan as tables that fit width (0 for no limit), one set per programme, each
// under the programme's name when the plan holds several; wide adds the pairings' names and each
// score's breakdown.
func printPlan(w io.Writer, plan *planView, wide bool, width int) error {
	several := len(plan.Programmes) > 1
	for i, p := range plan.Programmes {
		if several {
			if i > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "# Programme %s\n\n", p.Name)
		}
		if err := printProgrammePlan(w, plan, p, wide, width); err != nil {
			return err
		}
	}
	if several {
		return printSummary(w, "All programmes", plan.Summary)
	}
	return nil
}

// printProgrammePlan writes one programme's tables and summary.
func printProgrammePlan(w io.Writer, plan *planView, programme programmeSummary, wide bool, width int) error {
	name := programme.Name
	// section writes a table, after a blank line unless it is the first.
	first := true
	section := func(rows [][]string, header ...string) error {
		if len(rows) == 0 && !first {
			return nil
		}
		if !first {
			fmt.Fprintln(w)
		}
		first = false
		t := newTable(w, "", header...)
		t.width = width
		for _, r := range rows {
			t.row(r...)
		}
		return t.flush()
	}

	var rows [][]string
	for _, p := range plan.Pairings {
		if p.Programme != name {
			continue
		}
		action := "keep"
		switch {
		case p.New:
			action = "create"
		case p.Pinned:
			action = "keep (pinned)"
		}
		row := []string{p.Mentor, p.Mentee, strconv.Itoa(p.Score), action, orNone(strings.Join(p.Topics, ", "))}
		if wide {
			row = append(append([]string{p.Name}, row...), breakdown(p.Breakdown))
		}
		rows = append(rows, row)
	}
	header := []string{"MENTOR", "MENTEE", "SCORE", "ACTION", "TOPICS"}
	if wide {
		header = append(append([]string{"PAIRING"}, header...), "BREAKDOWN")
	}
	if err := section(rows, header...); err != nil {
		return err
	}
	rows = nil
	for _, e := range plan.Ends {
		if e.Programme == name {
			rows = append(rows, []string{e.Name, e.Mentor, e.Mentee, e.Reason, e.Message})
		}
	}
	header = []string{"ENDING PAIRING", "MENTOR", "MENTEE", "REASON", "MESSAGE"}
	if !wide {
		// The mentor and mentee say which pairing ends; -o wide adds its name.
		for i := range rows {
			rows[i] = rows[i][1:]
		}
		header = []string{"ENDING MENTOR", "MENTEE", "REASON", "MESSAGE"}
	}
	if err := section(rows, header...); err != nil {
		return err
	}
	rows = nil
	for _, u := range plan.Unmatched {
		if u.Programme == name {
			rows = append(rows, []string{u.Name, u.Role, u.Reason, u.Message})
		}
	}
	if err := section(rows, "UNMATCHED", "ROLE", "REASON", "MESSAGE"); err != nil {
		return err
	}
	rows = nil
	for _, c := range plan.Candidates {
		if c.Programme == name {
			rows = append(rows, []string{c.Mentor, c.Mentee, strconv.Itoa(c.Score)})
		}
	}
	if err := section(rows, "CANDIDATE MENTOR", "MENTEE", "SCORE"); err != nil {
		return err
	}
	if err := printSummary(w, "Programme "+name, programme.Summary); err != nil {
		return err
	}
	if n := programme.Summary.AwaitingApproval; n > 0 {
		paragraph(w, "  ", width, fmt.Sprintf("%s will wait for approval before starting (matching.approval: Manual): "+
			"once they exist, approve them with kubectl mentoring approve --all --programme %s.", count(n, "pairing"), name))
	}
	return nil
}

// printSummary writes a programme's counts under a title, as kubectl describe does.
func printSummary(w io.Writer, title string, s summaryView) error {
	fmt.Fprintf(w, "\n%s:\n", title)
	t := newTable(w, "  ", "Participants:", fmt.Sprintf("%d (%s, %s)", s.Participants, count(s.Mentors, "mentor"), count(s.Mentees, "mentee")))
	t.row("Pairings:", fmt.Sprintf("%d (%d new, %d ending)", s.Pairings, s.NewPairings, s.EndingPairings))
	t.row("Unmatched:", fmt.Sprintf("%d (%d of %d eligible mentees)", s.UnmatchedParticipants, s.Unmatched, s.EligibleMentees))
	t.row("Match rate:", fmt.Sprintf("%d%%", s.MatchRatePercent))
	t.row("Average score:", strconv.Itoa(s.AverageScore))
	if s.TopicCoveragePercent != nil {
		t.row("Topic coverage:", fmt.Sprintf("%d%%", *s.TopicCoveragePercent))
	}
	return t.flush()
}

// count is "1 pairing" or "3 pairings".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
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
