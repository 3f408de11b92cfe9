package email

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode/utf8"
)

// The kinds of content a template renders: one per message, and for an invitation whether it
// requests or cancels the series.
const (
	introductionContent = "introduction"
	invitationContent   = "invitation"
	cancellationContent = "cancellation"
)

// Template keys are "<content>.<part>", as a templates ConfigMap names them.
var (
	contents = []string{introductionContent, invitationContent, cancellationContent}
	parts    = []string{"subject", "text", "html"}
)

// maxSubjectRunes bounds a subject, which mail programs cut much earlier.
const maxSubjectRunes = 200

//go:embed templates
var builtinFiles embed.FS

// funcs are the functions templates may call besides Go's own.
var funcs = map[string]any{
	// list joins words as a sentence does: "a, b and c".
	"list": list,
	// add adds two numbers, to number a list from 1.
	"add": func(a, b int) int { return a + b },
}

// Templates render the subjects and bodies of the messages.
type Templates struct {
	text map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
}

// builtin are the built-in templates, parsed once.
var builtin = func() *Templates {
	t, err := parseTemplates(func(key string) (string, bool) {
		b, err := builtinFiles.ReadFile("templates/" + key)
		return string(b), err == nil
	})
	if err != nil {
		panic(err)
	}
	return t
}()

// Builtin returns the built-in templates.
func Builtin() *Templates { return builtin }

// TemplateError is a template that does not parse or does not run against sample data. Its message
// names the key and the line.
type TemplateError struct {
	// Key is the ConfigMap key, such as introduction.html.
	Key string
	msg string
}

func (e *TemplateError) Error() string { return e.msg }

// LoadTemplates returns the built-in templates with the given ones in their place: the data of a
// templates ConfigMap, keyed introduction.subject, introduction.text, introduction.html and the same
// for invitation and cancellation. Each is parsed and run against sample data now, so a mistake is
// reported when the ConfigMap is read, with its key and line, rather than when a message is due.
func LoadTemplates(overrides map[string]string) (*Templates, error) {
	var keys []string
	for _, c := range contents {
		for _, p := range parts {
			keys = append(keys, c+"."+p)
		}
	}
	for key := range overrides {
		if !slices.Contains(keys, key) {
			return nil, &TemplateError{Key: key, msg: fmt.Sprintf("key %s is not a template: use %s", key, strings.Join(keys, ", "))}
		}
	}
	return parseTemplates(func(key string) (string, bool) {
		if s, ok := overrides[key]; ok {
			return s, true
		}
		b, err := builtinFiles.ReadFile("templates/" + key)
		return string(b), err == nil
	})
}

// parseTemplates parses every template from source and runs it against the samples.
func parseTemplates(source func(key string) (string, bool)) (*Templates, error) {
	partials, _ := source("partials.html")
	t := &Templates{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	for _, c := range contents {
		for _, p := range parts {
			key := c + "." + p
			src, ok := source(key)
			if !ok {
				return nil, &TemplateError{Key: key, msg: "key " + key + " has no template"}
			}
			var err error
			if p == "html" {
				var tmpl *htmltemplate.Template
				if tmpl, err = htmltemplate.New(key).Funcs(funcs).Parse(partials); err == nil {
					t.html[key], err = tmpl.Parse(src)
				}
			} else {
				t.text[key], err = texttemplate.New(key).Funcs(funcs).Parse(src)
			}
			if err != nil {
				return nil, templateError(key, err)
			}
		}
		for _, v := range samples(c) {
			if _, err := t.render(c, v); err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}

// goTemplateError matches Go's template errors: "template: KEY:LINE: ..." or
// "template: KEY:LINE:COLUMN: executing ...".
var goTemplateError = regexp.MustCompile(`^template: [^:]+:(\d+)(?::\d+)?: (?:executing "[^"]*" )?(.*)$`)

// templateError says which key and line hold the mistake, and what it is.
func templateError(key string, err error) error {
	if m := goTemplateError.FindStringSubmatch(err.Error()); m != nil {
		return &TemplateError{Key: key, msg: fmt.Sprintf("template %s, line %s: %s", key, m[1], m[2])}
	}
	return &TemplateError{Key: key, msg: fmt.Sprintf("template %s: %v", key, err)}
}

// rendered is a message's subject and bodies.
type rendered struct{ subject, text, html string }

// render runs the templates of one content against a view.
func (t *Templates) render(content string, v View) (rendered, error) {
	var out rendered
	var b bytes.Buffer
	for _, p := range parts {
		key := content + "." + p
		b.Reset()
		var err error
		if p == "html" {
			err = t.html[key].Execute(&b, v)
		} else {
			err = t.text[key].Execute(&b, v)
		}
		if err != nil {
			return rendered{}, templateError(key, err)
		}
		switch p {
		case "subject":
			out.subject = clip(oneLine(b.String()), maxSubjectRunes)
			if out.subject == "" {
				return rendered{}, &TemplateError{Key: key, msg: "template " + key + " gives an empty subject"}
			}
		case "text":
			out.text = b.String()
		default:
			out.html = b.String()
		}
	}
	return out, nil
}

// clip cuts s to at most n runes, the last of them an ellipsis when s was longer.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// samples are the views a content's templates are checked against: the shapes real data takes,
// including the optional parts left out.
func samples(content string) []View {
	london, _ := time.LoadLocation("Europe/London")
	newYork, _ := time.LoadLocation("America/New_York")
	mentor := &Person{Name: "Ada Lovelace", Email: "ada@example.org", Zone: london}
	mentee := &Person{Name: "Grace Hopper", Email: "grace@example.org", Zone: newYork}
	first := time.Date(2027, 1, 12, 15, 0, 0, 0, time.UTC)
	series := &Series{UID: "sample", First: first, Last: first.AddDate(0, 0, 14*10), Zone: london, Duration: 45 * time.Minute, Interval: 2}
	st := Pairing{
		Namespace: "mentoring", Programme: "digital-leaders", Name: "ada-grace", Stage: Active,
		Purpose: "Leaders learn how younger colleagues use AI tools and social media at work.",
		Reverse: true, Topics: []string{"ai", "social-media"},
		Breakdown: []Points{{"topicFit", 48}, {"availability", 20}, {"crossDepartment", 10}, {"seniorityGap", 6}},
		Ends:      time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC), Mentor: mentor, Mentee: mentee,
		From: Address{Name: "Programme office", Email: "office@example.org"}, Now: first.AddDate(0, 0, -7),
	}
	switch content {
	case introductionContent:
		return []View{st.view(Mentor, series, false), st.view(Mentee, nil, false)}
	case invitationContent:
		return []View{st.view(Mentee, series, false), st.view(Mentor, series, true)}
	}
	gone := st
	gone.Mentee = nil
	return []View{st.view(Mentee, series, false), gone.view(Mentor, series, false)}
}
