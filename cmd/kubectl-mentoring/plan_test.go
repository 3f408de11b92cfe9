package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// sampleDocuments returns the YAML documents of the sample's manifests, programme first.
func sampleDocuments(t *testing.T) []string {
	t.Helper()
	var docs []string
	for _, name := range []string{"programme.yaml", "participants.yaml"} {
		data, err := os.ReadFile(filepath.Join(sample(), name))
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range strings.Split(string(data), "\n---\n") {
			docs = append(docs, strings.TrimSpace(doc)+"\n")
		}
	}
	return docs
}

// sampleParticipants reads the sample's participants independently of the plugin's reader.
func sampleParticipants(t *testing.T) (*mentoringv1alpha1.Programme, map[string]mentoringv1alpha1.Participant) {
	t.Helper()
	docs := sampleDocuments(t)
	var programme mentoringv1alpha1.Programme
	if err := yaml.Unmarshal([]byte(docs[0]), &programme); err != nil {
		t.Fatal(err)
	}
	participants := map[string]mentoringv1alpha1.Participant{}
	for _, doc := range docs[1:] {
		var p mentoringv1alpha1.Participant
		if err := yaml.Unmarshal([]byte(doc), &p); err != nil {
			t.Fatal(err)
		}
		participants[p.Name] = p
	}
	return &programme, participants
}

// decodePlan decodes -o json output, checking the documented shape first.
func decodePlan(t *testing.T, data []byte) planView {
	t.Helper()
	var shape map[string]any
	if err := json.Unmarshal(data, &shape); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, data)
	}
	for _, key := range []string{"pairings", "unmatched", "summary"} {
		if _, ok := shape[key]; !ok {
			t.Fatalf("JSON output lacks %q: %s", key, data)
		}
	}
	for _, p := range shape["pairings"].([]any) {
		for _, key := range []string{"mentor", "mentee", "score", "breakdown"} {
			if _, ok := p.(map[string]any)[key]; !ok {
				t.Fatalf("a pairing lacks %q: %v", key, p)
			}
		}
	}
	for _, u := range shape["unmatched"].([]any) {
		for _, key := range []string{"name", "reason"} {
			if _, ok := u.(map[string]any)[key]; !ok {
				t.Fatalf("an unmatched entry lacks %q: %v", key, u)
			}
		}
	}
	var plan planView
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&plan); err != nil {
		t.Fatal(err)
	}
	return plan
}

