package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// TestPlanReadsAttributesFromSecretFiles moves every participant's attributes of the inclusion-circle
// sample, whose diversity goals use them, into Secret manifests: with --attributes the plan is the
// sample's own; without, it warns and differs.
func TestPlanReadsAttributesFromSecretFiles(t *testing.T) {
	folder := filepath.Join(filepath.Dir(sample()), "inclusion-circle")
	data, err := os.ReadFile(filepath.Join(folder, "participants.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var participants, secrets []string
	for _, document := range strings.Split(string(data), "\n---\n") {
		var p mentoringv1alpha1.Participant
		if err := yaml.UnmarshalStrict([]byte(document), &p); err != nil {
			t.Fatal(err)
		}
		secret := corev1.Secret{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"}, ObjectMeta: metav1.ObjectMeta{Name: p.Name + "-attributes"},
			StringData: map[string]string{}}
		for _, a := range p.Spec.Attributes {
			secret.StringData[a.Name] = a.Value
		}
		p.Spec.Attributes, p.Spec.AttributesSecretRef = nil, &mentoringv1alpha1.LocalObjectReference{Name: secret.Name}
		participants, secrets = append(participants, marshal(t, p)), append(secrets, marshal(t, secret))
	}
	programme, err := os.ReadFile(filepath.Join(folder, "programme.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	moved := writeFiles(t, map[string]string{"programme.yaml": string(programme), "participants.yaml": strings.Join(participants, "---\n")})
	secretFiles := writeFiles(t, map[string]string{"attributes.yaml": strings.Join(secrets, "---\n")})

	want := mustRun(t, "plan", "-f", folder, "-o", "json", "--at", "2027-03-01")
	if got := mustRun(t, "plan", "-f", moved, "--attributes", secretFiles, "-o", "json", "--at", "2027-03-01"); got != want {
		t.Errorf("with the attributes in Secret files the plan is\n%s\nwith them in the spec\n%s", got, want)
	}
	without := kubectlMentoring(t, "", "plan", "-f", moved, "-o", "json", "--at", "2027-03-01")
	if without.code != 0 || !strings.Contains(without.stderr, "pass them decrypted with --attributes") {
		t.Errorf("without --attributes: exit %d, stderr %q; want a warning", without.code, without.stderr)
	}
	if without.stdout == want {
		t.Error("the attributes did not change the plan: the test shows nothing")
	}

	// A Secret that --attributes lacks is an error naming the participant and the Secret.
	partial := writeFiles(t, map[string]string{"attributes.yaml": strings.Join(secrets[1:], "---\n")})
	missing := kubectlMentoring(t, "", "plan", "-f", moved, "--attributes", partial)
	if missing.code == 0 || !strings.Contains(missing.stderr, "-attributes named by spec.attributesSecretRef does not exist") {
		t.Errorf("a missing Secret: exit %d, stderr %q", missing.code, missing.stderr)
	}
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	data, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
