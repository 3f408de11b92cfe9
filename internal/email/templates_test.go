package email

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

func TestTemplatesFromAConfigMapReplaceTheBuiltIns(t *testing.T) {
	custom, err := LoadTemplates(map[string]string{
		"introduction.subject": "Welcome, {{.Reader.Name}}: say hello to {{.Partner.Name}}",
		"introduction.text":    "{{.Partner.Name}} ({{.Partner.Role}}, {{.Partner.TimeZone}}){{with .Meeting}} on {{.Next}}{{end}}\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	messages, _, err := Messages(activePairing(t), custom)
	if err != nil {
		t.Fatal(err)
	}
	intro := messages[1]
	if intro.Subject != "Welcome, Grace Hopper: say hello to Ada Lovelace" ||
		intro.Text != "Ada Lovelace (mentor, Europe/London) on Thursday 14 January 2027, 09:30–10:15\n" {
		t.Errorf("custom introduction: %q\n%s", intro.Subject, intro.Text)
	}
	if !strings.Contains(intro.HTML, "Meet Ada Lovelace, your mentor") {
		t.Errorf("the HTML body not overridden is not the built-in one")
	}
}

// TestTemplateMistakesNameTheKeyAndTheLine checks every way a template can be wrong is found when the
// ConfigMap is loaded, with an error naming the key and the line a person must fix.
func TestTemplateMistakesNameTheKeyAndTheLine(t *testing.T) {
	tests := []struct {
		name, key, template, want string
	}{
		{"a syntax error", "introduction.text", "Hello\n{{.Reader.Name}\n", "template introduction.text, line 2: bad character U+007D '}'"},
		{"an unknown field", "invitation.html", "<p>\n{{.Reader.Email}}</p>", "template invitation.html, line 2: at <.Reader.Email>: can't evaluate field Email"},
		{"an unknown function", "cancellation.subject", "{{upper .Programme}}", "template cancellation.subject, line 1: function \"upper\" not defined"},
		{"a meeting not yet scheduled", "introduction.html", "<p>{{.Meeting.Next}}</p>", "template introduction.html, line 1: at <.Meeting.Next>: nil pointer evaluating *email.MeetingView.Next"},
		{"an empty subject", "invitation.subject", "{{if false}}x{{end}}", "template invitation.subject gives an empty subject"},
		{"an unknown key", "introduction.body", "hello", "key introduction.body is not a template: use introduction.subject, introduction.text"},
	}
	for _, tt := range tests {
		_, err := LoadTemplates(map[string]string{tt.key: tt.template})
		var te *TemplateError
		if !errors.As(err, &te) || te.Key != tt.key || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q for key %s", tt.name, err, tt.want, tt.key)
		}
	}
}

func TestHTMLTemplatesEscapeWhatPeopleWrite(t *testing.T) {
	p := activePairing(t)
	p.Mentor.Name = `Ada <script>alert("x")</script>`
	p.Purpose = `<img src=x onerror=alert(1)>`
	messages, _ := derive(t, p)
	for _, m := range messages {
		if strings.Contains(m.HTML, "<script>") || strings.Contains(m.HTML, "<img") {
			t.Errorf("%s carries markup from the manifests:\n%s", m.ID, m.HTML)
		}
	}
}

// TestTheSampleTemplatesLoad loads every templates ConfigMap of the samples, as the operator will.
func TestTheSampleTemplatesLoad(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testenv.RepoRoot(), "config", "samples", "*", "email-templates.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample templates (%v)", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var configMap struct {
			Kind string            `json:"kind"`
			Data map[string]string `json:"data"`
		}
		if err := yaml.Unmarshal(data, &configMap); err != nil || configMap.Kind != "ConfigMap" || len(configMap.Data) == 0 {
			t.Fatalf("%s: %v %+v", file, err, configMap)
		}
		templates, err := LoadTemplates(configMap.Data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		messages, _, err := Messages(activePairing(t), templates)
		if err != nil {
			t.Fatal(err)
		}
		if got := messages[3].Subject; got != "Inclusion Circle with Ada Lovelace, Thursdays 09:30–10:15" {
			t.Errorf("%s: the invitation's subject is %q", file, got)
		}
	}
}
