// Package report computes the figures of a programme that its sponsors look at: headline counts, the
// match rate and why people are unmatched, topic demand against supply, the spread of seniority gaps,
// department crossings, time zones and diversity goals, and, once the operator has run the programme,
// its pairings by stage. It is pure: `kubectl mentoring report` shows the figures as one HTML page
// (package page) or as JSON, and the manager exports some of them to Prometheus (internal/metrics).
//
// No figure names a person. Every breakdown by attribute, department, topic or time zone hides groups
// of fewer than MinGroup people, and Report.Privacy says what was hidden.
//
// A section that needs data the objects may lack is a pointer, nil when the data is missing, and the
// page leaves it out: Pairings needs the operator's status on the Pairings. The measurement figures
// (check-ins, meetings held) join the same way.
package report

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/matching"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/zones"
)

// Input is what a report is built from: one programme with its participants and pairings, as read from
// a cluster or from manifests.
type Input struct {
	Programme    *mentoringv1alpha1.Programme
	Participants []mentoringv1alpha1.Participant
	Pairings     []mentoringv1alpha1.Pairing
	// At is the moment the programme is looked at: its stage and the matching pass are those of At.
	At time.Time
	// Source says where the objects were read, such as "cluster" or "manifests".
	Source string
}

// Report is a programme's figures.
type Report struct {
	Programme string `json:"programme"`
	Namespace string `json:"namespace,omitempty"`
	Purpose   string `json:"purpose"`
	Source    string `json:"source"`
	// At is when the figures hold, in the programme's time zone: the programme's pairings are those of a
	// matching pass at At.
	At       time.Time                           `json:"at"`
	Stage    string                              `json:"stage"`
	Schedule mentoringv1alpha1.ProgrammeSchedule `json:"schedule"`
	Headline Headline                            `json:"headline"`
	// Unmatched counts the participants without a pair, by reason.
	Unmatched Unmatched `json:"unmatched"`
	// Topics are the programme's topics in its order, with demand against supply.
	Topics []Topic `json:"topics"`
	// SeniorityGaps spread the pairs by how many levels the mentee is above the mentor (below, in a
	// Traditional programme), in ranges of at least MinGroup people.
	SeniorityGaps []Range `json:"seniorityGaps"`
	// Departments is the department-crossing matrix of the pairs.
	Departments Matrix `json:"departments"`
	// TimeZones spread the participants by time zone, west to east.
	TimeZones Breakdown `json:"timeZones"`
	// Diversity is each diversity goal of the programme and how far the pairs meet it.
	Diversity []Diversity `json:"diversity"`
	// Pairings are the Pairings by stage, from the operator's status; nil when no Pairing has any.
	Pairings *Pairings `json:"pairings,omitempty"`
	Privacy  Privacy   `json:"privacy"`
}

// Headline is the figures a sponsor reads first.
type Headline struct {
	Participants int `json:"participants"`
	Mentors      int `json:"mentors"`
	Mentees      int `json:"mentees"`
	// Pairs is the number of pairs of the matching pass: kept and new (at the programme's end, the
	// pairs that completed with it).
	Pairs int `json:"pairs"`
	// EligibleMentees can be matched; MatchedMentees of them have a pair.
	EligibleMentees int `json:"eligibleMentees"`
	MatchedMentees  int `json:"matchedMentees"`
	// MatchRatePercent is MatchedMentees out of EligibleMentees.
	MatchRatePercent int `json:"matchRatePercent"`
	// AverageScore of the pairs, from 0 to 100.
	AverageScore int `json:"averageScore"`
	// TopicCoveragePercent is the share of paired mentees' goals that their mentor's expertise covers.
	TopicCoveragePercent int `json:"topicCoveragePercent"`
	// CrossDepartmentPercent is the share of pairs whose two people work in different departments.
	CrossDepartmentPercent int `json:"crossDepartmentPercent"`
}

// Unmatched counts the participants without a pair by reason (a CamelCase word such as NoSharedTopic),
// most frequent first.
type Unmatched struct {
	Mentees []Group `json:"mentees"`
	Mentors []Group `json:"mentors"`
}

// Topic is one programme topic: how many people want it, offer it and are paired on it. A figure of 1
// to 4 people is nil: hidden.
type Topic struct {
	Topic string `json:"topic"`
	// Seeking mentees have the topic among their goals.
	Seeking *int `json:"seeking"`
	// Offering mentors have it among their expertise.
	Offering *int `json:"offering"`
	// Paired mentees work on it with their mentor: both have it.
	Paired *int `json:"paired"`
}

