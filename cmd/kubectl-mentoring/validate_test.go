package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
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

// invalidCase breaks the valid manifests in one way.
type invalidCase struct {
	name string
	// programme and participant replace old with new in the valid manifests; extra is appended.
	programme, participant [2]string
	extra                  string
	// document is the one the error names, and object the kind and name it gives it ("Programme pilot"
	// for document 1 and "Participant amara" for document 2 unless set; "-" when the document could
	// not be decoded into an object). want are the rules' texts: each must be on a line that names the
	// file, the document and the object.
	document int
	object   string
	want     []string
	// offlineOnly cases break what only the plugin checks: references between objects, and the
	// operator's checks beyond the CRDs. The API server accepts them.
	offlineOnly bool
}

// manifests is the valid programme and mentor with the case's change.
func (c invalidCase) manifests() string {
	programme := strings.Replace(validProgramme, c.programme[0], c.programme[1], 1)
	participant := strings.Replace(validMentor, c.participant[0], c.participant[1], 1)
	out := programme + "---\n" + participant
	if c.extra != "" {
		out += "---\n" + c.extra
	}
	return out
}

// prefix is how each of the case's problems must start: the file, the document and the object.
func (c invalidCase) prefix(file string) string {
	object := c.object
	if object == "" {
		object = map[int]string{1: "Programme pilot"}[c.document]
		if object == "" {
			object = "Participant amara"
		}
	}
	if object == "-" {
		return fmt.Sprintf("%s: document %d: ", file, c.document)
	}
	return fmt.Sprintf("%s: document %d (%s): ", file, c.document, object)
}

// problems splits the plugin's error into one problem a line, without the leading "error: ", with the
// indented lines that continue a problem joined to it.
func problems(stderr string) []string {
	var out []string
	for _, line := range strings.Split(strings.TrimPrefix(stderr, "error: "), "\n") {
		if line == "" {
			continue
		}
		if len(out) > 0 && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) {
			out[len(out)-1] += " " + strings.TrimSpace(line)
			continue
		}
		out = append(out, line)
	}
	return out
}

