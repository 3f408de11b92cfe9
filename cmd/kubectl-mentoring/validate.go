package main

import (
	"fmt"
	"regexp"
	"time"

	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/zones"
)

// The checks here are the CRDs' rules a plan depends on: required fields, enum values, ranges, and the
// formats of names, topics, clock times, dates and time zones. The API server checks the rest when the
// manifests are applied. Personal data (emails, display names) never appears in a message.

var (
	topicFormat = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	zoneFormat  = regexp.MustCompile(`^(UTC|[A-Z][A-Za-z]+(/[A-Za-z0-9][-+_A-Za-z0-9]*){1,2})$`)
	startFormat = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	endFormat   = regexp.MustCompile(`^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$`)
	emailFormat = regexp.MustCompile(`^[^@[:space:][:cntrl:]]+@[^@[:space:][:cntrl:]]+[.][^@[:space:][:cntrl:]]+$`)
)

var (
	specPath = field.NewPath("spec")
	weekdays = []mentoringv1alpha1.Weekday{mentoringv1alpha1.Monday, mentoringv1alpha1.Tuesday, mentoringv1alpha1.Wednesday,
		mentoringv1alpha1.Thursday, mentoringv1alpha1.Friday, mentoringv1alpha1.Saturday, mentoringv1alpha1.Sunday}
)

// maxProgramme is the longest programme the API accepts.
const maxProgramme = 43848 * time.Hour

func validateProgramme(p *mentoringv1alpha1.Programme) field.ErrorList {
	s := p.Spec
	errs := checkName(p.Name, 63)
	errs = append(errs, required(specPath.Child("purpose"), s.Purpose != "")...)
	errs = append(errs, checkTopics(specPath.Child("topics"), s.Topics)...)
	errs = append(errs, oneOf(specPath.Child("direction"), s.Direction, mentoringv1alpha1.DirectionReverse, mentoringv1alpha1.DirectionTraditional)...)

	schedule := specPath.Child("schedule")
	errs = append(errs, checkDate(schedule.Child("start"), s.Schedule.Start, true)...)
	errs = append(errs, checkDate(schedule.Child("end"), s.Schedule.End, true)...)
	errs = append(errs, checkDate(schedule.Child("enrolmentDeadline"), s.Schedule.EnrolmentDeadline, false)...)
	if s.Schedule.Start != "" && s.Schedule.End != "" && s.Schedule.End <= s.Schedule.Start {
		errs = append(errs, field.Invalid(schedule.Child("end"), s.Schedule.End, "must be after schedule.start"))
	}
	if s.Schedule.Start < "2000-01-01" || s.Schedule.End > "2099-12-31" {
		errs = append(errs, field.Invalid(schedule, field.OmitValueType{}, "schedule dates must lie between 2000-01-01 and 2099-12-31"))
	}
	if start, err := time.Parse(time.DateOnly, string(s.Schedule.Start)); err == nil {
		if end, err := time.Parse(time.DateOnly, string(s.Schedule.End)); err == nil && end.Sub(start) > maxProgramme {
			errs = append(errs, field.Invalid(schedule.Child("end"), s.Schedule.End, "a programme runs for at most five years: split a longer one into cohorts"))
		}
	}
	if s.Schedule.EnrolmentDeadline != "" && s.Schedule.End != "" && s.Schedule.EnrolmentDeadline > s.Schedule.End {
		errs = append(errs, field.Invalid(schedule.Child("enrolmentDeadline"), s.Schedule.EnrolmentDeadline, "must be on or before schedule.end"))
	}
	if s.Schedule.TimeZone != "" {
		errs = append(errs, checkZone(schedule.Child("timeZone"), s.Schedule.TimeZone)...)
	}

	meetings := specPath.Child("meetings")
	errs = append(errs, oneOf(meetings.Child("cadence"), s.Meetings.Cadence, mentoringv1alpha1.CadenceWeekly, mentoringv1alpha1.CadenceBiweekly, mentoringv1alpha1.CadenceMonthly)...)
	if d := s.Meetings.DurationMinutes; d != 0 && (d < 15 || d > 240 || d%5 != 0) {
		errs = append(errs, field.Invalid(meetings.Child("durationMinutes"), d, "must be from 15 to 240 minutes, in steps of 5"))
	}

	m, matching := s.Matching, specPath.Child("matching")
	errs = append(errs, oneOf(matching.Child("objective"), m.Objective, mentoringv1alpha1.MaxParticipation, mentoringv1alpha1.MaxScore)...)
	errs = append(errs, oneOf(matching.Child("approval"), m.Approval, mentoringv1alpha1.ApprovalAutomatic, mentoringv1alpha1.ApprovalManual)...)
	if m.MaxMenteesPerMentor != 0 {
		errs = append(errs, between(matching.Child("maxMenteesPerMentor"), m.MaxMenteesPerMentor, 1, 10)...)
	}
	if m.MinSeniorityGap != nil {
		errs = append(errs, between(matching.Child("minSeniorityGap"), *m.MinSeniorityGap, 0, 19)...)
	}
	weights := matching.Child("weights")
	for _, w := range []struct {
		name  string
		value *int32
	}{{"topicFit", m.Weights.TopicFit}, {"availability", m.Weights.Availability},
		{"crossDepartment", m.Weights.CrossDepartment}, {"seniorityGap", m.Weights.SeniorityGap}} {
		if w.value != nil {
			errs = append(errs, between(weights.Child(w.name), *w.value, 0, 100)...)
		}
	}
	if w := planner.Policy(p, planner.Timeline{}).Weights; w.TopicFit+w.Availability+w.CrossDepartment+w.SeniorityGap <= 0 {
		errs = append(errs, field.Invalid(weights, "", "at least one matching weight must be above zero"))
	}
	for i, d := range m.Diversity {
		path := matching.Child("diversity").Index(i)
		errs = append(errs, checkFormat(path.Child("attribute"), d.Attribute, topicFormat, "lower case letters, digits and dashes")...)
		errs = append(errs, required(path.Child("prefer"), d.Prefer != "")...)
		errs = append(errs, oneOf(path.Child("prefer"), d.Prefer, mentoringv1alpha1.PreferDifferent, mentoringv1alpha1.PreferSame)...)
		errs = append(errs, between(path.Child("weight"), d.Weight, 1, 100)...)
	}
	return errs
}

