package main

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// upcomingMeetings is how many of the next meetings status shows.
const upcomingMeetings = 10

func newStatusCommand(cluster *clusterFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "status PROGRAMME",
		Short: "Show a programme's matching, upcoming meetings and webhook deliveries",
		Long: "status shows what the operator reports for a programme: its stage and conditions, counts, match\n" +
			"rate, topic coverage and average score, the unmatched participants with the reason, the next\n" +
			"meetings of its pairings and the health of its webhook deliveries.",
		Example:           "  kubectl mentoring status digital-leaders -n mentoring",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: cluster.completeProgrammes,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, namespace, err := cluster.client(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			var programme mentoringv1alpha1.Programme
			if err := c.Get(cmd.Context(), client.ObjectKey{Namespace: namespace, Name: args[0]}, &programme); err != nil {
				return unreachable(err)
			}
			var list mentoringv1alpha1.PairingList
			if err := c.List(cmd.Context(), &list, client.InNamespace(namespace)); err != nil {
				return unreachable(err)
			}
			var pairings []mentoringv1alpha1.Pairing
			for _, p := range list.Items {
				if p.Spec.ProgrammeRef.Name == programme.Name {
					pairings = append(pairings, p)
				}
			}
			return printStatus(cmd.OutOrStdout(), &programme, pairings)
		},
	}
	cluster.AddFlags(cmd.Flags())
	return cmd
}

func printStatus(w io.Writer, programme *mentoringv1alpha1.Programme, pairings []mentoringv1alpha1.Pairing) error {
	s := programme.Status
	stage := "<none> (not reconciled yet)"
	if ready := meta.FindStatusCondition(s.Conditions, mentoringv1alpha1.ReadyCondition); ready != nil {
		stage = fmt.Sprintf("%s (Ready=%s)", ready.Reason, ready.Status)
	}
	lastMatch := "<none>"
	if s.LastMatchTime != nil {
		lastMatch = formatTime(s.LastMatchTime.Time)
	}
	t := newTable(w, "", "Name:", programme.Name)
	t.row("Namespace:", programme.Namespace)
	t.row("Stage:", stage)
	t.row("Participants:", fmt.Sprintf("%d (%d mentors, %d mentees)", s.Participants, s.Mentors, s.Mentees))
	t.row("Pairings:", fmt.Sprintf("%d active%s", s.Pairings, stages(pairings)))
	t.row("Unmatched mentees:", strconv.Itoa(int(s.Unmatched)))
	t.row("Match rate:", fmt.Sprintf("%d%%", s.MatchRatePercent))
	t.row("Topic coverage:", fmt.Sprintf("%d%%", s.TopicCoveragePercent))
	t.row("Average score:", strconv.Itoa(int(s.AverageScore)))
	t.row("Last match:", lastMatch)
	if m := s.Measurement; m != nil {
		t.row("Check-ins:", checkIns(m))
	}
	if err := t.flush(); err != nil {
		return err
	}

	fmt.Fprintln(w, "Conditions:")
	if len(s.Conditions) == 0 {
		fmt.Fprintln(w, "  <none>")
	} else {
		t = newTable(w, "  ", "TYPE", "STATUS", "REASON", "MESSAGE")
		for _, c := range s.Conditions {
			t.row(c.Type, string(c.Status), c.Reason, c.Message)
		}
		if err := t.flush(); err != nil {
			return err
		}
	}

	fmt.Fprintln(w, "Unmatched participants:")
	if len(s.UnmatchedParticipants) == 0 {
		fmt.Fprintln(w, "  <none>")
	} else {
		t = newTable(w, "  ", "NAME", "REASON")
		for _, u := range s.UnmatchedParticipants {
			t.row(u.Name, u.Reason)
		}
		if err := t.flush(); err != nil {
			return err
		}
	}

	fmt.Fprintln(w, "Upcoming meetings:")
	meetings := withNextMeeting(pairings)
	if len(meetings) == 0 {
		fmt.Fprintln(w, "  <none>")
	} else {
		t = newTable(w, "  ", "WHEN", "PAIRING", "MENTOR", "MENTEE")
		for _, p := range meetings[:min(upcomingMeetings, len(meetings))] {
			t.row(formatTime(p.Status.Meeting.NextMeeting.Time), p.Name, p.Spec.MentorRef.Name, p.Spec.MenteeRef.Name)
		}
		if err := t.flush(); err != nil {
			return err
		}
		if len(meetings) > upcomingMeetings {
			fmt.Fprintf(w, "  ... and %d more\n", len(meetings)-upcomingMeetings)
		}
	}

	if s.Measurement != nil {
		if err := printHealth(w, pairings); err != nil {
			return err
		}
	}

	fmt.Fprintln(w, "Webhook deliveries:")
	if len(s.Webhooks) == 0 {
		fmt.Fprintln(w, "  <none>")
		return nil
	}
	t = newTable(w, "  ", "NAME", "HEALTH", "PENDING", "LAST SUCCESS", "LAST FAILURE")
	for _, h := range s.Webhooks {
		success, failure := "<none>", "<none>"
		if h.LastSuccessTime != nil {
			success = formatTime(h.LastSuccessTime.Time)
		}
		if h.LastFailureTime != nil {
			failure = fmt.Sprintf("%s (%s)", formatTime(h.LastFailureTime.Time), orNone(h.LastFailure))
		}
		t.row(h.Name, webhookHealth(h), strconv.Itoa(int(h.Pending)), success, failure)
	}
	return t.flush()
}

