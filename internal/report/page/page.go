// Package page renders a programme's report (package report) as one self-contained HTML page: no
// script, font, image or stylesheet is fetched, the charts are inline SVG drawn by gonum.org/v1/plot,
// and a print stylesheet makes it a clean PDF. It reads well at a phone's width and a desktop's.
package page

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"unicode"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/report"
)

//go:embed report.html.tmpl
var pageTemplate string

var tmpl = template.Must(template.New("report").Parse(pageTemplate))

// view is what the template shows: the report and its charts.
type view struct {
	*report.Report
	Charts map[string]*chart
	// Matrix is the department-crossing matrix as table rows; nil when it would show nothing, and
	// MatrixNote says why.
	Matrix     []matrixRow
	MatrixNote string
}

// matrixRow is a mentor department's row of the department-crossing matrix.
type matrixRow struct {
	Name  string
	Cells []matrixCell
}

// matrixCell is one cell: its figure, its shade from 0 to 5, whether both departments are the same and
// whether the figure is hidden.
type matrixCell struct {
	Text         string
	Level        int
	Same, Hidden bool
}

// chart is one chart of the page: the SVG, its legend and its figures as a table.
type chart struct {
	ID     string
	SVG    template.HTML
	Legend []series
	barChart
}

// Rows are the chart's figures by category, for its table.
func (c *chart) Rows() [][]string {
	rows := make([][]string, len(c.Categories))
	for i, name := range c.Categories {
		rows[i] = []string{name}
		for _, s := range c.Series {
			rows[i] = append(rows[i], figure(s.Values[i]))
		}
	}
	return rows
}

// Swatch is the CSS colour of a series.
func (s series) Swatch() template.CSS {
	r, g, b, _ := s.Color.RGBA()
	return template.CSS(fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8))
}

// Render writes the report as an HTML page.
func Render(w io.Writer, r *report.Report) error {
	v := view{Report: r, Charts: map[string]*chart{}}
	if err := v.addCharts(); err != nil {
		return err
	}
	v.addMatrix()
	return tmpl.Execute(w, v)
}

// addCharts draws every chart the report has data for; a chart without categories is left out and the
// page says why.
func (v *view) addCharts() error {
	r := v.Report
	charts := map[string]barChart{}

	var reasons []string
	mentees, mentors := counts(r.Unmatched.Mentees), counts(r.Unmatched.Mentors)
	for _, groups := range [][]report.Group{r.Unmatched.Mentees, r.Unmatched.Mentors} {
		for _, g := range groups {
			if !slices.Contains(reasons, g.Name) {
				reasons = append(reasons, g.Name)
			}
		}
	}
	labels := make([]string, len(reasons))
	for i, reason := range reasons {
		labels[i] = words(reason)
	}
	charts["unmatched"] = barChart{Label: "Participants without a pair, by reason", Categories: labels, Series: []series{
		{Name: "Mentees", Values: pick(mentees, reasons), Color: blue},
		{Name: "Mentors", Values: pick(mentors, reasons), Color: orange},
	}}

	topics := barChart{Label: "Topics: mentees seeking, mentors offering, mentees paired on each"}
	seeking, offering, paired := series{Name: "Mentees seeking", Color: blue}, series{Name: "Mentors offering", Color: orange},
		series{Name: "Mentees paired on it", Color: green}
	for _, t := range r.Topics {
		topics.Categories = append(topics.Categories, t.Topic)
		seeking.Values, offering.Values, paired.Values = append(seeking.Values, t.Seeking), append(offering.Values, t.Offering),
			append(paired.Values, t.Paired)
	}
	topics.Series = []series{seeking, offering, paired}
	charts["topics"] = topics

	gaps := barChart{Label: "Pairs by seniority gap, in levels", Vertical: true}
	pairs := series{Name: "Pairs", Color: blue}
	for _, g := range r.SeniorityGaps {
		gaps.Categories = append(gaps.Categories, g.Label())
		pairs.Values = append(pairs.Values, &g.Pairs)
	}
	gaps.Series = []series{pairs}
	charts["seniority-gaps"] = gaps

	charts["time-zones"] = breakdownChart("Participants by time zone, west to east", r.TimeZones, "zone")

	goals := barChart{Label: "Pairs meeting each diversity goal", Series: []series{{Name: "Goal met", Color: green},
		{Name: "Goal not met", Color: vermilion}, {Name: "Attribute not given", Color: grey}}}
	for _, d := range r.Diversity {
		goals.Categories = append(goals.Categories, fmt.Sprintf("%s: %s", d.Attribute, strings.ToLower(d.Prefer)))
		goals.Series[0].Values = append(goals.Series[0].Values, d.Met)
		goals.Series[1].Values = append(goals.Series[1].Values, d.NotMet)
		goals.Series[2].Values = append(goals.Series[2].Values, d.Unknown)
		charts["diversity-"+d.Attribute] = breakdownChart("Participants by "+d.Attribute, d.Participants, "value")
	}
	charts["diversity-goals"] = goals

	if r.Pairings != nil {
		stages := counts(r.Pairings.Stages)
		names := make([]string, len(r.Pairings.Stages))
		for i, g := range r.Pairings.Stages {
			names[i] = g.Name
		}
		charts["pairing-stages"] = barChart{Label: "Pairings by stage", Categories: names,
			Series: []series{{Name: "Pairings", Values: pick(stages, names), Color: blue}}}
	}

	for id, c := range charts {
		if len(c.Categories) == 0 {
			continue
		}
		svg, err := c.SVG()
		if err != nil {
			return fmt.Errorf("drawing chart %s: %w", id, err)
		}
		v.Charts[id] = &chart{ID: id, SVG: svg, barChart: c, Legend: c.Series}
	}
	return nil
}