func TestPlanSampleJSON(t *testing.T) {
	plan := decodePlan(t, []byte(mustRun(t, "plan", "-f", sample(), "-o", "json", "--at", beforeEnrolmentCloses)))
	programme, participants := sampleParticipants(t)
	gap := int(*programme.Spec.Matching.MinSeniorityGap)

	if len(plan.Pairings) == 0 {
		t.Fatal("the sample plan has no pairings")
	}
	menteeSeen, menteesOf, total := map[string]bool{}, map[string]int{}, 0
	for _, p := range plan.Pairings {
		mentor, mentee := participants[p.Mentor], participants[p.Mentee]
		if mentor.Spec.Role != mentoringv1alpha1.RoleMentor || mentee.Spec.Role != mentoringv1alpha1.RoleMentee {
			t.Errorf("%s → %s: roles %q and %q", p.Mentor, p.Mentee, mentor.Spec.Role, mentee.Spec.Role)
		}
		if int(mentee.Spec.Seniority-mentor.Spec.Seniority) < gap {
			t.Errorf("%s (seniority %d) mentors %s (seniority %d): gap below %d", p.Mentor, mentor.Spec.Seniority, p.Mentee, mentee.Spec.Seniority, gap)
		}
		if menteeSeen[p.Mentee] {
			t.Errorf("mentee %s has two pairings", p.Mentee)
		}
		menteeSeen[p.Mentee] = true
		menteesOf[p.Mentor]++
		points := 0
		for _, b := range p.Breakdown {
			points += b.Points
		}
		if points != p.Score || p.Score < 0 || p.Score > 100 {
			t.Errorf("%s → %s: score %d, breakdown adds up to %d", p.Mentor, p.Mentee, p.Score, points)
		}
		if !p.New || !strings.HasPrefix(p.Name, programme.Name+"-") || p.Programme != programme.Name || len(p.Topics) == 0 {
			t.Errorf("pairing %+v: want a new pairing named after the programme, with topics", p)
		}
		total += p.Score
	}
	for mentor, n := range menteesOf {
		capacity := int(*participants[mentor].Spec.Capacity)
		if n > min(capacity, int(programme.Spec.Matching.MaxMenteesPerMentor)) {
			t.Errorf("mentor %s has %d mentees, capacity %d", mentor, n, capacity)
		}
	}
	for _, u := range plan.Unmatched {
		if menteeSeen[u.Name] || menteesOf[u.Name] > 0 || u.Reason == "" || u.Message == "" {
			t.Errorf("unmatched %+v is paired or has no reason", u)
		}
	}

	s := plan.Summary
	mentors, mentees := 0, 0
	for _, p := range participants {
		if p.Spec.Role == mentoringv1alpha1.RoleMentor {
			mentors++
		} else {
			mentees++
		}
	}
	if s.Participants != len(participants) || s.Mentors != mentors || s.Mentees != mentees {
		t.Errorf("summary counts %+v, want %d participants, %d mentors, %d mentees", s, len(participants), mentors, mentees)
	}
	if s.Pairings != len(plan.Pairings) || s.NewPairings != len(plan.Pairings) || s.TotalScore != total ||
		s.MatchedMentees != len(plan.Pairings) || s.EligibleMentees != s.MatchedMentees+s.Unmatched ||
		s.AverageScore != roundDiv(total, len(plan.Pairings)) || s.MatchRatePercent != roundDiv(100*s.MatchedMentees, s.EligibleMentees) {
		t.Errorf("summary %+v is inconsistent with %d pairings of total score %d", s, len(plan.Pairings), total)
	}
	if len(plan.Programmes) != 1 || !reflect.DeepEqual(plan.Programmes[0].Summary, s) {
		t.Errorf("programmes %+v, want the one programme's summary", plan.Programmes)
	}
	if plan.Candidates != nil {
		t.Errorf("candidates listed without --candidates")
	}
}

func TestPlanSampleYAMLMatchesJSON(t *testing.T) {
	fromJSON := decodePlan(t, []byte(mustRun(t, "plan", "-f", sample(), "-o", "json", "--at", beforeEnrolmentCloses)))
	var fromYAML planView
	if err := yaml.UnmarshalStrict([]byte(mustRun(t, "plan", "-f", sample(), "-o", "yaml", "--at", beforeEnrolmentCloses)), &fromYAML); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromJSON, fromYAML) {
		t.Errorf("YAML output differs from JSON output:\n%+v\n%+v", fromYAML, fromJSON)
	}
}

