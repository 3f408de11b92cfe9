package v1alpha1_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) {
	var err error
	env, err = testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = env.Stop()
	os.Exit(code)
}

const validProgramme = `
apiVersion: mentoring.reverse-mentoring.dev/v1alpha1
kind: Programme
metadata: {name: p}
spec:
  purpose: Leaders learn AI tools.
  topics: [ai, inclusion]
  schedule: {start: "2027-01-11", end: "2027-06-30", enrolmentDeadline: "2027-01-31"}
`

const validParticipant = `
apiVersion: mentoring.reverse-mentoring.dev/v1alpha1
kind: Participant
metadata: {name: ada}
spec:
  programmeRef: {name: p}
  role: Mentor
  displayName: Ada
  email: ada@example.org
  seniority: 3
  timezone: Europe/London
  availability:
    - {days: [Monday], start: "09:00", end: "12:00"}
  expertise:
    - {topic: ai, level: 4}
  capacity: 2
`

const validPairing = `
apiVersion: mentoring.reverse-mentoring.dev/v1alpha1
kind: Pairing
metadata: {name: ada-bob}
spec:
  programmeRef: {name: p}
  mentorRef: {name: ada}
  menteeRef: {name: bob}
`

func decode(t *testing.T, manifest string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(manifest), &u.Object); err != nil {
		t.Fatalf("decoding manifest: %v", err)
	}
	return u
}

// set returns a mutation that sets the value at a dotted path.
func set(path string, value any) func(*unstructured.Unstructured) {
	return func(u *unstructured.Unstructured) {
		if err := unstructured.SetNestedField(u.Object, value, strings.Split(path, ".")...); err != nil {
			panic(err)
		}
	}
}

func namespace(t *testing.T) string {
	t.Helper()
	ns := &unstructured.Unstructured{}
	ns.SetAPIVersion("v1")
	ns.SetKind("Namespace")
	ns.SetGenerateName("validation-")
	if err := env.Client.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return ns.GetName()
}

func TestCRDsAreEstablished(t *testing.T) {
	for _, name := range []string{"programmes", "participants", "pairings"} {
		crd := &unstructured.Unstructured{}
		crd.SetAPIVersion("apiextensions.k8s.io/v1")
		crd.SetKind("CustomResourceDefinition")
		key := client.ObjectKey{Name: name + ".mentoring.reverse-mentoring.dev"}
		if err := env.Client.Get(context.Background(), key, crd); err != nil {
			t.Fatalf("CRD %s: %v", key.Name, err)
		}
		conditions, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
		established := false
		for _, c := range conditions {
			m := c.(map[string]any)
			established = established || (m["type"] == "Established" && m["status"] == "True")
		}
		if !established {
			t.Errorf("CRD %s is not Established: %v", key.Name, conditions)
		}
	}
}

func TestSamplesAreAccepted(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testenv.RepoRoot(), "config", "samples", "*", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples found: %v", err)
	}
	accepted := 0
	for _, file := range files {
		if filepath.Base(file) == "kustomization.yaml" {
			continue
		}
		ns := namespace(t)
		for _, obj := range readManifests(t, file) {
			obj.SetNamespace(ns)
			if err := env.Client.Create(context.Background(), obj); err != nil {
				t.Errorf("%s: %s %s rejected: %v", file, obj.GetKind(), obj.GetName(), err)
				continue
			}
			accepted++
		}
	}
	if accepted < 20 {
		t.Errorf("only %d sample objects accepted; expected the full sample programme", accepted)
	}
}

func readManifests(t *testing.T, file string) []*unstructured.Unstructured {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var objs []*unstructured.Unstructured
	decoder := yaml.NewYAMLOrJSONDecoder(f, 4096)
	for {
		u := &unstructured.Unstructured{}
		if err := decoder.Decode(&u.Object); err != nil {
			if err.Error() == "EOF" {
				return objs
			}
			t.Fatalf("%s: %v", file, err)
		}
		if len(u.Object) > 0 {
			objs = append(objs, u)
		}
	}
}