// Matrix is the department-crossing matrix: pairs by the mentor's department (rows) and the mentee's
// (columns). Departments of fewer than MinGroup paired mentors, or mentees, are counted together in
// one row or column, and cells are hidden as suppress says.
type Matrix struct {
	Mentors []string `json:"mentors"`
	Mentees []string `json:"mentees"`
	// Pairs[i][j] is the number of pairs of a mentor of Mentors[i] and a mentee of Mentees[j]; nil
	// when hidden.
	Pairs [][]*int `json:"pairs"`
}

// Diversity is one diversity goal and how far the pairs meet it.
type Diversity struct {
	Attribute string `json:"attribute"`
	Prefer    string `json:"prefer"`
	Weight    int    `json:"weight"`
	// Met and NotMet count the pairs whose two people both gave the attribute, by whether the goal is
	// met; Unknown counts the pairs where one or both did not. Hidden (nil) as suppress says.
	Met     *int `json:"met"`
	NotMet  *int `json:"notMet"`
	Unknown *int `json:"unknown"`
	// Participants spread the participants by the attribute's value; NotGiven for those without it.
	Participants Breakdown `json:"participants"`
}

// NotGiven is the value of an attribute a participant did not give.
const NotGiven = "not given"

// Pairings are the programme's Pairings as the operator reports them.
type Pairings struct {
	// Stages counts the Pairings by stage (see PairingStage), most frequent first.
	Stages []Group `json:"stages"`
	// Current is the number of Pairings that have not ended; WithMeeting of them have their meeting
	// series booked.
	Current     int `json:"current"`
	WithMeeting int `json:"withMeeting"`
}

// Privacy says what the report hid to protect small groups.
type Privacy struct {
	MinGroup int `json:"minGroup"`
	// Hidden says, one sentence per section, what was hidden; empty when nothing was.
	Hidden []string `json:"hidden"`
}

// pair is one pair of the matching pass.
type pair struct {
	mentor, mentee string
}

// builder holds what the sections of one report share.
type builder struct {
	in     Input
	plan   *planner.Result
	people map[string]*mentoringv1alpha1.Participant
	pairs  []pair
	report *Report
}

// Build runs the programme's matching pass at in.At, as the operator would, and computes the report.
func Build(in Input) (*Report, error) {
	plan, err := planner.Plan(in.Programme, in.Participants, in.Pairings, in.At)
	if err != nil {
		return nil, err
	}
	timeline, err := planner.TimelineOf(in.Programme)
	if err != nil {
		return nil, err
	}
	b := &builder{in: in, plan: plan, people: map[string]*mentoringv1alpha1.Participant{}}
	for i := range in.Participants {
		if p := &in.Participants[i]; p.DeletionTimestamp.IsZero() {
			b.people[p.Name] = p
		}
	}
	for _, p := range plan.Match.Pairs {
		if b.people[p.Mentor] != nil && b.people[p.Mentee] != nil {
			b.pairs = append(b.pairs, pair{mentor: p.Mentor, mentee: p.Mentee})
		}
	}
	programme := in.Programme
	b.report = &Report{
		Programme: programme.Name, Namespace: programme.Namespace, Purpose: programme.Spec.Purpose, Source: in.Source,
		At: in.At.In(timeline.Location), Stage: ProgrammeStage(programme, timeline, in.At), Schedule: programme.Spec.Schedule,
		Privacy: Privacy{MinGroup: MinGroup, Hidden: []string{}},
	}
	b.headline()
	b.unmatched()
	b.topics()
	b.seniorityGaps()
	b.departments()
	b.timeZones()
	b.diversity()
	b.pairings()
	return b.report, nil
}

func (b *builder) hid(format string, args ...any) {
	b.report.Privacy.Hidden = append(b.report.Privacy.Hidden, fmt.Sprintf(format, args...))
}

func (b *builder) headline() {
	s := b.plan.Match.Summary
	crossing := 0
	for _, p := range b.pairs {
		if b.people[p.mentor].Spec.Department != b.people[p.mentee].Spec.Department {
			crossing++
		}
	}
	b.report.Headline = Headline{
		Participants: s.Participants, Mentors: s.Mentors, Mentees: s.Mentees, Pairs: len(b.plan.Match.Pairs),
		EligibleMentees: s.EligibleMentees, MatchedMentees: s.MatchedMentees, MatchRatePercent: s.MatchRatePercent,
		AverageScore: s.AverageScore, TopicCoveragePercent: s.TopicCoveragePercent,
		CrossDepartmentPercent: percent(crossing, len(b.pairs)),
	}
}

func (b *builder) unmatched() {
	byRole := map[matching.Role]map[string]int{matching.Mentee: {}, matching.Mentor: {}}
	for _, u := range b.plan.Unmatched {
		byRole[u.Role][u.Reason.Reason]++
	}
	b.report.Unmatched = Unmatched{Mentees: mostFirst(byRole[matching.Mentee]), Mentors: mostFirst(byRole[matching.Mentor])}
}

