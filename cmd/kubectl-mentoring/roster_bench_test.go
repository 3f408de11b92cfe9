package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// rosterFile writes the scale benchmark's population of n participants and its programme as one YAML
// file, as `kubectl kustomize` would print them, and returns its path.
func rosterFile(tb testing.TB, n int) string {
	tb.Helper()
	programme := testenv.PopulationProgramme("roster", mentoringv1alpha1.ProgrammeSchedule{Start: "2027-01-11", End: "2027-12-17", TimeZone: "Europe/London"})
	programme.APIVersion, programme.Kind = mentoringv1alpha1.GroupVersion.String(), "Programme"
	docs := []any{programme}
	for _, p := range testenv.Population("roster", n) {
		p.APIVersion, p.Kind = mentoringv1alpha1.GroupVersion.String(), "Participant"
		docs = append(docs, p)
	}
	var out bytes.Buffer
	for _, doc := range docs {
		data, err := yaml.Marshal(doc)
		if err != nil {
			tb.Fatal(err)
		}
		// The API server's metadata and status, which manifests in Git do not have.
		data = bytes.Replace(data, []byte("  creationTimestamp: null\n"), nil, 1)
		if i := bytes.Index(data, []byte("\nstatus:")); i >= 0 {
			data = data[:i+1]
		}
		out.WriteString("---\n")
		out.Write(data)
	}
	file := filepath.Join(tb.TempDir(), "roster.yaml")
	if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return file
}

// BenchmarkPlanRoster is `kubectl mentoring plan -f roster.yaml -o json` on a programme of 6,000
// participants (2,400 mentors, 3,600 mentees), end to end: reading, validating, matching, printing.
//
//	go test ./cmd/kubectl-mentoring -run '^$' -bench PlanRoster -benchtime 5x
func BenchmarkPlanRoster(b *testing.B) {
	file := rosterFile(b, 6000)
	for b.Loop() {
		if code := run(context.Background(), []string{"plan", "-f", file, "-o", "json", "--at", "2027-01-04"}, strings.NewReader(""), io.Discard, os.Stderr); code != 0 {
			b.Fatal("plan failed")
		}
	}
}

// BenchmarkReadRoster is the reading and validation of the same roster alone.
func BenchmarkReadRoster(b *testing.B) {
	file := rosterFile(b, 6000)
	for b.Loop() {
		if _, err := readProgrammes([]string{file}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckRoster is the check against the CRDs of the roster's objects alone, one after another.
func BenchmarkCheckRoster(b *testing.B) {
	data, err := os.ReadFile(rosterFile(b, 6000))
	if err != nil {
		b.Fatal(err)
	}
	v, err := crds()
	if err != nil {
		b.Fatal(err)
	}
	var objects [][]byte
	for _, doc := range strings.Split(string(data), "---\n")[1:] {
		object, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			b.Fatal(err)
		}
		objects = append(objects, object)
	}
	for b.Loop() {
		for _, o := range objects {
			if _, errs := v.Validate(context.Background(), o); len(errs) > 0 {
				b.Fatal(errs)
			}
		}
	}
}
