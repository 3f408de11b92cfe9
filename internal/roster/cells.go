package roster

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/crdvalidation"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/zones"
)

// Each parser reads one cell; its error is the message of a problem at that row and column, written so
// that the person who fixes the sheet knows what to write. Messages quote a cell only when it holds no
// personal data.

func parseRole(cell string) (mentoringv1alpha1.Role, error) {
	switch lower := strings.ToLower(cell); {
	case strings.Contains(lower, "mentee"):
		return mentoringv1alpha1.RoleMentee, nil
	case strings.Contains(lower, "mentor"):
		return mentoringv1alpha1.RoleMentor, nil
	case cell == "":
		return "", fmt.Errorf("empty: write Mentor or Mentee")
	}
	return "", fmt.Errorf("'%s' is neither Mentor nor Mentee", cell)
}

func parseSeniority(cell string) (int32, error) {
	n, err := strconv.Atoi(cell)
	switch {
	case cell == "":
		return 0, fmt.Errorf("empty: write a level from 1 (most junior) to 20 (most senior)")
	case err != nil:
		return 0, fmt.Errorf("'%s' is not a number: write a level from 1 (most junior) to 20 (most senior)", cell)
	case n < 1 || n > 20:
		return 0, fmt.Errorf("%d is outside 1 to 20", n)
	}
	return int32(n), nil
}

func parseCapacity(cell string) (*int32, error) {
	if cell == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(cell)
	if err != nil || n < 1 || n > 10 {
		return nil, fmt.Errorf("'%s' is not a number of mentees from 1 to 10", cell)
	}
	c := int32(n)
	return &c, nil
}

// parseZone reads an IANA time zone, suggesting the zones meant by an abbreviation, a city or a typo.
func parseZone(cell string) (mentoringv1alpha1.TimeZone, error) {
	if zones.Check(cell) {
		return mentoringv1alpha1.TimeZone(cell), nil
	}
	if cell == "" {
		return "", fmt.Errorf("empty: write an IANA time zone such as Europe/London")
	}
	message := fmt.Sprintf("'%s' is not an IANA zone", cell)
	if suggestions := zones.Suggest(cell); len(suggestions) > 0 {
		return "", fmt.Errorf("%s, did you mean %s?", message, strings.Join(suggestions, " or "))
	}
	return "", fmt.Errorf("%s: write a name such as Europe/London or America/New_York", message)
}

var emailFormat = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// parseEmail reads an email address in lower case; it never quotes it back.
func parseEmail(cell string) (string, error) {
	switch {
	case cell == "":
		return "", fmt.Errorf("empty")
	case !emailFormat.MatchString(cell):
		return "", fmt.Errorf("not an email address such as ada@example.org")
	}
	return strings.ToLower(cell), nil
}

// topicLevel matches "AI", "Social media: 4" and "data literacy (5)".
var topicLevel = regexp.MustCompile(`^(.*?)\s*(?:[:=]\s*([0-9]+)|\(\s*([0-9]+)\s*\))?$`)

// defaultLevel is the expertise level or goal priority of a topic written without one.
const defaultLevel = 3

type topic struct {
	name  mentoringv1alpha1.Topic
	level int32
}

// parseTopics reads a list such as "AI: 5, Social media: 4" into topics in the API's form
// (social-media), each with a level from 1 to 5. With the programme's topics known, each must be one.
func parseTopics(cell string, known []string) ([]topic, error) {
	var out []topic
	for _, part := range strings.FieldsFunc(cell, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '|' }) {
		m := topicLevel.FindStringSubmatch(strings.TrimSpace(part))
		name := mentoringv1alpha1.Topic(slug(m[1]))
		if name == "" {
			continue
		}
		level := int32(defaultLevel)
		if digits := m[2] + m[3]; digits != "" {
			n, _ := strconv.Atoi(digits)
			if n < 1 || n > 5 {
				return nil, fmt.Errorf("'%s': a level is from 1 to 5", strings.TrimSpace(part))
			}
			level = int32(n)
		}
		if len(known) > 0 && !slices.Contains(known, string(name)) {
			message := fmt.Sprintf("'%s' is not a topic of the programme (%s)", name, strings.Join(known, ", "))
			if close := crdvalidation.Closest(string(name), known); close != "" {
				message += ", did you mean " + close + "?"
			}
			return nil, fmt.Errorf("%s", message)
		}
		if slices.ContainsFunc(out, func(t topic) bool { return t.name == name }) {
			continue
		}
		out = append(out, topic{name: name, level: level})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty: write the topics, such as \"AI: 5, Social media: 4\"")
	}
	return out, nil
}