func TestInvalidManifestsAreRejected(t *testing.T) {
	window := func(start, end string) []any {
		return []any{map[string]any{"days": []any{"Monday"}, "start": start, "end": end}}
	}
	cases := []struct {
		name     string
		manifest string
		mutate   func(*unstructured.Unstructured)
		message  string
	}{
		{"mentor and mentee are the same person", validPairing, set("spec.menteeRef.name", "ada"),
			"mentorRef and menteeRef must name different participants"},
		{"role is neither Mentor nor Mentee", validParticipant, set("spec.role", "Buddy"),
			`spec.role: Unsupported value: "Buddy": supported values: "Mentor", "Mentee"`},
		{"email without an at sign", validParticipant, set("spec.email", "ada.example.org"),
			"must be an email address such as ada@example.org"},
		{"time zone that is not an IANA name", validParticipant, set("spec.timezone", "GMT+1 London"),
			"must be an IANA time zone name such as Europe/London"},
		{"availability window ending before it starts", validParticipant, set("spec.availability", window("14:00", "09:00")),
			"an availability window must end after it starts"},
		{"availability start that is not a time", validParticipant, set("spec.availability", window("25:00", "26:00")),
			"start is a time HH:MM between 00:00 and 23:59"},
		{"capacity above ten", validParticipant, set("spec.capacity", int64(11)),
			"spec.capacity: Invalid value: 11: spec.capacity in body should be less than or equal to 10"},
		{"capacity on a mentee", validParticipant, func(u *unstructured.Unstructured) {
			set("spec.role", "Mentee")(u)
			set("spec.goals", []any{map[string]any{"topic": "ai", "priority": int64(3)}})(u)
		}, "capacity applies to mentors only"},
		{"seniority zero", validParticipant, set("spec.seniority", int64(0)),
			"spec.seniority in body should be greater than or equal to 1"},
		{"seniority above twenty", validParticipant, set("spec.seniority", int64(21)),
			"spec.seniority in body should be less than or equal to 20"},
		{"expertise level above five", validParticipant, set("spec.expertise", []any{map[string]any{"topic": "ai", "level": int64(9)}}),
			"should be less than or equal to 5"},
		{"programme ending before it starts", validProgramme, set("spec.schedule.end", "2026-12-31"),
			"schedule.end must be after schedule.start"},
		{"enrolment deadline after the end", validProgramme, set("spec.schedule.enrolmentDeadline", "2027-07-01"),
			"schedule.enrolmentDeadline must be on or before schedule.end"},
		{"date in another format", validProgramme, set("spec.schedule.start", "11/01/2027"),
			`spec.schedule.start in body must be of type date: "11/01/2027"`},
		{"date that does not exist", validProgramme, set("spec.schedule.end", "2027-02-30"),
			`spec.schedule.end in body must be of type date: "2027-02-30"`},
		{"topic with spaces and capitals", validProgramme, set("spec.topics", []any{"AI Tools"}),
			"a topic is lower case letters, digits and dashes"},
		{"no topics", validProgramme, set("spec.topics", []any{}),
			"spec.topics: Invalid value: 0: spec.topics in body should have at least 1 items"},
		{"meeting of seven minutes", validProgramme, set("spec.meetings", map[string]any{"durationMinutes": int64(7)}),
			"spec.meetings.durationMinutes in body should be greater than or equal to 15"},
		{"every matching weight zero", validProgramme, set("spec.matching", map[string]any{"weights": map[string]any{
			"topicFit": int64(0), "availability": int64(0), "crossDepartment": int64(0), "seniorityGap": int64(0)}}),
			"at least one matching weight must be above zero"},
		{"signed webhook without a signing secret", validProgramme, set("spec.integrations", map[string]any{"webhooks": []any{
			map[string]any{"name": "hr", "format": "StandardWebhooks", "urlSecretRef": map[string]any{"name": "hr-url"}}}}),
			"StandardWebhooks and CloudEvents webhooks need signingSecretRef"},
		{"CalDAV URL that is not http", validProgramme, set("spec.integrations", map[string]any{"calendar": map[string]any{
			"caldav": map[string]any{"url": "ftp://dav.example.org/cal/", "credentialsSecretRef": map[string]any{"name": "dav"}}}}),
			"caldav.url must be an http or https URL"},
		{"calendar with neither CalDAV nor feed", validProgramme, set("spec.integrations", map[string]any{"calendar": map[string]any{}}),
			"calendar needs caldav, feed: true, or both"},
		{"webhook event that does not exist", validProgramme, set("spec.integrations", map[string]any{"webhooks": []any{
			map[string]any{"name": "chat", "format": "Slack", "urlSecretRef": map[string]any{"name": "chat-url"}, "events": []any{"pairing.deleted"}}}}),
			`Unsupported value: "pairing.deleted"`},
		{"email relay without a port", validProgramme, set("spec.integrations", map[string]any{"email": map[string]any{
			"address": "smtp.office365.com", "from": "office@example.org"}}),
			"address is host:port, such as smtp.office365.com:587"},
		{"email in plain text to a remote relay", validProgramme, set("spec.integrations", map[string]any{"email": map[string]any{
			"address": "smtp.example.org:25", "tls": "None", "from": "office@example.org"}}),
			"tls: None is only for a relay on loopback"},
		{"email sender that is not an address", validProgramme, set("spec.integrations", map[string]any{"email": map[string]any{
			"address": "smtp.example.org:587", "from": "programme office"}}),
			"must be an email address such as ada@example.org"},
		{"email rate of zero", validProgramme, set("spec.integrations", map[string]any{"email": map[string]any{
			"address": "smtp.example.org:587", "from": "office@example.org", "maxMessagesPerMinute": int64(0)}}),
			"maxMessagesPerMinute in body should be greater than or equal to 1"},
	}
	if len(cases) < 15 {
		t.Fatalf("the table must hold at least 15 invalid manifests, has %d", len(cases))
	}
	ns := namespace(t)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := decode(t, tc.manifest)
			obj.SetNamespace(ns)
			obj.SetName(fmt.Sprintf("invalid-%d", i))
			tc.mutate(obj)
			expectRejected(t, env.Client.Create(context.Background(), obj), tc.message)
		})
	}
}

