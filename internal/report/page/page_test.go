package page

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/report"
)

// hostile is a report whose names, which come from people's manifests, try to inject markup.
func hostile() *report.Report {
	five, hidden := 5, (*int)(nil)
	return &report.Report{
		Programme: "p", Purpose: `<script>alert("purpose")</script>`, Source: "manifests", Stage: "Enrolling",
		At:     time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC),
		Topics: []report.Topic{{Topic: `"><img src=x onerror=alert(1)>`, Seeking: &five, Offering: hidden, Paired: &five}},
		TimeZones: report.Breakdown{Groups: []report.Group{{Name: "<script>alert('zone')</script>", Count: 7}},
			Other: &report.Other{Groups: 2, Count: nil}},
		Departments: report.Matrix{Mentors: []string{"<b>Legal</b>"}, Mentees: []string{"Sales & <i>Ops</i>"}, Pairs: [][]*int{{&five}}},
		Privacy:     report.Privacy{MinGroup: report.MinGroup, Hidden: []string{"Time zones: <u>2 zones</u>"}},
	}
}

func TestRenderEscapesNames(t *testing.T) {
	var out bytes.Buffer
	if err := Render(&out, hostile()); err != nil {
		t.Fatal(err)
	}
	page := out.String()
	for _, markup := range []string{"<script>alert", "<img src=x", "<b>Legal", "<i>Ops", "<u>2 zones"} {
		if strings.Contains(page, markup) {
			t.Errorf("the page contains %q unescaped", markup)
		}
	}
	for _, escaped := range []string{"&lt;script&gt;alert(&#39;zone&#39;)", "&lt;b&gt;Legal&lt;/b&gt;", "Other (2 zones)"} {
		if !strings.Contains(page, escaped) {
			t.Errorf("the page lacks %q", escaped)
		}
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	var first, again bytes.Buffer
	if err := Render(&first, hostile()); err != nil {
		t.Fatal(err)
	}
	if err := Render(&again, hostile()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), again.Bytes()) {
		t.Error("the same report rendered twice differs")
	}
}
