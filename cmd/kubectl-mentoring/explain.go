package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

func newExplainCommand() *cobra.Command {
	var (
		paths                 []string
		mentee, programme, at string
	)
	cmd := &cobra.Command{
		Use:   "explain -f PATH --mentee NAME",
		Short: "Explain why a mentee got their mentor and why every other mentor was ruled out",
		Long: "explain runs the operator's matching pass on the manifests, as plan does, and explains one mentee's\n" +
			"result: the chosen mentor's score per criterion, and for every other mentor the hard constraint\n" +
			"that rules the pair out or its score. For the best-scoring alternatives it also shows the\n" +
			"programme's outcome if that pair were forced: mentees matched and total score.",
		Example: "  kubectl mentoring explain -f config/samples/digital-leaders --mentee james",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			when, err := parseInstant(at)
			if err != nil {
				return err
			}
			programmes, err := readProgrammes(paths, cmd.InOrStdin())
			if err != nil {
				return err
			}
			in, err := programmeOf(programmes, programme, mentee)
			if err != nil {
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
			e, err := matching.Explain(input, mentee)
			if err != nil {
				return fmt.Errorf("programme %s: %w", in.programme.Name, err)
			}
			newName := ""
			if e.Pair != nil && e.Pair.Pairing == "" {
				newName = planner.PairingName(in.programme.Name, e.Pair.Mentor, mentee, in.pairings)
			}
			return printExplanation(cmd.OutOrStdout(), in.programme.Name, newName, e)
		},
	}
	addFileFlag(cmd, &paths)
	addAtFlag(cmd, &at)
	cmd.Flags().StringVar(&mentee, "mentee", "", "Name of the mentee's Participant.")
	cmd.Flags().StringVar(&programme, "programme", "", "Name of the Programme, when the input holds several; default the mentee's.")
	_ = cmd.MarkFlagRequired("mentee")
	return cmd
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

// printExplanation writes the mentee's result, the programme's outcome and a table of the other mentors.
// newName is the name the mentee's pairing gets when it is new.
func printExplanation(w io.Writer, programme, newName string, e matching.Explanation) error {
	fmt.Fprintf(w, "Mentee %s in programme %s\n", e.Mentee, programme)
	switch {
	case e.Pair != nil:
		p := e.Pair
		pairing := "keeps pairing " + p.Pairing
		if p.Pairing == "" {
			pairing = "new pairing " + newName
		}
		fmt.Fprintf(w, "Matched with %s (%s): score %d = %s; shared topics %s.\n", p.Mentor, pairing, p.Score,
			points(p.Breakdown), strings.Join(p.Topics, ", "))
		if p.Violation != nil {
			fmt.Fprintf(w, "The pairing is pinned and breaks %s: %s.\n", p.Violation.Constraint, p.Violation.Message)
		}
	case e.Unmatched != nil:
		fmt.Fprintf(w, "Unmatched (%s): %s\n", e.Unmatched.Reason, e.Unmatched.Message)
	}
	fmt.Fprintf(w, "Programme outcome: %d mentees matched, total score %d.\n\n", e.Outcome.MatchedMentees, e.Outcome.TotalScore)
	if len(e.Mentors) == 0 {
		_, err := fmt.Fprintln(w, "No other mentors.")
		return err
	}
	t := newTable(w, "", "OTHER MENTOR", "SCORE", "THEIR MENTEES", "WHY NOT")
	for _, a := range e.Mentors {
		score, why := "-", ""
		switch {
		case a.Violation != nil:
			why = fmt.Sprintf("%s: %s", a.Violation.Constraint, a.Violation.Message)
		case a.Forced != nil:
			score = strconv.Itoa(a.Score)
			why = fmt.Sprintf("forcing this pair: %d matched%s, total %d%s", a.Forced.MatchedMentees,
				delta(a.Forced.MatchedMentees-e.Outcome.MatchedMentees), a.Forced.TotalScore, delta(a.Forced.TotalScore-e.Outcome.TotalScore))
		default:
			score = strconv.Itoa(a.Score)
			why = "allowed, scores below the alternatives above"
		}
		t.row(a.Mentor, score, orNone(strings.Join(a.Mentees, ",")), why)
	}
	return t.flush()
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
