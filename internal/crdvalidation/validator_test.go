package crdvalidation_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/config/crd"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/crdvalidation"
)

const mentor = `apiVersion: mentoring.reverse-mentoring.dev/v1alpha1
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

func validator(t testing.TB) *crdvalidation.Validator {
	t.Helper()
	v, err := crdvalidation.New(crd.Bases, "bases/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// object is a manifest in JSON.
func object(t testing.TB, manifest string) []byte {
	t.Helper()
	data, err := yaml.YAMLToJSON([]byte(manifest))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestValidObjectGetsDefaults(t *testing.T) {
	obj, errs := validator(t).Validate(context.Background(), object(t, mentor))
	if len(errs) > 0 {
		t.Fatalf("a valid mentor is refused: %v", errs)
	}
	// The CRD's defaults, as the API server applies them: a new object's status says it was not
	// reconciled yet.
	if got := fmt.Sprint(obj["status"]); got != "map[observedGeneration:-1]" {
		t.Errorf("status after defaulting: %s", got)
	}
}

func TestInvalidObjects(t *testing.T) {
	cases := []struct {
		name, old, new string
		// want is every error, as the API server words it.
		want []string
	}{
		{"misspelt field", "  seniority: 3\n", "  seniority: 3\n  senority: 4\n",
			[]string{"spec.senority: Forbidden: unknown field: did you mean spec.seniority?"}},
		{"misspelt field in a list item", `      start: "09:00"`, `      start: "09:00"` + "\n      strat: \"10:00\"",
			[]string{"spec.availability[0].strat: Forbidden: unknown field: did you mean spec.availability[0].start?"}},
		{"unknown field like no other", "  seniority: 3\n", "  seniority: 3\n  shoeSize: 44\n",
			[]string{"spec.shoeSize: Forbidden: unknown field"}},
		{"misspelt metadata field", "metadata:\n", "metadata:\n  lables: {team: a}\n",
			[]string{"metadata.lables: Forbidden: unknown field: did you mean metadata.labels?"}},
		{"enum", "role: Mentor", "role: Boss",
			[]string{`spec.role: Unsupported value: "Boss": supported values: "Mentor", "Mentee"`,
				"<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"}},
		{"CEL rule", "email: amara@example.org", "email: amara.example.org",
			[]string{`spec.email: Invalid value: "amara.example.org": must be an email address such as ada@example.org`}},
		{"CEL rule across fields", "role: Mentor", "role: Mentee\n  goals: [{topic: ai, priority: 3}]",
			[]string{`spec: Invalid value: capacity applies to mentors only; remove it from this mentee`}},
		{"range", "level: 5", "level: 7",
			[]string{"spec.expertise[0].level: Invalid value: 7: spec.expertise[0].level in body should be less than or equal to 5"}},
		{"name", "name: amara", "name: Amara",
			[]string{`metadata.name: Invalid value: "Amara": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`}},
		{"name too long for a label", "name: amara", "name: amara-" + strings.Repeat("x", 60),
			[]string{`<nil>: Invalid value: a participant's name has at most 63 characters: pairings carry it in a label`}},
		{"no metadata (found by fuzzing)", "metadata:\n  name: amara\n", "",
			[]string{"metadata.name: Required value: name or generateName is required",
				"<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"}},
		{"kind", "kind: Participant", "kind: Participants",
			[]string{`kind: Unsupported value: "Participants": supported values: "Pairing", "Participant", "Programme"`}},
	}
	v := validator(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			manifest := strings.Replace(mentor, c.old, c.new, 1)
			if manifest == mentor {
				t.Fatalf("%q is not in the manifest", c.old)
			}
			var got []string
			_, errs := v.Validate(context.Background(), object(t, manifest))
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// TestConcurrentUse checks objects from several goroutines at once, as the plugin does (run it with
// -race): the validators built on first use are shared.
func TestConcurrentUse(t *testing.T) {
	v := validator(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 20 {
				manifest := strings.Replace(mentor, "level: 5", fmt.Sprintf("level: %d", 1+(i+j)%7), 1)
				_, errs := v.Validate(context.Background(), object(t, manifest))
				if want := (i+j)%7 >= 5; (len(errs) > 0) != want {
					t.Errorf("level %d: errors %v", 1+(i+j)%7, errs)
				}
			}
		})
	}
	wg.Wait()
}

func TestClosest(t *testing.T) {
	for _, c := range []struct{ word, want string }{
		{"senority", "seniority"}, {"Seniority", "seniority"}, {"timeZone", "timezone"}, {"xyz", ""}, {"e", ""},
	} {
		if got := crdvalidation.Closest(c.word, []string{"seniority", "timezone", "email"}); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.word, got, c.want)
		}
	}
}

// BenchmarkValidate is the check of one participant; a plan of 6,000 makes 6,000 of them.
func BenchmarkValidate(b *testing.B) {
	v := validator(b)
	data := object(b, mentor)
	for b.Loop() {
		if _, errs := v.Validate(context.Background(), data); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

// Values found valid are remembered by their place; an invalid value is never remembered, and its
// error names its own place, whatever was checked before.
func TestRememberedValues(t *testing.T) {
	v := validator(t)
	for range 100 {
		if _, errs := v.Validate(context.Background(), object(t, mentor)); len(errs) > 0 {
			t.Fatal(errs)
		}
	}
	twoWindows := strings.Replace(mentor, `      end: "17:00"`, `      end: "17:00"`+"\n    - days: [Friday]\n      start: \"12:00\"\n      end: \"09:00\"", 1)
	for range 2 {
		_, errs := v.Validate(context.Background(), object(t, twoWindows))
		if len(errs) != 1 || errs[0].Field != "spec.availability[1]" {
			t.Errorf("errors %v, want one about spec.availability[1]", errs)
		}
	}
	// A null where the schema allows none is dropped, as the API server drops it.
	obj, errs := v.Validate(context.Background(), object(t, strings.Replace(mentor, "  seniority: 3\n", "  seniority: 3\n  department: null\n", 1)))
	if _, present := obj["spec"].(map[string]any)["department"]; len(errs) > 0 || present {
		t.Errorf("a null department: errors %v, kept %v", errs, present)
	}
}