func TestImmutableFields(t *testing.T) {
	cases := []struct {
		manifest string
		path     string
		value    string
		message  string
	}{
		{validParticipant, "spec.programmeRef.name", "other", "programmeRef is immutable"},
		{validParticipant, "spec.role", "Mentee", "role is immutable"},
		{validPairing, "spec.programmeRef.name", "other", "programmeRef is immutable"},
		{validPairing, "spec.mentorRef.name", "cy", "mentorRef is immutable"},
		{validPairing, "spec.menteeRef.name", "cy", "menteeRef is immutable"},
	}
	ns := namespace(t)
	for i, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			obj := decode(t, tc.manifest)
			obj.SetNamespace(ns)
			obj.SetName(fmt.Sprintf("immutable-%d", i))
			ctx := context.Background()
			if err := env.Client.Create(ctx, obj); err != nil {
				t.Fatalf("creating the valid object: %v", err)
			}
			set(tc.path, tc.value)(obj)
			expectRejected(t, env.Client.Update(ctx, obj), tc.message)
		})
	}
}

func expectRejected(t *testing.T, err error, message string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want rejection with %q", message)
	}
	if !apierrors.IsInvalid(err) {
		t.Fatalf("rejected as %v; want Invalid with %q", err, message)
	}
	if !strings.Contains(err.Error(), message) {
		t.Fatalf("rejected with\n  %v\nwant the message\n  %q", err, message)
	}
}

func TestDefaultsAreApplied(t *testing.T) {
	ctx := context.Background()
	obj := decode(t, validProgramme)
	obj.SetNamespace(namespace(t))
	if err := env.Client.Create(ctx, obj); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"spec.direction":                       "Reverse",
		"spec.meetings.cadence":                "Biweekly",
		"spec.meetings.durationMinutes":        int64(45),
		"spec.matching.objective":              "MaxParticipation",
		"spec.matching.excludeManagementChain": true,
		"spec.matching.avoidPreviousPartners":  true,
		"spec.matching.minSeniorityGap":        int64(1),
		"spec.matching.approval":               "Automatic",
		"spec.matching.weights.topicFit":       int64(60),
		"spec.schedule.timeZone":               "UTC",
		"status.observedGeneration":            int64(-1),
	}
	for path, value := range want {
		got, found, err := unstructured.NestedFieldNoCopy(obj.Object, strings.Split(path, ".")...)
		if err != nil || !found || got != value {
			t.Errorf("%s = %v (found %v); want %v", path, got, found, value)
		}
	}
	if obj.GetGeneration() != 1 || obj.GetCreationTimestamp() == (metav1.Time{}) {
		t.Errorf("unexpected metadata: generation %d", obj.GetGeneration())
	}
}

// TestKubectlExplain checks that kubectl, against the real API server, shows the documented fields.
func TestKubectlExplain(t *testing.T) {
	assets, err := testenv.Assets()
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig, err := env.Kubeconfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(filepath.Join(assets, "kubectl"), "--kubeconfig", kubeconfig,
		"explain", "programme.spec.matching").CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl explain: %v\n%s", err, out)
	}
	for _, want := range []string{"maxMenteesPerMentor", "caps every mentor's capacity", "excludeManagementChain",
		"minSeniorityGap", "MaxParticipation", "diversity"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("kubectl explain programme.spec.matching lacks %q:\n%s", want, out)
		}
	}
}
