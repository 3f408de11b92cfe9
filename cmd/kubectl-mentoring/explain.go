package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

func newExplainCommand() *cobra.Command {
	var (
		paths                         []string
		mentee, mentor, programme, at string
	)
	cmd := &cobra.Command{
		Use:   "explain -f PATH (--mentee NAME | --mentor NAME)",
		Short: "Explain why a participant got their partners and why every other one was ruled out",
		Long: "explain runs the operator's matching pass on the manifests, as plan does, and explains one\n" +
			"participant's result: for a mentee, the chosen mentor's score per criterion, and for every other\n" +
			"mentor the hard constraint that rules the pair out or its score; for a mentor, the same about\n" +
			"their mentees and every other mentee. For the best-scoring alternatives it also shows the\n" +
			"programme's outcome if that pair were forced: mentees matched and total score.",
		Example: "  kubectl mentoring explain -f config/samples/digital-leaders --mentee james\n" +
			"  kubectl mentoring explain -f config/samples/digital-leaders --mentor ishaan",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			when, err := parseInstant(at)
			if err != nil {
				return err
			}
			programmes, err := readProgrammes(paths, cmd.InOrStdin())
			if err != nil {
				return err
			}
			in, err := programmeOf(programmes, programme, mentee+mentor)
			if err != nil {
				return err
			}
			if err := checkRole(in, mentee, mentor); err != nil {
				return err
			}
			now, err := when.in(in.programme)
			if err != nil {
				return err
			}
			input, err := planner.Input(in.programme, in.participants, in.pairings, now)
			if err != nil {
				return fmt.Errorf("programme %s: %w", in.programme.Name, err)
			}
			// newName is the name a new pairing gets.
			newName := func(p matching.Pair) string {
				return planner.PairingName(in.programme.Name, p.Mentor, p.Mentee, in.pairings)
			}
			out := explanationWriter{w: cmd.OutOrStdout(), width: terminalWidth(cmd.OutOrStdout()), newName: newName}
			if mentor != "" {
				e, err := matching.ExplainMentor(input, mentor)
				if err != nil {
					return fmt.Errorf("programme %s: %w", in.programme.Name, err)
				}
				return out.mentor(in.programme.Name, e)
			}
			e, err := matching.Explain(input, mentee)
			if err != nil {
				return fmt.Errorf("programme %s: %w", in.programme.Name, err)
			}
			return out.mentee(in.programme.Name, e)
		},
	}
	addFileFlag(cmd, &paths)
	addAtFlag(cmd, &at)
	cmd.Flags().StringVar(&mentee, "mentee", "", "Name of the mentee's Participant.")
	cmd.Flags().StringVar(&mentor, "mentor", "", "Name of the mentor's Participant.")
	cmd.Flags().StringVar(&programme, "programme", "", "Name of the Programme, when the input holds several; default the participant's.")
	cmd.MarkFlagsOneRequired("mentee", "mentor")
	cmd.MarkFlagsMutuallyExclusive("mentee", "mentor")
	return cmd
}

// checkRole reports a participant named with the flag of the other role, and says which flag to use.
func checkRole(in programmeInput, mentee, mentor string) error {
	for _, p := range in.participants {
		switch {
		case p.Name == mentee && p.Spec.Role == mentoringv1alpha1.RoleMentor:
			return fmt.Errorf("participant %s is a mentor: use --mentor %s", mentee, mentee)
		case p.Name == mentor && p.Spec.Role == mentoringv1alpha1.RoleMentee:
			return fmt.Errorf("participant %s is a mentee: use --mentee %s", mentor, mentor)
		}
	}
	return nil
}

// programmeOf finds the named programme, or the programme of the named participant.
func programmeOf(programmes []programmeInput, programme, participant string) (programmeInput, error) {
	for _, in := range programmes {
		if in.programme.Name == programme {
			return in, nil
		}
		for _, p := range in.participants {
			if programme == "" && p.Name == participant {
				return in, nil
			}
		}
	}
	if programme != "" {
		return programmeInput{}, fmt.Errorf("no Programme %q in the input", programme)
	}
	return programmeInput{}, fmt.Errorf("no Participant %q in the input", participant)
}

// explanationWriter prints explanations; newName names a new pairing.
type explanationWriter struct {
	w       io.Writer
	width   int
	newName func(matching.Pair) string
}