func TestPlanSampleTable(t *testing.T) {
	plan := decodePlan(t, []byte(mustRun(t, "plan", "-f", sample(), "-o", "json", "--at", beforeEnrolmentCloses)))
	for _, output := range []string{"table", "wide"} {
		out := mustRun(t, "plan", "-f", sample(), "-o", output, "--at", beforeEnrolmentCloses)
		blocks := strings.Split(strings.TrimSpace(out), "\n\n")
		if len(plan.Unmatched) == 0 || len(blocks) != 3 {
			t.Fatalf("-o %s: want tables of pairings and unmatched, and a summary, got %d blocks:\n%s", output, len(blocks), out)
		}
		pairings, unmatched, summary := lines(blocks[0]), lines(blocks[1]), blocks[2]
		header := "MENTOR MENTEE SCORE ACTION TOPICS"
		if output == "wide" {
			header = "PAIRING " + header + " BREAKDOWN"
		}
		if strings.Join(strings.Fields(pairings[0]), " ") != header || len(pairings) != len(plan.Pairings)+1 {
			t.Fatalf("-o %s: pairings table, want the header %q:\n%s", output, header, blocks[0])
		}
		for i, p := range plan.Pairings {
			row := pairings[i+1]
			want := []string{p.Mentor, p.Mentee, fmt.Sprint(p.Score), "create"}
			if output == "wide" {
				want = append([]string{p.Name}, want...)
			}
			if !slices.Equal(strings.Fields(row)[:len(want)], want) {
				t.Errorf("row %q, want it to start with %q", row, want)
			}
			if output == "wide" && !strings.HasSuffix(row, breakdown(p.Breakdown)) {
				t.Errorf("row %q lacks the breakdown", row)
			}
		}
		if len(unmatched) != len(plan.Unmatched)+1 || !strings.HasPrefix(unmatched[0], "UNMATCHED ") {
			t.Errorf("unmatched table:\n%s", blocks[1])
		}
		s := plan.Summary
		for _, want := range []string{
			"Programme digital-leaders:\n",
			fmt.Sprintf("  Participants:     %d (%d mentors, %d mentees)\n", s.Participants, s.Mentors, s.Mentees),
			fmt.Sprintf("  Pairings:         %d (%d new, 0 ending)\n", s.Pairings, s.NewPairings),
			fmt.Sprintf("  Unmatched:        %d (%d of %d eligible mentees)\n", len(plan.Unmatched), s.Unmatched, s.EligibleMentees),
			fmt.Sprintf("  Match rate:       %d%%\n", s.MatchRatePercent),
		} {
			if !strings.Contains(summary+"\n", want) {
				t.Errorf("summary lacks %q:\n%s", want, summary)
			}
		}
		for _, block := range blocks[:2] {
			checkAligned(t, lines(block))
		}
	}
}

func lines(block string) []string { return strings.Split(block, "\n") }

// checkAligned checks that every cell of a table starts where its header does, as kubectl aligns them.
func checkAligned(t *testing.T, table []string) {
	t.Helper()
	header := table[0]
	for i := 2; i < len(header); i++ {
		if header[i] == ' ' || header[i-1] != ' ' || header[i-2] != ' ' {
			continue // not the start of a column: headers such as MATCH RATE hold single spaces
		}
		for _, row := range table[1:] {
			if len(row) <= i || row[i-1] != ' ' || row[i] == ' ' {
				t.Errorf("column at %d of %q is not aligned in row %q", i, header, row)
			}
		}
	}
}

func TestPlanCandidates(t *testing.T) {
	plan := decodePlan(t, []byte(mustRun(t, "plan", "-f", sample(), "-o", "json", "--candidates", "--at", beforeEnrolmentCloses)))
	scores := map[[2]string]int{}
	for _, c := range plan.Candidates {
		scores[[2]string{c.Mentor, c.Mentee}] = c.Score
	}
	if len(plan.Candidates) <= len(plan.Pairings) {
		t.Errorf("%d candidates for %d pairings: want every allowed pair", len(plan.Candidates), len(plan.Pairings))
	}
	for _, p := range plan.Pairings {
		if score, ok := scores[[2]string{p.Mentor, p.Mentee}]; !ok || score != p.Score {
			t.Errorf("pairing %s → %s (score %d) is not a candidate with that score (%d, %v)", p.Mentor, p.Mentee, p.Score, score, ok)
		}
	}
}

// writeFiles writes files into a new temporary folder and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPlanIgnoresInputOrder(t *testing.T) {
	want := mustRun(t, "plan", "-f", sample(), "-o", "json", "--candidates", "--at", beforeEnrolmentCloses)
	docs := sampleDocuments(t)
	for seed := range uint64(5) {
		shuffled := slices.Clone(docs)
		rand.New(rand.NewPCG(seed, 7)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		half := len(shuffled) / 2
		dir := writeFiles(t, map[string]string{
			"b.yaml":   strings.Join(shuffled[:half], "---\n"),
			"a/c.yaml": strings.Join(shuffled[half:], "---\n"),
		})
		if got := mustRun(t, "plan", "-f", dir, "-o", "json", "--candidates", "--at", beforeEnrolmentCloses); got != want {
			t.Errorf("seed %d: the plan depends on the order of the manifests", seed)
		}
	}
}

