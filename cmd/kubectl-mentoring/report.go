package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/report"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/report/page"
)

// formatHTML is report's page output.
const formatHTML = "html"

func newReportCommand(cluster *clusterFlags) *cobra.Command {
	var (
		paths      []string
		output, at string
	)
	cmd := &cobra.Command{
		Use:   "report PROGRAMME | report -f PATH... [PROGRAMME]",
		Short: "Write a programme's report for its sponsors: one HTML page, or its figures as JSON",
		Long: "report shows a programme on one page for the people who sponsor it: headline figures, the match\n" +
			"rate and why people are unmatched, topic demand against supply, seniority gaps, department\n" +
			"crossings, time zones, diversity goals and, in a cluster, the pairings by stage. The page is one\n" +
			"self-contained HTML file (nothing is fetched; it prints cleanly to PDF); -o json gives the same\n" +
			"figures. It names nobody, and hides any group of fewer than 5 people.\n\n" +
			"With a programme's name, report reads it, its Participants and its Pairings from the cluster. With\n" +
			"-f, it reads manifests and matches them as plan does, so a pull request can attach the report of\n" +
			"the cohort it proposes; name the programme when the manifests hold several.",
		Example: "  kubectl mentoring report digital-leaders -n mentoring > digital-leaders.html\n" +
			"  kubectl mentoring report -f config/samples/digital-leaders --at 2027-01-04 > report.html\n" +
			"  kubectl mentoring report -f programmes/ spring-cohort -o json",
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: cluster.completeProgrammes,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output, formatHTML, formatJSON); err != nil {
				return err
			}
			when, err := parseInstant(at)
			if err != nil {
				return err
			}
			var in programmeInput
			source := "manifests"
			if len(paths) > 0 {
				in, err = offlineProgramme(paths, args, cmd.InOrStdin())
			} else {
				source = "cluster"
				in, err = liveProgramme(cmd, cluster, args)
			}
			if err != nil {
				return err
			}
			now, err := when.in(in.programme)
			if err != nil {
				return err
			}
			r, err := report.Build(report.Input{Programme: in.programme, Participants: in.participants,
				Pairings: in.pairings, At: now, Source: source})
			if err != nil {
				return fmt.Errorf("programme %s: %w", in.programme.Name, err)
			}
			if output == formatJSON {
				return printData(cmd.OutOrStdout(), formatJSON, r)
			}
			return page.Render(cmd.OutOrStdout(), r)
		},
	}
	addFileFlag(cmd, &paths)
	// report reads manifests only when given -f; without it, it reads the cluster.
	delete(cmd.Flags().Lookup("filename").Annotations, cobra.BashCompOneRequiredFlag)
	addOutputFlag(cmd, &output, formatHTML, formatJSON)
	addAtFlag(cmd, &at)
	cluster.AddFlags(cmd.Flags())
	return cmd
}

// offlineProgramme reads manifests and picks the programme named in args, or the only one.
func offlineProgramme(paths, args []string, stdin io.Reader) (programmeInput, error) {
	programmes, err := readProgrammes(paths, stdin)
	if err != nil {
		return programmeInput{}, err
	}
	names := make([]string, len(programmes))
	for i, p := range programmes {
		if len(args) == 1 && p.programme.Name == args[0] {
			return p, nil
		}
		names[i] = p.programme.Name
	}
	switch {
	case len(args) == 1:
		return programmeInput{}, fmt.Errorf("no Programme %q in the manifests; they hold %s", args[0], strings.Join(names, ", "))
	case len(programmes) > 1:
		return programmeInput{}, fmt.Errorf("the manifests hold %d programmes (%s): name the one to report on", len(programmes), strings.Join(names, ", "))
	}
	return programmes[0], nil
}

// liveProgramme reads the named programme, its participants and its pairings from the cluster.
func liveProgramme(cmd *cobra.Command, cluster *clusterFlags, args []string) (programmeInput, error) {
	if len(args) == 0 {
		return programmeInput{}, errors.New("name a programme to report on from the cluster, or give manifests with -f")
	}
	c, namespace, err := cluster.client(cmd.ErrOrStderr())
	if err != nil {
		return programmeInput{}, err
	}
	ctx := cmd.Context()
	in := programmeInput{programme: &mentoringv1alpha1.Programme{}}
	if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: args[0]}, in.programme); err != nil {
		return programmeInput{}, err
	}
	var participants mentoringv1alpha1.ParticipantList
	if err := c.List(ctx, &participants, client.InNamespace(namespace)); err != nil {
		return programmeInput{}, err
	}
	for _, p := range participants.Items {
		if p.Spec.ProgrammeRef.Name == in.programme.Name {
			in.participants = append(in.participants, p)
		}
	}
	var pairings mentoringv1alpha1.PairingList
	if err := c.List(ctx, &pairings, client.InNamespace(namespace)); err != nil {
		return programmeInput{}, err
	}
	for _, p := range pairings.Items {
		if p.Spec.ProgrammeRef.Name == in.programme.Name {
			in.pairings = append(in.pairings, p)
		}
	}
	return in, nil
}