// mentee writes a mentee's result, the programme's outcome and a table of the other mentors.
func (x explanationWriter) mentee(programme string, e matching.Explanation) error {
	fmt.Fprintf(x.w, "Mentee %s in programme %s\n", e.Mentee, programme)
	switch {
	case e.Pair != nil:
		x.pair(*e.Pair, e.Pair.Mentor)
	case e.Unmatched != nil:
		x.unmatched(*e.Unmatched)
	}
	x.outcome(e.Outcome)
	if len(e.Mentors) == 0 {
		_, err := fmt.Fprintln(x.w, "No other mentors.")
		return err
	}
	return x.alternatives(e.Mentors, e.Outcome, "OTHER MENTOR", "THEIR MENTEES")
}

// mentor writes a mentor's result, the programme's outcome and a table of the other mentees.
func (x explanationWriter) mentor(programme string, e matching.MentorExplanation) error {
	fmt.Fprintf(x.w, "Mentor %s in programme %s, taking up to %s\n", e.Mentor, programme, count(e.Capacity, "mentee"))
	for _, p := range e.Pairs {
		x.pair(p, p.Mentee)
	}
	if e.Unmatched != nil {
		x.unmatched(*e.Unmatched)
	}
	x.outcome(e.Outcome)
	if len(e.Mentees) == 0 {
		_, err := fmt.Fprintln(x.w, "No other mentees.")
		return err
	}
	return x.alternatives(e.Mentees, e.Outcome, "OTHER MENTEE", "THEIR MENTOR")
}

// alternatives writes a table of the other participants, with the score and the reason columns of
// each pair: the constraint that rules it out, the programme's outcome if it were forced, or that it
// scores below the alternatives listed above.
func (x explanationWriter) alternatives(alts []matching.Alternative, outcome matching.Outcome, other, theirs string) error {
	t := newTable(x.w, "", other, "SCORE", theirs, "WHY NOT")
	t.width = x.width
	for _, a := range alts {
		score, why := strconv.Itoa(a.Score), "allowed, scores below the alternatives above"
		switch {
		case a.Violation != nil:
			score, why = "-", fmt.Sprintf("%s: %s", a.Violation.Constraint, a.Violation.Message)
		case a.Forced != nil:
			why = fmt.Sprintf("forcing this pair: %d matched%s, total %d%s", a.Forced.MatchedMentees,
				delta(a.Forced.MatchedMentees-outcome.MatchedMentees), a.Forced.TotalScore, delta(a.Forced.TotalScore-outcome.TotalScore))
		}
		t.row(a.Name, score, orNone(strings.Join(a.Partners, ",")), why)
	}
	return t.flush()
}

// pair writes one pair of the explained participant with their partner.
func (x explanationWriter) pair(p matching.Pair, partner string) {
	pairing := "keeps pairing " + p.Pairing
	if p.Pairing == "" {
		pairing = "new pairing " + x.newName(p)
	}
	paragraph(x.w, "", x.width, fmt.Sprintf("Matched with %s (%s): score %d = %s; shared topics %s.", partner, pairing, p.Score,
		points(p.Breakdown), strings.Join(p.Topics, ", ")))
	if p.Violation != nil {
		paragraph(x.w, "", x.width, fmt.Sprintf("The pairing is pinned and breaks %s: %s.", p.Violation.Constraint, p.Violation.Message))
	}
}

func (x explanationWriter) unmatched(r matching.Reason) {
	paragraph(x.w, "", x.width, fmt.Sprintf("Unmatched (%s): %s", r.Reason, r.Message))
}

func (x explanationWriter) outcome(o matching.Outcome) {
	fmt.Fprintf(x.w, "Programme outcome: %d mentees matched, total score %d.\n\n", o.MatchedMentees, o.TotalScore)
}

// points shows a breakdown, such as "topicFit 52 + availability 20".
func points(breakdown []matching.Points) string {
	parts := make([]string, len(breakdown))
	for i, p := range breakdown {
		parts[i] = fmt.Sprintf("%s %d", p.Criterion, p.Points)
	}
	return strings.Join(parts, " + ")
}

// delta shows a change in parentheses, with a true minus sign; nothing when there is none.
func delta(d int) string {
	switch {
	case d > 0:
		return fmt.Sprintf(" (+%d)", d)
	case d < 0:
		return fmt.Sprintf(" (\u2212%d)", -d)
	}
	return ""
}