func (b *builder) topics() {
	seeking, offering, paired := map[string]int{}, map[string]int{}, map[string]int{}
	for _, p := range b.people {
		for _, g := range p.Spec.Goals {
			seeking[string(g.Topic)]++
		}
		for _, e := range p.Spec.Expertise {
			offering[string(e.Topic)]++
		}
	}
	for _, p := range b.plan.Match.Pairs {
		for _, t := range p.Topics {
			paired[t]++
		}
	}
	hidden := 0
	figure := func(n int) *int {
		f := shown(n, n)
		if f == nil {
			hidden++
		}
		return f
	}
	b.report.Topics = []Topic{}
	for _, t := range b.in.Programme.Spec.Topics {
		name := string(t)
		b.report.Topics = append(b.report.Topics, Topic{Topic: name,
			Seeking: figure(seeking[name]), Offering: figure(offering[name]), Paired: figure(paired[name])})
	}
	if hidden > 0 {
		b.hid("Topics: %s of 1 to %d people %s hidden.", plural(hidden, "figure"), MinGroup-1, isAre(hidden))
	}
}

func (b *builder) seniorityGaps() {
	byGap := map[int][]pair{}
	for _, p := range b.pairs {
		gap := b.people[p.mentee].Spec.Seniority - b.people[p.mentor].Spec.Seniority
		if b.in.Programme.Spec.Direction == mentoringv1alpha1.DirectionTraditional {
			gap = -gap
		}
		byGap[int(gap)] = append(byGap[int(gap)], p)
	}
	b.report.SeniorityGaps = ranges(byGap)
	if b.report.SeniorityGaps == nil {
		b.report.SeniorityGaps = []Range{}
	}
	switch {
	case len(b.pairs) > 0 && len(b.report.SeniorityGaps) == 0:
		b.hid("Seniority gaps: the pairs hold fewer than %d people, so their gaps are hidden.", MinGroup)
	case slices.ContainsFunc(b.report.SeniorityGaps, func(r Range) bool { return r.From != r.To }):
		b.hid("Seniority gaps: gaps shared by fewer than %d people are shown in ranges with their neighbours.", MinGroup)
	}
}

// departmentOf is the department a participant is counted in.
func departmentOf(p *mentoringv1alpha1.Participant) string {
	if p.Spec.Department == "" {
		return "No department"
	}
	return p.Spec.Department
}

func (b *builder) departments() {
	mentorDepartments, menteeDepartments := map[string]int{}, map[string]int{}
	seen := map[string]bool{}
	for _, p := range b.pairs {
		if !seen[p.mentor] {
			mentorDepartments[departmentOf(b.people[p.mentor])]++
		}
		if !seen[p.mentee] {
			menteeDepartments[departmentOf(b.people[p.mentee])]++
		}
		seen[p.mentor], seen[p.mentee] = true, true
	}
	rows, rowOf := axis(breakdown(mentorDepartments, nil))
	cols, colOf := axis(breakdown(menteeDepartments, nil))
	byCell := make([][]pair, len(rows)*len(cols))
	for _, p := range b.pairs {
		i := rowOf(departmentOf(b.people[p.mentor]))*len(cols) + colOf(departmentOf(b.people[p.mentee]))
		byCell[i] = append(byCell[i], p)
	}
	cells := make([]cell, len(byCell))
	for i, pairs := range byCell {
		cells[i] = cell{people: peopleIn(pairs), figure: len(pairs)}
	}
	hidden := suppress(cells)
	m := Matrix{Mentors: rows, Mentees: cols, Pairs: make([][]*int, len(rows))}
	hiddenCells := 0
	for i := range rows {
		m.Pairs[i] = make([]*int, len(cols))
		for j := range cols {
			if c := cells[i*len(cols)+j]; !hidden[i*len(cols)+j] {
				m.Pairs[i][j] = &c.figure
			} else {
				hiddenCells++
			}
		}
	}
	b.report.Departments = m
	merged := len(rows) < len(mentorDepartments) || len(cols) < len(menteeDepartments)
	switch {
	case merged && hiddenCells > 0:
		b.hid("Department crossings: departments with fewer than %d paired mentors or mentees are shown together as Other, and %s of fewer than %d people (or needed to protect one) %s hidden.",
			MinGroup, plural(hiddenCells, "cell"), MinGroup, isAre(hiddenCells))
	case merged:
		b.hid("Department crossings: departments with fewer than %d paired mentors or mentees are shown together as Other.", MinGroup)
	case hiddenCells > 0:
		b.hid("Department crossings: %s of fewer than %d people (or needed to protect one) %s hidden.", plural(hiddenCells, "cell"), MinGroup, isAre(hiddenCells))
	}
}

// OtherDepartments labels the row or column of the departments counted together.
const OtherDepartments = "Other"