func TestPlanStdin(t *testing.T) {
	want := mustRun(t, "plan", "-f", sample(), "-o", "json", "--at", beforeEnrolmentCloses)
	r := kubectlMentoring(t, strings.Join(sampleDocuments(t), "---\n"), "plan", "-f", "-", "-o", "json", "--at", beforeEnrolmentCloses)
	if r.code != 0 || r.stdout != want {
		t.Errorf("plan -f - (exit %d, %s) differs from plan of the sample folder:\n%s", r.code, r.stderr, r.stdout)
	}
}

func TestPlanFolderWithOtherKinds(t *testing.T) {
	want := mustRun(t, "plan", "-f", sample(), "-o", "json", "--at", beforeEnrolmentCloses)
	docs := sampleDocuments(t)
	// The participants as a JSON List, as `kubectl get participants -o json` prints them.
	var items []json.RawMessage
	for _, doc := range docs[1:] {
		item, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, item)
	}
	list, err := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "List", "items": items})
	if err != nil {
		t.Fatal(err)
	}
	dir := writeFiles(t, map[string]string{
		"kustomization.yaml":       "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [programme.yaml, people/participants.json]\n",
		"programme.yaml":           "# The programme and its webhook secret.\n" + docs[0] + "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: hook\nstringData:\n  url: https://example.org/hook\n",
		"people/participants.json": string(list),
		"people/config.yml":        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  anything: goes\n---\n# an empty document\n",
		"people/README.md":         "Not a manifest: ignored because of its extension.\n",
	})
	if got := mustRun(t, "plan", "-f", dir, "-o", "json", "--at", beforeEnrolmentCloses); got != want {
		t.Errorf("plan of a folder with other kinds differs from plan of the sample:\n%s", got)
	}
}

func TestPlanKeepsPinnedPairingsAndClosesEnrolment(t *testing.T) {
	pinned := "apiVersion: mentoring.reverse-mentoring.dev/v1alpha1\nkind: Pairing\nmetadata:\n  name: pinned\nspec:\n" +
		"  programmeRef: {name: digital-leaders}\n  mentorRef: {name: ishaan}\n  menteeRef: {name: sanjay}\n"
	dir := writeFiles(t, map[string]string{"pinned.yaml": pinned})
	plan := decodePlan(t, []byte(mustRun(t, "plan", "-f", sample(), "-f", dir, "-o", "json", "--at", beforeEnrolmentCloses)))
	i := slices.IndexFunc(plan.Pairings, func(p pairingView) bool { return p.Name == "pinned" })
	if i < 0 || plan.Pairings[i].New || !plan.Pairings[i].Pinned || plan.Pairings[i].Mentor != "ishaan" || plan.Pairings[i].Mentee != "sanjay" {
		t.Fatalf("the pinned pairing is not kept: %+v", plan.Pairings)
	}
	if v := plan.Pairings[i].Violation; !strings.HasPrefix(v, "ManagementChain: ") {
		t.Errorf("the pinned pairing's violation is %q, want ManagementChain", v)
	}
	if plan.Summary.NewPairings != len(plan.Pairings)-1 {
		t.Errorf("summary %+v: want every pairing but the pinned one new", plan.Summary)
	}

	// After the enrolment deadline no pairing is made; the pinned one is kept.
	closed := decodePlan(t, []byte(mustRun(t, "plan", "-f", sample(), "-f", dir, "-o", "json", "--at", "2027-03-01")))
	if len(closed.Pairings) != 1 || closed.Pairings[0].Name != "pinned" || closed.Summary.NewPairings != 0 {
		t.Errorf("after the deadline: %+v, want only the pinned pairing", closed.Pairings)
	}
}

