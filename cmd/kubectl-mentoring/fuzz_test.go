package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// fuzzFile is the name the fuzzed bytes are read from; every error must name it.
const fuzzFile = "fuzzed-manifests.yaml"

// fuzzAt is the instant plans are evaluated at: a fixed one, so that two runs over the same bytes must
// print the same plan. Enrolment is open in the samples and in most seeds.
const fuzzAt = "2027-01-04"

// FuzzDecodeManifests feeds arbitrary bytes to `kubectl mentoring plan -f FILE` in process: the reader
// (YAML and JSON documents, Lists, strict decoding), the validation and the operator's planner, then the
// JSON and table output. Whatever the bytes, the plugin must not panic and must either fail with an
// error naming the file or print a plan that holds together (see checkPlan).
//
// `go test` runs the seeds: the sample programmes (read from config/samples, so they stay current) and
// testdata/fuzz/FuzzDecodeManifests (malformed YAML, hostile values). A longer run:
//
//	go test ./cmd/kubectl-mentoring -run '^$' -fuzz '^FuzzDecodeManifests$' -fuzztime 10m -fuzzminimizetime 5s
//
// The seeds are several kilobytes long: with the default minimisation time (60 s for every input that
// finds new coverage) the fuzzer spends most of a run minimising, and reports no executions meanwhile.
// A crash the fuzzer finds is written to testdata/fuzz/FuzzDecodeManifests and then runs with the seeds.
func FuzzDecodeManifests(f *testing.F) {
	samples, err := filepath.Glob(filepath.Join(sample(), "..", "*", "*.yaml"))
	if err != nil || len(samples) == 0 {
		f.Fatalf("no sample manifests: %v", err)
	}
	var all [][]byte
	for _, file := range samples {
		if filepath.Base(file) == "kustomization.yaml" {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		all = append(all, data)
	}
	// Each sample programme whole, and all of them in one input, as a folder would give them.
	for _, dir := range []string{"digital-leaders", "inclusion-circle", "manual-cohort"} {
		files, _ := filepath.Glob(filepath.Join(sample(), "..", dir, "*.yaml"))
		var docs [][]byte
		for _, file := range files {
			if filepath.Base(file) != "kustomization.yaml" {
				data, _ := os.ReadFile(file)
				docs = append(docs, data)
			}
		}
		f.Add(bytes.Join(docs, []byte("\n---\n")))
	}
	f.Add(bytes.Join(all, []byte("\n---\n")))

	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(dir, fuzzFile)
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
		first := kubectlMentoring(t, "", "plan", "-f", file, "-o", "json", "--at", fuzzAt)
		if first.code != 0 {
			if !strings.Contains(first.stderr, fuzzFile) {
				t.Fatalf("plan failed with an error that does not name the file:\n%s", first.stderr)
			}
			return
		}
		programmes, err := readProgrammes([]string{file}, nil)
		if err != nil {
			t.Fatalf("plan succeeded but reading the manifests again failed: %v", err)
		}
		checkPlan(t, programmes, first.stdout)
		if again := kubectlMentoring(t, "", "plan", "-f", file, "-o", "json", "--at", fuzzAt); again.stdout != first.stdout {
			t.Fatalf("two plans of the same manifests differ:\n%s\n---\n%s", first.stdout, again.stdout)
		}
		if table := kubectlMentoring(t, "", "plan", "-f", file, "--at", fuzzAt); table.code != 0 {
			t.Fatalf("the JSON plan succeeded but the table failed:\n%s", table.stderr)
		}
	})
}

// checkPlan checks that a JSON plan holds together with its input: it decodes strictly; each pairing is
// in a programme of the input and pairs a mentor with a mentee of that programme (or is one of the
// input's pairings); new pairings have names the API server accepts and no two share one; scores are
// from 0 to 100 and their points add up to them; the unmatched are participants of their programme;
// and the counts are consistent.
func checkPlan(t *testing.T, programmes []programmeInput, output string) {
	t.Helper()
	decoder := json.NewDecoder(strings.NewReader(output))
	decoder.DisallowUnknownFields()
	var plan planView
	if err := decoder.Decode(&plan); err != nil {
		t.Fatalf("plan output is not the documented JSON: %v\n%s", err, output)
	}
	type person struct{ programme, name string }
	roles := map[person]mentoringv1alpha1.Role{}
	existing := map[person]mentoringv1alpha1.PairingSpec{}
	inputs := map[string]bool{}
	for _, in := range programmes {
		inputs[in.programme.Name] = true
		for _, p := range in.participants {
			roles[person{in.programme.Name, p.Name}] = p.Spec.Role
		}
		for _, p := range in.pairings {
			existing[person{in.programme.Name, p.Name}] = p.Spec
		}
	}
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf(format+"\nplan:\n%s", append(args, output)...)
	}
	names := map[string]bool{}
	for _, p := range plan.Pairings {
		if !inputs[p.Programme] {
			fail("pairing %s is in programme %q, which is not in the input", p.Name, p.Programme)
		}
		if p.Score < 0 || p.Score > 100 {
			fail("pairing %s scores %d, outside 0 to 100", p.Name, p.Score)
		}
		sum := 0
		for _, b := range p.Breakdown {
			sum += b.Points
		}
		if sum != p.Score {
			fail("pairing %s scores %d but its points add up to %d", p.Name, p.Score, sum)
		}
		if !p.New {
			spec, ok := existing[person{p.Programme, p.Name}]
			if !ok || spec.MentorRef.Name != p.Mentor || spec.MenteeRef.Name != p.Mentee {
				fail("kept pairing %s (%s, %s) is not a pairing of the input", p.Name, p.Mentor, p.Mentee)
			}
			continue
		}
		if roles[person{p.Programme, p.Mentor}] != mentoringv1alpha1.RoleMentor || roles[person{p.Programme, p.Mentee}] != mentoringv1alpha1.RoleMentee {
			fail("new pairing %s pairs %q and %q, who are not a mentor and a mentee of %s", p.Name, p.Mentor, p.Mentee, p.Programme)
		}
		if msgs := validation.IsDNS1123Subdomain(p.Name); len(msgs) > 0 || len(p.Name) > 63 {
			fail("new pairing name %q would be refused: %v", p.Name, msgs)
		}
		if names[p.Name] {
			fail("two new pairings are both named %s", p.Name)
		}
		if _, taken := existing[person{p.Programme, p.Name}]; taken {
			fail("new pairing %s takes the name of a pairing of the input", p.Name)
		}
		names[p.Name] = true
	}
	for _, u := range plan.Unmatched {
		if _, ok := roles[person{u.Programme, u.Name}]; !ok {
			fail("unmatched %s is not a participant of %s", u.Name, u.Programme)
		}
	}
	if len(plan.Programmes) != len(programmes) {
		fail("plan has %d programmes, the input %d", len(plan.Programmes), len(programmes))
	}
	for _, p := range plan.Programmes {
		s := p.Summary
		if s.Mentors+s.Mentees != s.Participants || s.MatchedMentees > s.EligibleMentees || s.MatchRatePercent < 0 || s.MatchRatePercent > 100 {
			fail("programme %s has inconsistent counts: %+v", p.Name, s)
		}
	}
}
