package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A minimal valid programme and mentor; each case below breaks one of them.
const (
	validProgramme = `apiVersion: mentoring.reverse-mentoring.dev/v1alpha1
kind: Programme
metadata:
  name: pilot
spec:
  purpose: Leaders learn AI from colleagues.
  topics: [ai]
  schedule:
    start: "2027-01-11"
    end: "2027-06-30"
    timeZone: Europe/London
`
	validMentor = `apiVersion: mentoring.reverse-mentoring.dev/v1alpha1
kind: Participant
metadata:
  name: amara
spec:
  programmeRef: {name: pilot}
  role: Mentor
  displayName: Amara Okafor
  email: amara@example.org
  seniority: 3
  timezone: Europe/London
  availability:
    - days: [Monday]
      start: "09:00"
      end: "17:00"
  expertise:
    - topic: ai
      level: 5
  capacity: 2
`
)

func TestPlanRejectsInvalidManifests(t *testing.T) {
	cases := []struct {
		name string
		// programme and participant replace old with new in the valid manifests; extra is appended.
		programme, participant [2]string
		extra                  string
		// want are the texts the error must hold, besides the file name and the document.
		document int
		want     []string
	}{
		{name: "participant without role", participant: [2]string{"  role: Mentor\n", ""},
			document: 2, want: []string{"spec.role: Required value"}},
		{name: "unknown role", participant: [2]string{"role: Mentor", "role: Boss"},
			document: 2, want: []string{"spec.role: Unsupported value", `"Mentor"`}},
		{name: "unknown time zone", participant: [2]string{"timezone: Europe/London", "timezone: Europe/Atlantis"},
			document: 2, want: []string{"spec.timezone", "Europe/Atlantis", "not a known IANA time zone"}},
		{name: "programme without topics", programme: [2]string{"  topics: [ai]\n", ""},
			document: 1, want: []string{"Programme pilot", "spec.topics: Required value"}},
		{name: "unknown field", participant: [2]string{"seniority: 3", "seniority: 3\n  senority: 4"},
			document: 2, want: []string{`unknown field "spec.senority"`}},
		{name: "duplicate field", participant: [2]string{"seniority: 3", "seniority: 3\n  seniority: 4"},
			document: 2, want: []string{"seniority"}},
		{name: "wrong type", participant: [2]string{"seniority: 3", "seniority: senior"},
			document: 2, want: []string{"spec.seniority"}},
		{name: "clock without leading zero", participant: [2]string{`start: "09:00"`, `start: "9:00"`},
			document: 2, want: []string{"spec.availability[0].start", "HH:MM"}},
		{name: "window ends before it starts", participant: [2]string{`end: "17:00"`, `end: "08:00"`},
			document: 2, want: []string{"spec.availability[0].end", "must end after it starts"}},
		{name: "unknown weekday", participant: [2]string{"days: [Monday]", "days: [Mon]"},
			document: 2, want: []string{"spec.availability[0].days[0]: Unsupported value"}},
		{name: "bad date", programme: [2]string{`start: "2027-01-11"`, `start: "2027-13-01"`},
			document: 1, want: []string{"spec.schedule.start", "YYYY-MM-DD"}},
		{name: "end before start", programme: [2]string{`end: "2027-06-30"`, `end: "2026-06-30"`},
			document: 1, want: []string{"spec.schedule.end", "after schedule.start"}},
		{name: "bad programme time zone", programme: [2]string{"timeZone: Europe/London", "timeZone: london"},
			document: 1, want: []string{"spec.schedule.timeZone", "IANA"}},
		{name: "unknown direction", programme: [2]string{"  topics: [ai]\n", "  topics: [ai]\n  direction: Sideways\n"},
			document: 1, want: []string{"spec.direction: Unsupported value"}},
		{name: "expertise level out of range", participant: [2]string{"level: 5", "level: 7"},
			document: 2, want: []string{"spec.expertise[0].level", "from 1 to 5"}},
		{name: "capacity on a mentee", participant: [2]string{"role: Mentor", "role: Mentee"},
			document: 2, want: []string{"spec.capacity: Forbidden"}},
		{name: "bad email, not echoed", participant: [2]string{"email: amara@example.org", "email: amara-at-example"},
			document: 2, want: []string{"spec.email: Invalid value"}},
		{name: "unknown programme", participant: [2]string{"programmeRef: {name: pilot}", "programmeRef: {name: other}"},
			document: 2, want: []string{"spec.programmeRef.name: Not found", `"other"`}},
		{name: "participant name too long for a label", participant: [2]string{"name: amara", "name: amara-" + strings.Repeat("x", 60)},
			document: 2, want: []string{"metadata.name: Too long", "63"}},
		{name: "unsupported version", participant: [2]string{"v1alpha1", "v1beta1"},
			document: 2, want: []string{"apiVersion mentoring.reverse-mentoring.dev/v1beta1"}},
		{name: "duplicate participant", extra: validMentor,
			document: 3, want: []string{`Participant "amara" is also defined in`, "document 2"}},
		{name: "pairing of a person with themselves", extra: "apiVersion: mentoring.reverse-mentoring.dev/v1alpha1\nkind: Pairing\n" +
			"metadata: {name: self}\nspec: {programmeRef: {name: pilot}, mentorRef: {name: amara}, menteeRef: {name: amara}}\n",
			document: 3, want: []string{"Pairing self", "spec.menteeRef.name", "different participants"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			programme := strings.Replace(validProgramme, c.programme[0], c.programme[1], 1)
			participant := strings.Replace(validMentor, c.participant[0], c.participant[1], 1)
			manifests := programme + "---\n" + participant
			if c.extra != "" {
				manifests += "---\n" + c.extra
			}
			file := filepath.Join(t.TempDir(), "pilot.yaml")
			if err := os.WriteFile(file, []byte(manifests), 0o644); err != nil {
				t.Fatal(err)
			}
			r := kubectlMentoring(t, "", "plan", "-f", file)
			if r.code == 0 {
				t.Fatalf("exit 0 for invalid input; output:\n%s", r.stdout)
			}
			for _, want := range append([]string{fmt.Sprintf("%s: document %d", file, c.document)}, c.want...) {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("error does not mention %q:\n%s", want, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "amara-at-example") || strings.Contains(r.stderr, "Amara Okafor") {
				t.Errorf("error shows personal data:\n%s", r.stderr)
			}
		})
	}
}

func TestPlanValidManifestsPass(t *testing.T) {
	file := filepath.Join(t.TempDir(), "pilot.yaml")
	if err := os.WriteFile(file, []byte(validProgramme+"---\n"+validMentor), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "plan", "-f", file)
}

func TestPlanInputErrors(t *testing.T) {
	for _, args := range [][]string{
		{"plan"},                                                      // -f is required
		{"plan", "-f", "/nonexistent/folder"},                         // missing path
		{"plan", "-f", sample(), "-o", "wide"},                        // unknown format
		{"plan", "-f", sample(), "--at", "tomorrow"},                  // bad instant
		{"plan", "-f", filepath.Join(sample(), "kustomization.yaml")}, // no programme
	} {
		if r := kubectlMentoring(t, "", args...); r.code == 0 || r.stderr == "" {
			t.Errorf("%q: exit %d, stderr %q; want an error", args, r.code, r.stderr)
		}
	}
}
