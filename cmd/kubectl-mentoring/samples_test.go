package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// samplesDir is config/samples.
func samplesDir() string { return filepath.Join(sample(), "..") }

// yamlFiles lists the YAML files under dir, relative to it, but the kustomization.
func yamlFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(path) == ".yaml" && d.Name() != "kustomization.yaml" {
			rel, _ := filepath.Rel(dir, path)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestSamples: every sample folder lists all its files in its kustomization (so `kubectl apply -k`
// applies the whole sample), the API server accepts every object of them, and plan reads them.
func TestSamples(t *testing.T) {
	env, _ := cluster(t)
	folders, err := filepath.Glob(filepath.Join(samplesDir(), "*", "kustomization.yaml"))
	if err != nil || len(folders) < 6 {
		t.Fatalf("sample folders: %v %v", folders, err)
	}
	for _, k := range folders {
		dir := filepath.Dir(k)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			data, err := os.ReadFile(k)
			if err != nil {
				t.Fatal(err)
			}
			var kustomization struct{ Resources []string }
			if err := yaml.Unmarshal(data, &kustomization); err != nil {
				t.Fatal(err)
			}
			if files := yamlFiles(t, dir); !slices.Equal(slices.Sorted(slices.Values(kustomization.Resources)), files) {
				t.Errorf("kustomization lists %q; the folder has %q", kustomization.Resources, files)
			}
			namespace := newNamespace(t, env)
			for _, file := range kustomization.Resources {
				data, err := os.ReadFile(filepath.Join(dir, file))
				if err != nil {
					t.Fatal(err)
				}
				for _, doc := range strings.Split(string(data), "\n---\n") {
					obj := &unstructured.Unstructured{}
					if err := yaml.Unmarshal([]byte(doc), &obj.Object); err != nil {
						t.Fatal(err)
					}
					obj.SetNamespace(namespace)
					if err := env.Client.Create(context.Background(), obj, client.FieldValidation("Strict"), client.DryRunAll); err != nil {
						t.Errorf("%s: %s %s is refused: %v", file, obj.GetKind(), obj.GetName(), err)
					}
				}
			}
			mustRun(t, "plan", "-f", dir, "--at", "2027-01-04")
		})
	}
}

// The hard-to-match sample says in a comment above each participant why it is unmatched: the plan
// agrees, person by person.
func TestHardToMatchSampleSaysWhy(t *testing.T) {
	dir := filepath.Join(samplesDir(), "hard-to-match")
	data, err := os.ReadFile(filepath.Join(dir, "participants.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	said := map[string]string{} // participant → reason, "" when matched
	comment := regexp.MustCompile(`(?m)^# (Matched|Unmatched, ([A-Za-z]+)):`)
	name := regexp.MustCompile(`(?m)^  name: (\S+)$`)
	for _, doc := range strings.Split(string(data), "\n---\n") {
		m := comment.FindStringSubmatch(doc)
		if m == nil {
			m = []string{"", "Matched", ""}
			if !strings.HasPrefix(doc, "# Matched.") {
				t.Fatalf("a participant without a comment saying why:\n%s", doc)
			}
		}
		said[name.FindStringSubmatch(doc)[1]] = m[2]
	}
	plan := decodePlan(t, []byte(mustRun(t, "plan", "-f", dir, "-o", "json", "--at", "2027-02-15")))
	got := map[string]string{}
	for _, p := range plan.Pairings {
		got[p.Mentor], got[p.Mentee] = "", ""
	}
	reasons := map[string]bool{}
	for _, u := range plan.Unmatched {
		got[u.Name] = u.Reason
		reasons[u.Reason] = true
	}
	for person, reason := range said {
		if r, ok := got[person]; !ok || r != reason {
			t.Errorf("%s: the comment says %q, the plan %q", person, reason, r)
		}
	}
	if len(said) != len(got) || len(reasons) < 7 {
		t.Errorf("%d participants explained, %d planned, %d different reasons", len(said), len(got), len(reasons))
	}
}

// The from-roster sample is what importing its roster.csv writes, byte for byte.
func TestFromRosterSampleIsTheImport(t *testing.T) {
	dir := filepath.Join(samplesDir(), "from-roster")
	committed := snapshot(t, dir)
	fresh := writeFiles(t, map[string]string{"programme.yaml": committed["programme.yaml"]})
	mustRun(t, "import", filepath.Join(dir, "roster.csv"), "--dir", fresh, "--attribute", "generation=Generation")
	imported := snapshot(t, fresh)
	delete(committed, "roster.csv")
	if len(imported) != len(committed) || len(imported) < 10 {
		t.Fatalf("the import writes %d files, the sample has %d", len(imported), len(committed))
	}
	for file, data := range committed {
		if imported[file] != data {
			t.Errorf("%s differs from what import writes:\n%s", file, imported[file])
		}
	}
}

// The connected sample's Secrets have the keys its programme names.
func TestConnectedSampleSecrets(t *testing.T) {
	dir := filepath.Join(samplesDir(), "connected")
	var programme mentoringv1alpha1.Programme
	data, err := os.ReadFile(filepath.Join(dir, "programme.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, &programme); err != nil {
		t.Fatal(err)
	}
	data, err = os.ReadFile(filepath.Join(dir, "secrets.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string][]string{}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var s corev1.Secret
		if err := yaml.UnmarshalStrict([]byte(doc), &s); err != nil {
			t.Fatal(err)
		}
		for key, value := range s.StringData {
			keys[s.Name] = append(keys[s.Name], key)
			if !strings.Contains(value, "example") && !strings.Contains(value, "fake") && !strings.Contains(value, "not-a-real") &&
				!strings.Contains(value, "000000") && !strings.HasPrefix(value, "mentoring-") && !strings.HasPrefix(value, "whsec_") {
				t.Errorf("secret %s key %s does not look fake: %q", s.Name, key, value)
			}
		}
	}
	integrations := programme.Spec.Integrations
	caldav := integrations.Calendar.CalDAV.CredentialsSecretRef.Name
	if !slices.Contains(keys[caldav], "username") || !slices.Contains(keys[caldav], "password") || !integrations.Calendar.Feed {
		t.Errorf("CalDAV secret %s has keys %q", caldav, keys[caldav])
	}
	formats := map[mentoringv1alpha1.WebhookFormat]bool{}
	for _, w := range integrations.Webhooks {
		formats[w.Format] = true
		refs := []*mentoringv1alpha1.SecretKeyReference{&w.URLSecretRef, w.SigningSecretRef}
		for _, ref := range refs {
			if ref != nil && !slices.Contains(keys[ref.Name], ref.Key) {
				t.Errorf("webhook %s names key %s of secret %s, which secrets.yaml lacks", w.Name, ref.Key, ref.Name)
			}
		}
	}
	if len(formats) != 4 {
		t.Errorf("the sample shows the formats %v, want all four", formats)
	}
}
