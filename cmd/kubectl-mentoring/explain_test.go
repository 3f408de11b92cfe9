package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

func TestExplainSampleMentee(t *testing.T) {
	plan := decodePlan(t, []byte(mustRun(t, "plan", "-f", sample(), "-o", "json", "--at", beforeEnrolmentCloses)))
	_, participants := sampleParticipants(t)
	for _, mentee := range []string{"sanjay", "james"} {
		t.Run(mentee, func(t *testing.T) {
			out := mustRun(t, "explain", "-f", sample(), "--mentee", mentee, "--at", beforeEnrolmentCloses)
			var chosen pairingView
			for _, p := range plan.Pairings {
				if p.Mentee == mentee {
					chosen = p
				}
			}
			if want := fmt.Sprintf("Matched with %s (new pairing %s): score %d = ", chosen.Mentor, chosen.Name, chosen.Score); !strings.Contains(out, want) {
				t.Errorf("explanation lacks %q:\n%s", want, out)
			}
			if want := fmt.Sprintf("Programme outcome: %d mentees matched, total score %d.", plan.Summary.MatchedMentees, plan.Summary.TotalScore); !strings.Contains(out, want) {
				t.Errorf("explanation lacks %q:\n%s", want, out)
			}
			table := out[strings.Index(out, "OTHER MENTOR"):]
			rows := map[string]string{}
			for _, row := range lines(strings.TrimSpace(table))[1:] {
				rows[strings.Fields(row)[0]] = row
			}
			for name, p := range participants {
				if p.Spec.Role != mentoringv1alpha1.RoleMentor || name == chosen.Mentor {
					continue
				}
				row, ok := rows[name]
				if !ok {
					t.Errorf("mentor %s is not explained:\n%s", name, out)
					continue
				}
				if int(participants[mentee].Spec.Seniority-p.Spec.Seniority) < 3 && !strings.Contains(row, "SeniorityGap") {
					t.Errorf("mentor %s is too senior for %s, but the row says %q", name, mentee, row)
				}
			}
			if len(rows) != plan.Summary.Mentors-1 {
				t.Errorf("%d other mentors explained, want %d", len(rows), plan.Summary.Mentors-1)
			}
			forced := 0
			for _, row := range rows {
				m := forcedPattern.FindStringSubmatch(row)
				if m == nil {
					continue
				}
				forced++
				matched, total := atoi(t, m[1]), atoi(t, m[2])
				change := total - plan.Summary.TotalScore
				if want := delta(change); m[3] != want {
					t.Errorf("row %q: change %q, want %q", row, m[3], want)
				}
				// The plan is optimal: forcing another pair never matches more, nor scores more with as many.
				if matched > plan.Summary.MatchedMentees || (matched == plan.Summary.MatchedMentees && change > 0) {
					t.Errorf("row %q beats the plan (%d matched, total %d)", row, plan.Summary.MatchedMentees, plan.Summary.TotalScore)
				}
			}
			if forced == 0 {
				t.Errorf("no alternative shows the forced outcome:\n%s", out)
			}
			checkAligned(t, lines(strings.TrimSpace(table)))
		})
	}
}

var forcedPattern = regexp.MustCompile(`forcing this pair: (\d+) matched(?: \([+−]\d+\))?, total (\d+)((?: \([+−]\d+\))?)$`)

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestExplainErrors(t *testing.T) {
	for _, args := range [][]string{
		{"explain", "-f", sample(), "--mentee", "nobody"},                            // no such participant
		{"explain", "-f", sample(), "--mentee", "ben"},                               // a mentor
		{"explain", "-f", sample(), "--mentee", "james", "--programme", "elsewhere"}, // no such programme
		{"explain", "-f", sample()},                                                  // --mentee is required
	} {
		if r := kubectlMentoring(t, "", args...); r.code == 0 || r.stderr == "" {
			t.Errorf("%q: exit %d, stderr %q; want an error", args, r.code, r.stderr)
		}
	}
}