func TestPlanSeveralProgrammes(t *testing.T) {
	docs := sampleDocuments(t)
	var second []string
	for i, doc := range docs {
		doc = strings.ReplaceAll(doc, "digital-leaders", "data-leaders")
		if i > 0 {
			doc = strings.Replace(doc, "metadata:\n  name: ", "metadata:\n  name: second-", 1)
		}
		second = append(second, doc)
	}
	dir := writeFiles(t, map[string]string{"second.yaml": strings.Join(second, "---\n")})
	one := decodePlan(t, []byte(mustRun(t, "plan", "-f", sample(), "-o", "json", "--at", beforeEnrolmentCloses)))
	two := decodePlan(t, []byte(mustRun(t, "plan", "-f", sample(), "-f", dir, "-o", "json", "--at", beforeEnrolmentCloses)))
	if len(two.Programmes) != 2 || two.Programmes[0].Name != "data-leaders" || two.Programmes[1].Name != "digital-leaders" {
		t.Fatalf("programmes %+v", two.Programmes)
	}
	s := two.Summary
	if s.Participants != 2*one.Summary.Participants || s.Pairings != 2*one.Summary.Pairings || s.TotalScore != 2*one.Summary.TotalScore ||
		s.AverageScore != one.Summary.AverageScore || s.TopicCoveragePercent != nil || len(two.Pairings) != 2*len(one.Pairings) {
		t.Errorf("totals %+v, want twice %+v", s, one.Summary)
	}
	for _, p := range two.Pairings {
		if strings.HasPrefix(p.Mentor, "second-") != (p.Programme == "data-leaders") {
			t.Errorf("pairing %+v mixes programmes", p)
		}
	}
}

func TestPlanEndsPairingsThatBreakConstraints(t *testing.T) {
	// A pairing the operator made (it has a controller owner) between two people in one management
	// chain, as when a manager changes: the plan ends it.
	owned := "apiVersion: mentoring.reverse-mentoring.dev/v1alpha1\nkind: Pairing\nmetadata:\n  name: owned\n" +
		"  ownerReferences:\n  - {apiVersion: mentoring.reverse-mentoring.dev/v1alpha1, kind: Programme, name: digital-leaders, " +
		"uid: 0b6f5d1e-6a34-4f7e-9a43-0d1c2b3a4f5e, controller: true}\n" +
		"spec:\n  programmeRef: {name: digital-leaders}\n  mentorRef: {name: ishaan}\n  menteeRef: {name: sanjay}\n"
	dir := writeFiles(t, map[string]string{"owned.yaml": owned})
	plan := decodePlan(t, []byte(mustRun(t, "plan", "-f", sample(), "-f", dir, "-o", "json", "--at", beforeEnrolmentCloses)))
	want := []endView{{Programme: "digital-leaders", Name: "owned", Mentor: "ishaan", Mentee: "sanjay", Reason: string(mentoringv1alpha1.EndConstraintViolated)}}
	if len(plan.Ends) != 1 || plan.Ends[0].Message == "" {
		t.Fatalf("ends %+v, want %+v with a message", plan.Ends, want)
	}
	plan.Ends[0].Message = ""
	if !reflect.DeepEqual(plan.Ends, want) || plan.Summary.EndingPairings != 1 {
		t.Errorf("ends %+v (summary %+v), want %+v", plan.Ends, plan.Summary, want)
	}
	if slices.ContainsFunc(plan.Pairings, func(p pairingView) bool { return p.Name == "owned" }) {
		t.Errorf("the ending pairing is listed as kept")
	}
	table := mustRun(t, "plan", "-f", sample(), "-f", dir, "-o", "wide", "--at", beforeEnrolmentCloses)
	row := slices.IndexFunc(lines(table), func(row string) bool {
		fields := strings.Fields(row)
		return len(fields) > 4 && slices.Equal(fields[:4], []string{"owned", "ishaan", "sanjay", "ConstraintViolated"})
	})
	if !strings.Contains(table, "ENDING PAIRING") || row < 0 {
		t.Errorf("the table does not show the ending pairing:\n%s", table)
	}
}
