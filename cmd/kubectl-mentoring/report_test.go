package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/report"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// writeManifests writes a programme and its participants as one YAML file in dir, as a repository
// holds them.
func writeManifests(tb testing.TB, dir string, programme *mentoringv1alpha1.Programme, people []mentoringv1alpha1.Participant) {
	tb.Helper()
	var out bytes.Buffer
	add := func(obj any) {
		data, err := yaml.Marshal(obj)
		if err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(&out, "---\n%s", data)
	}
	programme.TypeMeta = metav1.TypeMeta{APIVersion: mentoringv1alpha1.GroupVersion.String(), Kind: "Programme"}
	add(programme)
	for i := range people {
		people[i].TypeMeta = metav1.TypeMeta{APIVersion: mentoringv1alpha1.GroupVersion.String(), Kind: "Participant"}
		add(&people[i])
	}
	if err := os.WriteFile(filepath.Join(dir, "programme.yaml"), out.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// generated is a programme of n generated participants (see testenv.Population) with a diversity goal
// on a generation attribute, and four of them in a time zone and generation of their own.
func generated(n int) (*mentoringv1alpha1.Programme, []mentoringv1alpha1.Participant) {
	programme := testenv.PopulationProgramme(fmt.Sprintf("cohort-%d", n), mentoringv1alpha1.ProgrammeSchedule{
		Start: "2027-01-11", End: "2027-12-17", EnrolmentDeadline: "2027-02-26", TimeZone: "Europe/London"})
	programme.Spec.Matching.Diversity = []mentoringv1alpha1.DiversityGoal{{Attribute: "generation", Prefer: mentoringv1alpha1.PreferDifferent, Weight: 15}}
	people := testenv.Population(programme.Name, n)
	for i := range people {
		people[i].Spec.Attributes = []mentoringv1alpha1.Attribute{{Name: "generation", Value: []string{"gen-z", "millennial", "gen-x", "boomer"}[i%4]}}
	}
	for i := range people[:4] {
		people[i].Spec.Timezone, people[i].Spec.Attributes[0].Value = "Australia/Perth", "silent"
	}
	return programme, people
}

// groupOfFour are the time zone and generation only four people of generated have.
var groupOfFour = []string{"Australia/Perth", "silent"}

// svgText is a text element of a chart's SVG: value labels are 10px, axis labels 11px.
type svgText struct {
	Text string `json:"text"`
	Size string `json:"size"`
}

// pageFacts are what the test reads from the page in the browser.
type pageFacts struct {
	Charts       map[string][]svgText `json:"charts"`
	Headline     map[string]string    `json:"headline"`
	Matrix       []string             `json:"matrix"`
	Privacy      []string             `json:"privacy"`
	Overflow     bool                 `json:"overflow"`
	Resources    int                  `json:"resources"`
	ExternalRefs int                  `json:"externalRefs"`
}

const readPage = `JSON.stringify({
  charts: Object.fromEntries([...document.querySelectorAll('figure[data-chart]')].map(f => [f.dataset.chart,
    [...f.querySelectorAll('svg text')].map(t => ({text: t.textContent, size: t.style.fontSize}))])),
  headline: Object.fromEntries([...document.querySelectorAll('[data-figure]')].map(d => [d.dataset.figure, d.firstChild.textContent.trim()])),
  matrix: [...document.querySelectorAll('table.matrix tbody td')].map(td => td.textContent),
  privacy: [...document.querySelectorAll('#privacy li')].map(li => li.textContent),
  overflow: document.documentElement.scrollWidth > window.innerWidth,
  resources: performance.getEntriesByType('resource').length,
  externalRefs: document.querySelectorAll('[src], link[href], [href^="http"], [xlink\\:href]').length,
})`

// expectedCharts derives, from the report's JSON, each chart the page must draw and the labels of its
// bars: a figure, or "hidden".
func expectedCharts(r *report.Report) map[string][]string {
	label := func(n *int) string {
		if n == nil {
			return "hidden"
		}
		return strconv.Itoa(*n)
	}
	count := func(n int) string { return strconv.Itoa(n) }
	charts := map[string][]string{}
	byReason := map[string][2]int{}
	for i, groups := range [][]report.Group{r.Unmatched.Mentees, r.Unmatched.Mentors} {
		for _, g := range groups {
			c := byReason[g.Name]
			c[i] = g.Count
			byReason[g.Name] = c
		}
	}
	for _, c := range byReason {
		charts["unmatched"] = append(charts["unmatched"], count(c[0]), count(c[1]))
	}
	for _, t := range r.Topics {
		charts["topics"] = append(charts["topics"], label(t.Seeking), label(t.Offering), label(t.Paired))
	}
	for _, g := range r.SeniorityGaps {
		charts["seniority-gaps"] = append(charts["seniority-gaps"], count(g.Pairs))
	}
	breakdown := func(id string, b report.Breakdown) {
		for _, g := range b.Groups {
			charts[id] = append(charts[id], count(g.Count))
		}
		if b.Other != nil {
			charts[id] = append(charts[id], label(b.Other.Count))
		}
	}
	breakdown("time-zones", r.TimeZones)
	for _, d := range r.Diversity {
		charts["diversity-goals"] = append(charts["diversity-goals"], label(d.Met), label(d.NotMet), label(d.Unknown))
		breakdown("diversity-"+d.Attribute, d.Participants)
	}
	if r.Pairings != nil {
		for _, g := range r.Pairings.Stages {
			charts["pairing-stages"] = append(charts["pairing-stages"], count(g.Count))
		}
	}
	for id := range charts {
		slices.Sort(charts[id])
	}
	return charts
}

// checkPage opens the report's page at a phone's and a desktop's width and checks that it shows the
// figures of the report's JSON, fetches nothing, fits the width and names none of the hidden.
func checkPage(t *testing.T, ctx context.Context, name, html string, r *report.Report, hidden []string) {
	t.Helper()
	dir := os.Getenv("REPORT_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	file := filepath.Join(dir, name+".html")
	if err := os.WriteFile(file, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, secret := range hidden {
		if strings.Contains(html, secret) {
			t.Errorf("%s: the page names %q", name, secret)
		}
	}
	want := expectedCharts(r)
	for width, size := range map[string][2]int64{"phone": testenv.Phone, "desktop": testenv.Desktop} {
		png, err := testenv.Screenshot(ctx, "file://"+file, size[0], size[1])
		if err != nil {
			t.Fatalf("%s at %s width: %v", name, width, err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%s.png", name, width)), png, 0o644); err != nil {
			t.Fatal(err)
		}
		data, err := chromedp.Run(ctx, chromedp.Evaluate[string](readPage))
		if err != nil {
			t.Fatal(err)
		}
		var facts pageFacts
		if err := json.Unmarshal([]byte(data), &facts); err != nil {
			t.Fatal(err)
		}
		where := name + " at " + width + " width"
		if facts.Overflow {
			t.Errorf("%s: the page is wider than the window", where)
		}
		if facts.Resources != 0 || facts.ExternalRefs != 0 {
			t.Errorf("%s: the page fetched %d resources and refers to %d", where, facts.Resources, facts.ExternalRefs)
		}
		for id, labels := range want {
			var got []string
			for _, text := range facts.Charts[id] {
				if text.Size == "10px" {
					got = append(got, text.Text)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, labels) {
				t.Errorf("%s: chart %s labels its bars %q, want %q", where, id, got, labels)
			}
		}
		for id := range facts.Charts {
			if _, ok := want[id]; !ok {
				t.Errorf("%s: chart %s has no figures in the JSON", where, id)
			}
		}
		h := r.Headline
		for figure, value := range map[string]string{"participants": strconv.Itoa(h.Participants), "pairs": strconv.Itoa(h.Pairs),
			"match-rate": fmt.Sprintf("%d%%", h.MatchRatePercent), "topic-coverage": fmt.Sprintf("%d%%", h.TopicCoveragePercent),
			"cross-department": fmt.Sprintf("%d%%", h.CrossDepartmentPercent)} {
			if facts.Headline[figure] != value {
				t.Errorf("%s: headline %s shows %q, want %q", where, figure, facts.Headline[figure], value)
			}
		}
		if !slices.Equal(facts.Privacy, r.Privacy.Hidden) {
			t.Errorf("%s: privacy notes %q, want %q", where, facts.Privacy, r.Privacy.Hidden)
		}
		var cells []string
		for _, row := range r.Departments.Pairs {
			for _, c := range row {
				if c == nil {
					cells = append(cells, "hidden")
				} else {
					cells = append(cells, strconv.Itoa(*c))
				}
			}
		}
		if len(facts.Matrix) > 0 && !slices.Equal(facts.Matrix, cells) {
			t.Errorf("%s: department matrix %q, want %q", where, facts.Matrix, cells)
		}
	}
}

// reportOf runs report with args, as JSON and as the page.
func reportOf(t *testing.T, args ...string) (*report.Report, string) {
	t.Helper()
	var r report.Report
	if err := json.Unmarshal([]byte(mustRun(t, append(args, "-o", "json")...)), &r); err != nil {
		t.Fatal(err)
	}
	return &r, mustRun(t, args...)
}

func TestReportPagesInBrowser(t *testing.T) {
	ctx, stop, err := testenv.Browser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	samples := filepath.Dir(sample())
	for _, name := range []string{"digital-leaders", "inclusion-circle", "manual-cohort"} {
		t.Run(name, func(t *testing.T) {
			r, html := reportOf(t, "report", "-f", filepath.Join(samples, name), "--at", beforeEnrolmentCloses)
			if r.Programme != name || r.Headline.Participants == 0 {
				t.Fatalf("report of %s: %+v", name, r.Headline)
			}
			checkPage(t, ctx, name, html, r, nil)
		})
	}
	t.Run("2000 participants", func(t *testing.T) {
		dir := t.TempDir()
		programme, people := generated(2000)
		writeManifests(t, dir, programme, people)
		r, html := reportOf(t, "report", "-f", dir, "--at", "2027-01-04")
		if r.Headline.Participants != 2000 || r.Headline.Pairs < 1000 {
			t.Fatalf("headline %+v, want 2000 participants and most mentees paired", r.Headline)
		}
		data, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range groupOfFour {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("the JSON names %q, which only four people share", secret)
			}
		}
		if r.TimeZones.Other == nil || !slices.ContainsFunc(r.Privacy.Hidden, func(s string) bool { return strings.HasPrefix(s, "Time zones:") }) {
			t.Errorf("time zones %+v, privacy %q: want the zone of four hidden, and said so", r.TimeZones, r.Privacy.Hidden)
		}
		checkPage(t, ctx, "cohort-2000", html, r, groupOfFour)

		pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPrintBackground()))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Errorf("printing the page gave %d bytes that are no PDF", len(pdf))
		}
		if dir := os.Getenv("REPORT_SCREENSHOTS"); dir != "" {
			_ = os.WriteFile(filepath.Join(dir, "cohort-2000.pdf"), pdf, 0o644)
		}
	})
}

func TestReportErrors(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"one", "two"} {
		programme, people := generated(10)
		programme.Name = name
		for i := range people {
			people[i].Name, people[i].Spec.ProgrammeRef.Name = name+"-"+people[i].Name, name
		}
		sub := filepath.Join(dir, name)
		if err := os.Mkdir(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		writeManifests(t, sub, programme, people)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "-f", dir}, "the manifests hold 2 programmes (one, two): name the one to report on"},
		{[]string{"report", "-f", dir, "three"}, `no Programme "three" in the manifests; they hold one, two`},
		{[]string{"report", "-f", dir, "one", "-o", "yaml"}, `unknown output format "yaml": use one of html, json`},
		{[]string{"report", "--kubeconfig", filepath.Join(dir, "none")}, "name a programme to report on from the cluster, or give manifests with -f"},
	} {
		r := kubectlMentoring(t, "", tc.args...)
		if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want an error saying %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
	if r, _ := reportOf(t, "report", "-f", dir, "two"); r.Programme != "two" {
		t.Errorf("report -f DIR two reported on %q", r.Programme)
	}
}

func TestReportLive(t *testing.T) {
	env, kubeconfig := cluster(t)
	ctx := context.Background()
	namespace := newNamespace(t, env)
	programme, participants := sampleParticipants(t)
	programme.Namespace = namespace
	if err := env.Client.Create(ctx, programme); err != nil {
		t.Fatal(err)
	}
	for _, p := range participants {
		p.Namespace = namespace
		if err := env.Client.Create(ctx, &p); err != nil {
			t.Fatal(err)
		}
	}
	ready := func(stage string) mentoringv1alpha1.PairingStatus {
		return mentoringv1alpha1.PairingStatus{Conditions: []metav1.Condition{condition(mentoringv1alpha1.ReadyCondition, stage, metav1.ConditionTrue)}}
	}
	active := ready(mentoringv1alpha1.ReasonActive)
	active.Meeting = meeting(at(12, 10))
	createPairing(t, env, namespace, "one", programme.Name, active)
	createPairing(t, env, namespace, "two", programme.Name, ready(mentoringv1alpha1.ReasonAwaitingApproval))

	r, html := reportOf(t, "report", programme.Name, "-n", namespace, "--kubeconfig", kubeconfig, "--at", beforeEnrolmentCloses)
	if r.Source != "cluster" || r.Namespace != namespace || r.Headline.Participants != len(participants) {
		t.Errorf("report from the cluster: source %q, namespace %q, %d participants; want cluster, %s, %d",
			r.Source, r.Namespace, r.Headline.Participants, namespace, len(participants))
	}
	want := &report.Pairings{Stages: []report.Group{{Name: "Active", Count: 1}, {Name: "AwaitingApproval", Count: 1}}, Current: 2, WithMeeting: 1}
	if r.Pairings == nil || !slices.Equal(r.Pairings.Stages, want.Stages) || r.Pairings.Current != 2 || r.Pairings.WithMeeting != 1 {
		t.Errorf("pairings = %+v, want %+v", r.Pairings, want)
	}
	if !strings.Contains(html, `data-chart="pairing-stages"`) || !strings.Contains(html, "1 of 2 current pairings have their meeting series booked") {
		t.Error("the page from the cluster lacks the pairings by stage")
	}
}

// BenchmarkReportOffline times `kubectl mentoring report -f` on a generated programme of 10,000
// participants: reading the manifests, the matching pass, the figures and the page. Besides the time
// per report it gives the processor time, which other work on the machine does not inflate.
func BenchmarkReportOffline(b *testing.B) {
	dir := b.TempDir()
	programme, people := generated(10000)
	writeManifests(b, dir, programme, people)
	cpuBefore := processorTime(b)
	runs := 0
	for b.Loop() {
		if code := run(context.Background(), []string{"report", "-f", dir, "--at", "2027-01-04"}, nil, io.Discard, os.Stderr); code != 0 {
			b.Fatalf("exit %d", code)
		}
		runs++
	}
	b.ReportMetric((processorTime(b)-cpuBefore).Seconds()/float64(runs), "cpu-s/report")
}

// processorTime is the user and system time the process has used so far.
func processorTime(b *testing.B) time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		b.Fatal(err)
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}