// addMatrix shades the department-crossing matrix by its largest cell.
func (v *view) addMatrix() {
	m := v.Departments
	switch {
	case len(m.Pairs) == 0:
		v.MatrixNote = "No pairs to show."
		return
	case len(m.Mentors) == 1 && len(m.Mentees) == 1 && m.Mentors[0] == report.OtherDepartments:
		v.MatrixNote = fmt.Sprintf("Every department has fewer than %d paired mentors or mentees, so the crossings are hidden.", report.MinGroup)
		return
	}
	most := 0
	for _, row := range m.Pairs {
		for _, c := range row {
			if c != nil {
				most = max(most, *c)
			}
		}
	}
	for i, row := range m.Pairs {
		r := matrixRow{Name: m.Mentors[i]}
		for j, c := range row {
			r.Cells = append(r.Cells, matrixCell{Text: figure(c), Level: level(c, most), Hidden: c == nil,
				Same: m.Mentors[i] == m.Mentees[j] && m.Mentors[i] != report.OtherDepartments})
		}
		v.Matrix = append(v.Matrix, r)
	}
}

// breakdownChart shows a breakdown's groups, then its hidden groups together.
func breakdownChart(label string, b report.Breakdown, noun string) barChart {
	c := barChart{Label: label}
	people := series{Name: "Participants", Color: blue}
	for _, g := range b.Groups {
		c.Categories = append(c.Categories, g.Name)
		people.Values = append(people.Values, &g.Count)
	}
	if b.Other != nil {
		c.Categories = append(c.Categories, otherLabel(b.Other, noun))
		people.Values = append(people.Values, b.Other.Count)
	}
	c.Series = []series{people}
	return c
}

// otherLabel names the hidden groups of a breakdown together, such as "Other (3 zones)".
func otherLabel(o *report.Other, noun string) string {
	if o.Groups == 1 {
		return fmt.Sprintf("Other (1 %s)", noun)
	}
	return fmt.Sprintf("Other (%d %ss)", o.Groups, noun)
}

func counts(groups []report.Group) map[string]int {
	out := make(map[string]int, len(groups))
	for _, g := range groups {
		out[g.Name] = g.Count
	}
	return out
}

// pick is the counts of names, in their order; a name without a count has 0.
func pick(counts map[string]int, names []string) []*int {
	out := make([]*int, len(names))
	for i, name := range names {
		n := counts[name]
		out[i] = &n
	}
	return out
}

// figure shows a figure, or hiddenLabel.
func figure(n *int) string {
	if n == nil {
		return hiddenLabel
	}
	return fmt.Sprint(*n)
}

// words spells a CamelCase reason as words: NoSharedTopic is "No shared topic".
func words(camel string) string {
	var b strings.Builder
	for i, r := range camel {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte(' ')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// level is the shade, from 0 to 5, of a matrix cell of n pairs when the largest has most.
func level(n *int, most int) int {
	if n == nil || *n == 0 || most == 0 {
		return 0
	}
	return min(5, 1+4*(*n)/most)
}