var weekdays = []mentoringv1alpha1.Weekday{mentoringv1alpha1.Monday, mentoringv1alpha1.Tuesday, mentoringv1alpha1.Wednesday,
	mentoringv1alpha1.Thursday, mentoringv1alpha1.Friday, mentoringv1alpha1.Saturday, mentoringv1alpha1.Sunday}

// window matches "Mon-Thu 9:00-17:30" and "Monday, Wednesday 09:00 - 12:00".
var windowFormat = regexp.MustCompile(`^(.+?)\s+([0-9]{1,2}(?::[0-9]{2})?)\s*(?:-|–|to)\s*([0-9]{1,2}(?::[0-9]{2})?)$`)

// parseAvailability reads weekly windows in the person's own time zone, such as
// "Mon-Thu 09:00-17:30; Fri 09:00-13:00".
func parseAvailability(cell string) ([]mentoringv1alpha1.AvailabilityWindow, error) {
	const example = `write windows such as "Mon-Thu 09:00-17:30; Fri 09:00-13:00"`
	var out []mentoringv1alpha1.AvailabilityWindow
	for _, part := range strings.FieldsFunc(cell, func(r rune) bool { return r == ';' || r == '\n' }) {
		m := windowFormat.FindStringSubmatch(strings.TrimSpace(part))
		if m == nil {
			return nil, fmt.Errorf("'%s' is not a window: %s", strings.TrimSpace(part), example)
		}
		days, err := parseDays(m[1])
		if err != nil {
			return nil, err
		}
		start, errStart := clock(m[2])
		end, errEnd := clock(m[3])
		if errStart != nil || errEnd != nil || end <= start {
			return nil, fmt.Errorf("'%s' is not a time range from 00:00 to 24:00 that ends after it starts", strings.TrimSpace(part))
		}
		out = append(out, mentoringv1alpha1.AvailabilityWindow{Days: days, Start: start, End: end})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty: %s", example)
	}
	return out, nil
}

// parseDays reads "Mon-Thu", "Monday, Wednesday" or "Tue".
func parseDays(text string) ([]mentoringv1alpha1.Weekday, error) {
	var days []mentoringv1alpha1.Weekday
	for _, part := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == '/' || r == '&' || r == ' ' }) {
		from, to, isRange := strings.Cut(part, "-")
		first, err := weekday(from)
		if err != nil {
			return nil, err
		}
		last := first
		if isRange {
			if last, err = weekday(to); err != nil {
				return nil, err
			}
		}
		for d := first; ; d = (d + 1) % 7 {
			if !slices.Contains(days, weekdays[d]) {
				days = append(days, weekdays[d])
			}
			if d == last {
				break
			}
		}
	}
	slices.SortFunc(days, func(a, b mentoringv1alpha1.Weekday) int {
		return slices.Index(weekdays, a) - slices.Index(weekdays, b)
	})
	return days, nil
}

// weekday is the index in weekdays of a day's name or its first three letters or more.
func weekday(name string) (int, error) {
	lower := strings.ToLower(strings.TrimSpace(name))
	for i, d := range weekdays {
		if len(lower) >= 3 && strings.HasPrefix(strings.ToLower(string(d)), lower) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("'%s' is not a day: write Mon, Tue, ... or Monday, Tuesday, ...", strings.TrimSpace(name))
}

// clock writes "9", "9:00" or "09:00" as "09:00".
func clock(text string) (string, error) {
	hours, minutes, found := strings.Cut(text, ":")
	if !found {
		minutes = "00"
	}
	h, errH := strconv.Atoi(hours)
	m, errM := strconv.Atoi(minutes)
	if errH != nil || errM != nil || h < 0 || m < 0 || m > 59 || h*60+m > 24*60 {
		return "", fmt.Errorf("%q is not a time", text)
	}
	return fmt.Sprintf("%02d:%02d", h, m), nil
}

// slug is text as the API writes topics and attribute values: lower case letters, digits and dashes,
// so "Social media" is social-media.
func slug(cell string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(cell), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}), "-")
}
