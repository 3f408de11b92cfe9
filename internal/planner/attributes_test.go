package planner_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// diverseProgramme is a population programme that prefers pairs of different generations, strongly
// enough that the attributes change who is paired.
func diverseProgramme() *mentoringv1alpha1.Programme {
	p := testenv.PopulationProgramme("diverse", mentoringv1alpha1.ProgrammeSchedule{Start: "2027-01-04", EnrolmentDeadline: "2027-02-01", End: "2027-06-30"})
	p.Spec.Matching.Diversity = []mentoringv1alpha1.DiversityGoal{{Attribute: "generation", Prefer: mentoringv1alpha1.PreferDifferent, Weight: 100}}
	return p
}

var (
	planTime    = time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	generations = []string{"boomer", "gen-x", "millennial", "gen-z"}
)

func generation(i int) string { return generations[(i*7)%len(generations)] }

// pairs are a plan's pairs as mentor, mentee, score and breakdown.
func pairs(t *testing.T, participants []mentoringv1alpha1.Participant) []string {
	t.Helper()
	r, err := planner.Plan(diverseProgramme(), participants, nil, planTime)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range r.Match.Pairs {
		out = append(out, fmt.Sprintf("%s-%s %d %v", p.Mentor, p.Mentee, p.Score, p.Breakdown))
	}
	return out
}

func TestAttributesFromASecretMatchAsInTheSpec(t *testing.T) {
	inSpec := testenv.Population("diverse", 60)
	inSecrets := testenv.Population("diverse", 60)
	secrets := map[string]map[string][]byte{}
	for i := range inSpec {
		inSpec[i].Spec.Attributes = []mentoringv1alpha1.Attribute{{Name: "generation", Value: generation(i)}}
		secret := inSecrets[i].Name + "-attributes"
		inSecrets[i].Spec.AttributesSecretRef = &mentoringv1alpha1.LocalObjectReference{Name: secret}
		secrets[secret] = map[string][]byte{"generation": []byte(generation(i))}
	}
	resolved, problems := planner.WithSecretAttributes(inSecrets, secrets)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	want := pairs(t, inSpec)
	if got := pairs(t, resolved); !reflect.DeepEqual(got, want) {
		t.Errorf("attributes from Secrets paired\n%v\nthe same attributes in the spec paired\n%v", got, want)
	}
	// The comparison means something: without the attributes the pairs differ.
	if without := pairs(t, inSecrets); reflect.DeepEqual(without, want) {
		t.Error("the attributes did not change the matching: the test shows nothing")
	}
	if inSecrets[0].Spec.Attributes != nil {
		t.Error("WithSecretAttributes changed the caller's participants")
	}
}

func TestWithSecretAttributesReturnsParticipantsWithoutSecretsAsTheyAre(t *testing.T) {
	people := testenv.Population("diverse", 4)
	resolved, problems := planner.WithSecretAttributes(people, nil)
	if &resolved[0] != &people[0] || len(problems) != 0 {
		t.Errorf("without any attributesSecretRef the participants were copied (%v) or had problems %v", &resolved[0] != &people[0], problems)
	}
}

func TestSecretAttributesProblems(t *testing.T) {
	const sensitive = "a-value-nobody-may-see"
	for _, tc := range []struct {
		name   string
		spec   []mentoringv1alpha1.Attribute
		data   map[string][]byte
		reason string
		says   string
	}{
		{name: "missing Secret", data: nil, reason: mentoringv1alpha1.ReasonSecretNotFound, says: "Secret attrs named by spec.attributesSecretRef does not exist"},
		{name: "key not a name", data: map[string][]byte{"Jane.Doe@example.org": []byte(sensitive)}, reason: mentoringv1alpha1.ReasonInvalidAttributes,
			says: "Secret attrs has a key that is not an attribute name"},
		{name: "empty value", data: map[string][]byte{"generation": {}}, reason: mentoringv1alpha1.ReasonInvalidAttributes, says: "the value of generation must be"},
		{name: "long value", data: map[string][]byte{"generation": []byte(strings.Repeat("x", 64))}, reason: mentoringv1alpha1.ReasonInvalidAttributes,
			says: "the value of generation must be"},
		{name: "in both places", spec: []mentoringv1alpha1.Attribute{{Name: "generation", Value: "gen-x"}}, data: map[string][]byte{"generation": []byte(sensitive)},
			reason: mentoringv1alpha1.ReasonInvalidAttributes, says: "Attribute generation is both in spec.attributes and in Secret attrs"},
		{name: "too many", data: manyAttributes(17), reason: mentoringv1alpha1.ReasonInvalidAttributes, says: "hold 17 attributes together; at most 16"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := testenv.Population("diverse", 1)
			p[0].Spec.Attributes = tc.spec
			p[0].Spec.AttributesSecretRef = &mentoringv1alpha1.LocalObjectReference{Name: "attrs"}
			secrets := map[string]map[string][]byte{}
			if tc.data != nil {
				secrets["attrs"] = tc.data
			}
			resolved, problems := planner.WithSecretAttributes(p, secrets)
			verdict, found := problems[p[0].Name]
			if !found || verdict.Reason != tc.reason || !verdict.NeedsFix || !strings.Contains(verdict.Message, tc.says) {
				t.Fatalf("problem = %+v (found %v), want reason %s and a message saying %q", verdict, found, tc.reason, tc.says)
			}
			if strings.Contains(verdict.Message, sensitive) || strings.Contains(verdict.Message, "Jane") {
				t.Errorf("the message repeats the Secret's content: %s", verdict.Message)
			}
			if !reflect.DeepEqual(resolved[0].Spec.Attributes, tc.spec) {
				t.Errorf("attributes = %v, want only the spec's %v", resolved[0].Spec.Attributes, tc.spec)
			}
		})
	}
}

func manyAttributes(n int) map[string][]byte {
	data := map[string][]byte{}
	for i := range n {
		data[fmt.Sprintf("attribute-%d", i)] = []byte("x")
	}
	return data
}

func TestSecretAttributesAddToTheSpecInNameOrder(t *testing.T) {
	p := testenv.Population("diverse", 1)[0]
	p.Spec.Attributes = []mentoringv1alpha1.Attribute{{Name: "region", Value: "emea"}}
	got, err := planner.SecretAttributes(&p, map[string][]byte{"generation": []byte("gen-z"), "caring": []byte("yes")})
	want := []mentoringv1alpha1.Attribute{{Name: "caring", Value: "yes"}, {Name: "generation", Value: "gen-z"}, {Name: "region", Value: "emea"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("SecretAttributes = %v, %v; want %v", got, err, want)
	}
}