var invalidCases = []invalidCase{
	{name: "participant without role", participant: [2]string{"  role: Mentor\n", ""},
		document: 2, want: []string{"spec.role: Required value"}},
	{name: "unknown role", participant: [2]string{"role: Mentor", "role: Boss"},
		document: 2, want: []string{`spec.role: Unsupported value: "Boss": supported values: "Mentor", "Mentee"`}},
	{name: "unknown time zone", participant: [2]string{"timezone: Europe/London", "timezone: Europe/Londn"},
		document: 2, want: []string{`spec.timezone: Invalid value: "Europe/Londn": is not a known IANA time zone, did you mean Europe/London?`},
		offlineOnly: true},
	{name: "time zone abbreviation", participant: [2]string{"timezone: Europe/London", "timezone: EST"},
		document: 2, want: []string{`spec.timezone: Invalid value: "EST": must be an IANA time zone name`,
			`spec.timezone: Invalid value: "EST": is not a known IANA time zone, did you mean America/New_York?`}},
	{name: "programme without topics", programme: [2]string{"  topics: [ai]\n", ""},
		document: 1, want: []string{"spec.topics: Required value"}},
	{name: "unknown field", participant: [2]string{"seniority: 3", "seniority: 3\n  senority: 4"},
		document: 2, want: []string{`spec.senority: Forbidden: unknown field: did you mean spec.seniority?`}},
	{name: "unknown field in a list item", participant: [2]string{`start: "09:00"`, `start: "09:00"` + "\n      strat: \"10:00\""},
		document: 2, want: []string{`spec.availability[0].strat: Forbidden: unknown field: did you mean spec.availability[0].start?`}},
	{name: "duplicate field", participant: [2]string{"seniority: 3", "seniority: 3\n  seniority: 4"},
		document: 2, object: "-", want: []string{`key "seniority" already set in map`}, offlineOnly: true},
	{name: "wrong type", participant: [2]string{"seniority: 3", "seniority: senior"},
		document: 2, want: []string{`spec.seniority: Invalid value: "string": spec.seniority in body must be of type integer: "string"`}},
	{name: "clock without leading zero", participant: [2]string{`start: "09:00"`, `start: "9:00"`},
		document: 2, want: []string{"spec.availability[0].start", "start is a time HH:MM between 00:00 and 23:59"}},
	{name: "window ends before it starts", participant: [2]string{`end: "17:00"`, `end: "08:00"`},
		document: 2, want: []string{"spec.availability[0]: Invalid value", "an availability window must end after it starts"}},
	{name: "unknown weekday", participant: [2]string{"days: [Monday]", "days: [Mon]"},
		document: 2, want: []string{`spec.availability[0].days[0]: Unsupported value: "Mon"`}},
	{name: "bad date", programme: [2]string{`start: "2027-01-11"`, `start: "2027-13-01"`},
		document: 1, want: []string{`spec.schedule.start: Invalid value: "2027-13-01": spec.schedule.start in body must be of type date`}},
	{name: "end before start", programme: [2]string{`end: "2027-06-30"`, `end: "2026-06-30"`},
		document: 1, want: []string{"spec.schedule: Invalid value", "schedule.end must be after schedule.start"}},
	{name: "bad programme time zone", programme: [2]string{"timeZone: Europe/London", "timeZone: london"},
		document: 1, want: []string{"spec.schedule.timeZone", "must be an IANA time zone name", "did you mean Europe/London?"}},
	{name: "unknown direction", programme: [2]string{"  topics: [ai]\n", "  topics: [ai]\n  direction: Sideways\n"},
		document: 1, want: []string{`spec.direction: Unsupported value: "Sideways"`}},
	{name: "expertise level out of range", participant: [2]string{"level: 5", "level: 7"},
		document: 2, want: []string{"spec.expertise[0].level: Invalid value: 7: spec.expertise[0].level in body should be less than or equal to 5"}},
	{name: "capacity on a mentee", participant: [2]string{"role: Mentor", "role: Mentee\n  goals: [{topic: ai, priority: 3}]"},
		document: 2, want: []string{"spec: Invalid value", "capacity applies to mentors only; remove it from this mentee"}},
	{name: "bad email, not echoed", participant: [2]string{"email: amara@example.org", "email: amara-at-example"},
		document: 2, want: []string{"spec.email: Invalid value", "must be an email address such as ada@example.org"}},
	{name: "unknown programme", participant: [2]string{"programmeRef: {name: pilot}", "programmeRef: {name: other}"},
		document: 2, want: []string{"spec.programmeRef.name: Not found", `"other"`}, offlineOnly: true},
	{name: "participant name too long for a label", participant: [2]string{"name: amara", "name: amara-" + strings.Repeat("x", 60)},
		document: 2, object: "Participant amara-" + strings.Repeat("x", 60), want: []string{"a participant's name has at most 63 characters"}},
	{name: "name that is not a DNS name", participant: [2]string{"name: amara", "name: Amara"},
		document: 2, object: "Participant Amara", want: []string{`metadata.name: Invalid value: "Amara": a lowercase RFC 1123 subdomain`}},
	{name: "unsupported version", participant: [2]string{"v1alpha1", "v1beta1"},
		document: 2, object: "-", want: []string{"apiVersion mentoring.reverse-mentoring.dev/v1beta1 is not served by this plugin"}},
	{name: "duplicate participant", extra: validMentor,
		document: 3, object: "Participant amara", want: []string{`Participant "amara" is also defined in`, "document 2"}, offlineOnly: true},
	// Rules the plugin's hand-written mirror of the CRDs lacked: it let these manifests through.
	{name: "display name too long", participant: [2]string{"displayName: Amara Okafor", "displayName: " + strings.Repeat("A", 129)},
		document: 2, want: []string{"spec.displayName: Too long: may not be more than 128 bytes"}},
	{name: "webhook without signing secret", programme: [2]string{"  topics: [ai]\n", "  topics: [ai]\n  integrations:\n" +
		"    webhooks: [{name: hr, urlSecretRef: {name: hr-webhook}, format: StandardWebhooks}]\n"},
		document: 1, want: []string{"spec.integrations.webhooks[0]: Invalid value", "StandardWebhooks and CloudEvents webhooks need signingSecretRef"}},
	{name: "calendar without CalDAV or feed", programme: [2]string{"  topics: [ai]\n", "  topics: [ai]\n  integrations:\n    calendar: {organizer: office@example.org}\n"},
		document: 1, want: []string{"spec.integrations.calendar: Invalid value", "calendar needs caldav, feed: true, or both"}},
	{name: "every matching weight zero", programme: [2]string{"  topics: [ai]\n", "  topics: [ai]\n  matching:\n" +
		"    weights: {topicFit: 0, availability: 0, crossDepartment: 0, seniorityGap: 0}\n"},
		document: 1, want: []string{"spec.matching.weights: Invalid value", "at least one matching weight must be above zero"}},
	{name: "pairing of a person with themselves", extra: "apiVersion: mentoring.reverse-mentoring.dev/v1alpha1\nkind: Pairing\n" +
		"metadata: {name: self}\nspec: {programmeRef: {name: pilot}, mentorRef: {name: amara}, menteeRef: {name: amara}}\n",
		document: 3, object: "Pairing self", want: []string{"spec: Invalid value: mentorRef and menteeRef must name different participants"}},
}