// stages counts the pairings by stage, the reason of their Ready condition, such as
// " (Active 7, AwaitingApproval 2, Ended 1)".
func stages(pairings []mentoringv1alpha1.Pairing) string {
	counts := map[string]int{}
	for _, p := range pairings {
		stage := "Unknown"
		if ready := meta.FindStatusCondition(p.Status.Conditions, mentoringv1alpha1.ReadyCondition); ready != nil {
			stage = ready.Reason
		}
		if p.Status.Ended != nil {
			stage = mentoringv1alpha1.ReasonEnded
		}
		counts[stage]++
	}
	if len(counts) == 0 {
		return ""
	}
	var parts []string
	for _, stage := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s %d", stage, counts[stage]))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// withNextMeeting returns the pairings that have not ended and have a next meeting, soonest first.
func withNextMeeting(pairings []mentoringv1alpha1.Pairing) []mentoringv1alpha1.Pairing {
	var out []mentoringv1alpha1.Pairing
	for _, p := range pairings {
		if p.Status.Ended == nil && p.Status.Meeting != nil && p.Status.Meeting.NextMeeting != nil {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b mentoringv1alpha1.Pairing) int {
		return cmp.Or(a.Status.Meeting.NextMeeting.Compare(b.Status.Meeting.NextMeeting.Time), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// webhookHealth sums up a webhook's deliveries: Disabled after 410 Gone, Failing when the last failure
// (since the configuration last changed) is newer than the last success, Pending while events wait,
// Healthy otherwise.
func webhookHealth(h mentoringv1alpha1.WebhookStatus) string {
	failing := h.LastFailureTime != nil &&
		(h.LastSuccessTime == nil || h.LastFailureTime.After(h.LastSuccessTime.Time)) &&
		(h.ConfigChangedTime == nil || h.LastFailureTime.After(h.ConfigChangedTime.Time))
	switch {
	case h.Disabled:
		return "Disabled (410 Gone)"
	case failing:
		return "Failing"
	case h.Pending > 0:
		return "Pending"
	}
	return "Healthy"
}

// checkIns sums up the programme's check-ins, such as "9 of 10 answered (90%); pairings: 3 OnTrack,
// 1 NeedsAttention, 0 Inactive, 2 TooEarly".
func checkIns(m *mentoringv1alpha1.MeasurementSummary) string {
	rate := "none due yet"
	if m.ResponseRatePercent != nil {
		rate = fmt.Sprintf("%d%%", *m.ResponseRatePercent)
	}
	h := m.PairingsByHealth
	return fmt.Sprintf("%d of %d due answered (%s); pairings: %d OnTrack, %d NeedsAttention, %d Inactive, %d TooEarly",
		m.Responses, m.ResponsesDue, rate, h.OnTrack, h.NeedsAttention, h.Inactive, h.TooEarly)
}

// printHealth lists the pairings whose check-ins show a problem (Healthy False), up to ten.
func printHealth(w io.Writer, pairings []mentoringv1alpha1.Pairing) error {
	fmt.Fprintln(w, "Pairings needing attention:")
	var rows [][3]string
	for _, p := range pairings {
		if h := meta.FindStatusCondition(p.Status.Conditions, mentoringv1alpha1.HealthyCondition); h != nil && h.Status == "False" && p.Status.Ended == nil {
			rows = append(rows, [3]string{p.Name, h.Reason, h.Message})
		}
	}
	if len(rows) == 0 {
		fmt.Fprintln(w, "  <none>")
		return nil
	}
	t := newTable(w, "  ", "PAIRING", "HEALTH", "MESSAGE")
	for _, r := range rows[:min(upcomingMeetings, len(rows))] {
		t.row(r[0], r[1], r[2])
	}
	if err := t.flush(); err != nil {
		return err
	}
	if len(rows) > upcomingMeetings {
		fmt.Fprintf(w, "  ... and %d more\n", len(rows)-upcomingMeetings)
	}
	return nil
}