// axis lists a breakdown's groups, then Other when it has one, and finds the position of a name.
func axis(b Breakdown) ([]string, func(string) int) {
	var names []string
	index := map[string]int{}
	for _, g := range b.Groups {
		index[g.Name] = len(names)
		names = append(names, g.Name)
	}
	other := len(names)
	if b.Other != nil {
		names = append(names, OtherDepartments)
	}
	return names, func(name string) int {
		if i, ok := index[name]; ok {
			return i
		}
		return other
	}
}

func (b *builder) timeZones() {
	byZone := map[string]int{}
	for _, p := range b.people {
		byZone[string(p.Spec.Timezone)]++
	}
	offsets := map[string]int{}
	for name := range byZone {
		if zone, err := zones.Load(name); err == nil {
			_, offsets[name] = b.in.At.In(zone).Zone()
		}
	}
	b.report.TimeZones = breakdown(byZone, func(x, y Group) int {
		return cmp.Or(cmp.Compare(offsets[x.Name], offsets[y.Name]), cmp.Compare(x.Name, y.Name))
	})
	if o := b.report.TimeZones.Other; o != nil {
		b.hid("Time zones: %s with fewer than %d participants (or needed to protect one) %s shown together as Other%s.",
			plural(o.Groups, "zone"), MinGroup, isAre(o.Groups), hiddenTotal(o))
	}
}

func (b *builder) diversity() {
	b.report.Diversity = []Diversity{}
	for _, goal := range b.in.Programme.Spec.Matching.Diversity {
		valueOf := func(name string) string {
			for _, a := range b.people[name].Spec.Attributes {
				if a.Name == goal.Attribute {
					return a.Value
				}
			}
			return ""
		}
		var met, notMet, unknown []pair
		for _, p := range b.pairs {
			mentor, mentee := valueOf(p.mentor), valueOf(p.mentee)
			switch {
			case mentor == "" || mentee == "":
				unknown = append(unknown, p)
			case (mentor == mentee) == (goal.Prefer == mentoringv1alpha1.PreferSame):
				met = append(met, p)
			default:
				notMet = append(notMet, p)
			}
		}
		groups := [][]pair{met, notMet, unknown}
		cells := make([]cell, len(groups))
		for i, g := range groups {
			cells[i] = cell{people: peopleIn(g), figure: len(g)}
		}
		hidden := suppress(cells)
		figures := make([]*int, len(groups))
		for i := range groups {
			if !hidden[i] {
				figures[i] = &cells[i].figure
			}
		}
		byValue := map[string]int{}
		for name := range b.people {
			value := valueOf(name)
			if value == "" {
				value = NotGiven
			}
			byValue[value]++
		}
		d := Diversity{Attribute: goal.Attribute, Prefer: string(goal.Prefer), Weight: int(goal.Weight),
			Met: figures[0], NotMet: figures[1], Unknown: figures[2], Participants: breakdown(byValue, nil)}
		b.report.Diversity = append(b.report.Diversity, d)
		if slices.Contains(hidden, true) {
			b.hid("Diversity (%s): pair counts of fewer than %d people (or needed to protect one) are hidden.", goal.Attribute, MinGroup)
		}
		if o := d.Participants.Other; o != nil {
			b.hid("Diversity (%s): %s with fewer than %d participants (or needed to protect one) %s shown together as Other%s.",
				goal.Attribute, plural(o.Groups, "value"), MinGroup, isAre(o.Groups), hiddenTotal(o))
		}
	}
}

func (b *builder) pairings() {
	stages := map[string]int{}
	p := &Pairings{}
	reported := false
	for i := range b.in.Pairings {
		pairing := &b.in.Pairings[i]
		stage := PairingStage(pairing)
		stages[stage]++
		reported = reported || stage != UnknownStage
		if pairing.Status.Ended == nil {
			p.Current++
			if pairing.Status.Meeting != nil {
				p.WithMeeting++
			}
		}
	}
	if reported {
		p.Stages = mostFirst(stages)
		b.report.Pairings = p
	}
}

// mostFirst lists counts by name, largest first, then by name.
func mostFirst(counts map[string]int) []Group {
	groups := []Group{}
	for _, name := range sortedKeys(counts) {
		groups = append(groups, Group{Name: name, Count: counts[name]})
	}
	slices.SortStableFunc(groups, func(a, b Group) int { return cmp.Compare(b.Count, a.Count) })
	return groups
}

// percent is part of whole in percent, rounded half up; zero when whole is zero.
func percent(part, whole int) int {
	if whole == 0 {
		return 0
	}
	return (200*part + whole) / (2 * whole)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// hiddenTotal adds that Other's own size is hidden when it is.
func hiddenTotal(o *Other) string {
	if o.Count == nil {
		return fmt.Sprintf(", whose number is hidden too: all of them together are fewer than %d", MinGroup)
	}
	return ""
}