// TestPlanRejectsInvalidManifests: each invalid manifest is refused, and each rule it breaks is named on
// a line that names the file, the document and the object, so a person with many files knows where to
// look. (Caught, as a mutation: crdProblems leaving the object's label out of a rule about the whole
// object, which the earlier check, file and rule anywhere in the output, let through.)
func TestPlanRejectsInvalidManifests(t *testing.T) {
	for _, c := range invalidCases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "pilot.yaml")
			if err := os.WriteFile(file, []byte(c.manifests()), 0o644); err != nil {
				t.Fatal(err)
			}
			r := kubectlMentoring(t, "", "plan", "-f", file)
			if r.code == 0 {
				t.Fatalf("exit 0 for invalid input; output:\n%s", r.stdout)
			}
			prefix := c.prefix(file)
			for _, want := range c.want {
				if !slices.ContainsFunc(problems(r.stderr), func(line string) bool {
					return strings.HasPrefix(line, prefix) && strings.Contains(line, want)
				}) {
					t.Errorf("no line starting %q says %q:\n%s", prefix, want, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "amara-at-example") || strings.Contains(r.stderr, "Amara Okafor") {
				t.Errorf("error shows personal data:\n%s", r.stderr)
			}
		})
	}
}

// TestOfflineValidationAgreesWithTheAPIServer applies every invalid manifest that the CRDs alone
// refuse to a real API server, with kubectl's strict field validation: the API server refuses it too,
// naming the same fields. The offline checks come from the same CRDs, so they cannot drift apart.
func TestOfflineValidationAgreesWithTheAPIServer(t *testing.T) {
	env, _ := cluster(t)
	namespace := newNamespace(t, env)
	fieldPattern := regexp.MustCompile(`(?m)(?:^|\): )((?:spec|metadata)[.a-zA-Z0-9\[\]]*): `)
	for _, c := range invalidCases {
		if c.offlineOnly {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "pilot.yaml")
			if err := os.WriteFile(file, []byte(c.manifests()), 0o644); err != nil {
				t.Fatal(err)
			}
			offline := kubectlMentoring(t, "", "plan", "-f", file).stderr
			docs := strings.Split(c.manifests(), "---\n")
			var refused error
			for _, doc := range docs {
				obj := &unstructured.Unstructured{}
				if err := yaml.Unmarshal([]byte(doc), &obj.Object); err != nil {
					t.Fatal(err)
				}
				obj.SetNamespace(namespace)
				if err := env.Client.Create(context.Background(), obj, client.FieldValidation("Strict"), client.DryRunAll); err != nil {
					refused = errors.Join(refused, err)
				}
			}
			if refused == nil {
				t.Fatalf("the API server accepts what the plugin refuses:\n%s", offline)
			}
			named := fieldPattern.FindAllStringSubmatch(offline, -1)
			if len(named) == 0 && strings.Contains(strings.Join(c.want, " "), "spec.") {
				t.Fatalf("no field found in the plugin's error:\n%s", offline)
			}
			for _, m := range named {
				if !strings.Contains(refused.Error(), m[1]) {
					t.Errorf("offline the plugin names %s, the API server does not:\n%s\nAPI server: %v", m[1], offline, refused)
				}
			}
		})
	}
}

func TestPlanValidManifestsPass(t *testing.T) {
	// One weight zero: the CRD's defaults give the others before its rule adds them up, as the API
	// server's do.
	programme := strings.Replace(validProgramme, "  topics: [ai]\n", "  topics: [ai]\n  matching:\n    weights: {topicFit: 0}\n", 1)
	for _, manifests := range []string{validProgramme + "---\n" + validMentor, programme + "---\n" + validMentor} {
		file := filepath.Join(t.TempDir(), "pilot.yaml")
		if err := os.WriteFile(file, []byte(manifests), 0o644); err != nil {
			t.Fatal(err)
		}
		mustRun(t, "plan", "-f", file)
	}
}

// TestPlanInputErrors: each mistake on the command line is refused with a message that names what was
// wrong (the flag, the value, the path) and what would be right. (Caught, as a mutation: "no Programme
// in" without the paths, which only exit codes let through.)
func TestPlanInputErrors(t *testing.T) {
	kustomization := filepath.Join(sample(), "kustomization.yaml")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"plan"}, `error: required flag(s) "filename" not set`},
		{[]string{"plan", "-f", "/nonexistent/folder"}, "error: stat /nonexistent/folder: no such file or directory"},
		{[]string{"plan", "-f", sample(), "-o", "widest"}, `error: unknown output format "widest": use one of table, wide, json, yaml`},
		{[]string{"plan", "-f", sample(), "--at", "tomorrow"},
			`error: --at "tomorrow" is not a date such as 2027-01-04 or a time such as 2027-01-04T09:00:00Z`},
		{[]string{"plan", "-f", kustomization}, "error: no Programme in " + kustomization},
	} {
		r := kubectlMentoring(t, "", c.args...)
		if r.code == 0 || strings.TrimSpace(r.stderr) != c.want {
			t.Errorf("%q: exit %d, stderr %q; want an error saying %q", c.args, r.code, r.stderr, c.want)
		}
	}
}