func validateParticipant(p *mentoringv1alpha1.Participant) field.ErrorList {
	s := p.Spec
	errs := checkName(p.Name, 63)
	errs = append(errs, required(specPath.Child("programmeRef", "name"), s.ProgrammeRef.Name != "")...)
	errs = append(errs, required(specPath.Child("role"), s.Role != "")...)
	errs = append(errs, oneOf(specPath.Child("role"), s.Role, mentoringv1alpha1.RoleMentor, mentoringv1alpha1.RoleMentee)...)
	errs = append(errs, required(specPath.Child("displayName"), s.DisplayName != "")...)
	if s.Email == "" {
		errs = append(errs, field.Required(specPath.Child("email"), ""))
	} else if !emailFormat.MatchString(string(s.Email)) {
		errs = append(errs, field.Invalid(specPath.Child("email"), field.OmitValueType{}, "must be an email address such as ada@example.org"))
	}
	if s.Seniority == 0 {
		errs = append(errs, field.Required(specPath.Child("seniority"), "a level from 1 to 20"))
	} else {
		errs = append(errs, between(specPath.Child("seniority"), s.Seniority, 1, 20)...)
	}
	if s.Timezone == "" {
		errs = append(errs, field.Required(specPath.Child("timezone"), "an IANA time zone such as Europe/London"))
	} else {
		errs = append(errs, checkZone(specPath.Child("timezone"), s.Timezone)...)
	}
	for i, w := range s.Availability {
		path := specPath.Child("availability").Index(i)
		errs = append(errs, required(path.Child("days"), len(w.Days) > 0)...)
		for j, d := range w.Days {
			errs = append(errs, oneOf(path.Child("days").Index(j), d, weekdays...)...)
		}
		errs = append(errs, checkFormat(path.Child("start"), w.Start, startFormat, "a time HH:MM between 00:00 and 23:59")...)
		errs = append(errs, checkFormat(path.Child("end"), w.End, endFormat, "a time HH:MM between 00:01 and 24:00")...)
		if startFormat.MatchString(w.Start) && endFormat.MatchString(w.End) && w.End <= w.Start {
			errs = append(errs, field.Invalid(path.Child("end"), w.End, "an availability window must end after it starts"))
		}
	}
	for i, e := range s.Expertise {
		path := specPath.Child("expertise").Index(i)
		errs = append(errs, checkTopic(path.Child("topic"), e.Topic)...)
		errs = append(errs, between(path.Child("level"), e.Level, 1, 5)...)
	}
	for i, g := range s.Goals {
		path := specPath.Child("goals").Index(i)
		errs = append(errs, checkTopic(path.Child("topic"), g.Topic)...)
		errs = append(errs, between(path.Child("priority"), g.Priority, 1, 5)...)
	}
	if s.Capacity != nil {
		if s.Role != mentoringv1alpha1.RoleMentor {
			errs = append(errs, field.Forbidden(specPath.Child("capacity"), "capacity applies to mentors only"))
		}
		errs = append(errs, between(specPath.Child("capacity"), *s.Capacity, 1, 10)...)
	}
	for i, a := range s.Attributes {
		path := specPath.Child("attributes").Index(i)
		errs = append(errs, checkFormat(path.Child("name"), a.Name, topicFormat, "lower case letters, digits and dashes")...)
		errs = append(errs, required(path.Child("value"), a.Value != "")...)
	}
	return errs
}

func validatePairing(p *mentoringv1alpha1.Pairing) field.ErrorList {
	s := p.Spec
	errs := checkName(p.Name, validation.DNS1123SubdomainMaxLength)
	errs = append(errs, required(specPath.Child("programmeRef", "name"), s.ProgrammeRef.Name != "")...)
	errs = append(errs, required(specPath.Child("mentorRef", "name"), s.MentorRef.Name != "")...)
	errs = append(errs, required(specPath.Child("menteeRef", "name"), s.MenteeRef.Name != "")...)
	if s.MentorRef.Name != "" && s.MentorRef.Name == s.MenteeRef.Name {
		errs = append(errs, field.Invalid(specPath.Child("menteeRef", "name"), s.MenteeRef.Name, "mentorRef and menteeRef must name different participants"))
	}
	for i, t := range s.Topics {
		errs = append(errs, checkTopic(specPath.Child("topics").Index(i), t)...)
	}
	return errs
}

// checkName checks metadata.name: a DNS subdomain of at most maxLength characters (programmes and
// participants have at most 63, because pairings carry their names in labels).
func checkName(name string, maxLength int) field.ErrorList {
	path := field.NewPath("metadata", "name")
	if name == "" {
		return field.ErrorList{field.Required(path, "")}
	}
	var errs field.ErrorList
	if len(name) > maxLength {
		errs = append(errs, field.TooLong(path, name, maxLength))
	}
	for _, msg := range validation.IsDNS1123Subdomain(name) {
		errs = append(errs, field.Invalid(path, name, msg))
	}
	return errs
}

func checkTopics(path *field.Path, topics []mentoringv1alpha1.Topic) field.ErrorList {
	if len(topics) == 0 {
		return field.ErrorList{field.Required(path, "a programme covers at least one topic")}
	}
	var errs field.ErrorList
	if len(topics) > 32 {
		errs = append(errs, field.TooMany(path, len(topics), 32))
	}
	seen := sets.New[mentoringv1alpha1.Topic]()
	for i, t := range topics {
		errs = append(errs, checkTopic(path.Index(i), t)...)
		if seen.Has(t) {
			errs = append(errs, field.Duplicate(path.Index(i), t))
		}
		seen.Insert(t)
	}
	return errs
}

func checkTopic(path *field.Path, t mentoringv1alpha1.Topic) field.ErrorList {
	if len(t) > 63 {
		return field.ErrorList{field.TooLong(path, t, 63)}
	}
	return checkFormat(path, string(t), topicFormat, "lower case letters, digits and dashes, such as ai or social-media")
}

func checkZone(path *field.Path, zone mentoringv1alpha1.TimeZone) field.ErrorList {
	if !zoneFormat.MatchString(string(zone)) {
		return field.ErrorList{field.Invalid(path, zone, "must be an IANA time zone name such as Europe/London, America/New_York or UTC")}
	}
	if _, err := zones.Load(string(zone)); err != nil {
		return field.ErrorList{field.Invalid(path, zone, "is not a known IANA time zone")}
	}
	return nil
}

func checkDate(path *field.Path, d mentoringv1alpha1.Date, isRequired bool) field.ErrorList {
	if d == "" {
		if isRequired {
			return field.ErrorList{field.Required(path, "a date YYYY-MM-DD")}
		}
		return nil
	}
	if _, err := time.Parse(time.DateOnly, string(d)); err != nil {
		return field.ErrorList{field.Invalid(path, d, "must be a date YYYY-MM-DD")}
	}
	return nil
}

func checkFormat(path *field.Path, value string, format *regexp.Regexp, want string) field.ErrorList {
	if value == "" {
		return field.ErrorList{field.Required(path, want)}
	}
	if !format.MatchString(value) {
		return field.ErrorList{field.Invalid(path, value, "must be "+want)}
	}
	return nil
}

func required(path *field.Path, present bool) field.ErrorList {
	if present {
		return nil
	}
	return field.ErrorList{field.Required(path, "")}
}

// oneOf checks an enum; an empty value is left to required.
func oneOf[T ~string](path *field.Path, value T, allowed ...T) field.ErrorList {
	if value == "" {
		return nil
	}
	for _, a := range allowed {
		if value == a {
			return nil
		}
	}
	return field.ErrorList{field.NotSupported(path, value, allowed)}
}

func between(path *field.Path, value, lowest, highest int32) field.ErrorList {
	if value < lowest || value > highest {
		return field.ErrorList{field.Invalid(path, value, fmt.Sprintf("must be from %d to %d", lowest, highest))}
	}
	return nil
}
