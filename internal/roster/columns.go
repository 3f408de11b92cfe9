package roster

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Field is what a column holds.
type Field string

// The fields a roster's columns map to.
const (
	EmployeeID   Field = "employeeId"
	Email        Field = "email"
	DisplayName  Field = "displayName"
	FirstName    Field = "firstName"
	LastName     Field = "lastName"
	Role         Field = "role"
	Seniority    Field = "seniority"
	Department   Field = "department"
	ManagerEmail Field = "managerEmail"
	TimeZone     Field = "timezone"
	Topics       Field = "topics"
	Availability Field = "availability"
	Capacity     Field = "capacity"
)

// Fields lists every field, in the order of a manifest.
var Fields = []Field{EmployeeID, Email, DisplayName, FirstName, LastName, Role, Seniority, Department, ManagerEmail,
	TimeZone, Topics, Availability, Capacity}

// headers are the header names people use for each field, as headerKey writes them.
var headers = map[Field][]string{
	EmployeeID:   {"employee id", "employee number", "employee no", "staff id", "staff number", "personnel number", "worker id", "id"},
	Email:        {"email", "e mail", "email address", "work email", "work email address", "business email"},
	DisplayName:  {"name", "full name", "display name", "preferred name", "employee name", "participant"},
	FirstName:    {"first name", "given name", "forename"},
	LastName:     {"last name", "surname", "family name"},
	Role:         {"mentor or mentee", "mentor mentee", "role", "programme role", "program role", "participant type", "type"},
	Seniority:    {"seniority", "seniority level", "grade", "level", "band", "job level", "career level"},
	Department:   {"department", "dept", "business unit", "function", "division", "team"},
	ManagerEmail: {"manager email", "manager s email", "managers email", "line manager email", "manager e mail", "reports to", "manager"},
	TimeZone:     {"time zone", "timezone", "tz", "time zone iana", "iana time zone"},
	Topics:       {"topics", "topic", "expertise or goals", "expertise goals", "expertise", "goals", "interests", "skills"},
	Availability: {"availability", "available", "availability local time", "meeting times", "working hours", "office hours"},
	Capacity:     {"capacity", "max mentees", "maximum mentees", "mentees"},
}

// headerKey is a header as the table of names writes it: lower case, words of letters and digits
// separated by single spaces, so "E-mail ", "E mail" and "e_mail" are all "e mail".
func headerKey(header string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(header), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// columns finds each field's column in the header: the column named by overrides (field → header), or
// the first whose header is one of the names people use. Attributes map an attribute's name to its
// column's header. A header named in overrides or attributes that the sheet lacks is an error.
type columns struct {
	index      map[Field]int
	attributes map[string]int
	header     Row
}

func findColumns(header Row, overrides map[Field]string, attributes map[string]string) (columns, []Problem) {
	c := columns{index: map[Field]int{}, attributes: map[string]int{}, header: header}
	position := map[string]int{}
	for i, h := range header.Cells {
		if _, taken := position[headerKey(h)]; !taken && h != "" {
			position[headerKey(h)] = i
		}
	}
	var problems []Problem
	missing := func(field, h string) {
		problems = append(problems, Problem{Row: header.Number, Column: h,
			Message: fmt.Sprintf("no such column for %s; the header has %s", field, strings.Join(nonEmpty(header.Cells), ", "))})
	}
	for _, field := range Fields {
		if h, ok := overrides[field]; ok {
			if i, found := position[headerKey(h)]; found {
				c.index[field] = i
			} else {
				missing(string(field), h)
			}
			continue
		}
		for _, name := range headers[field] {
			if i, found := position[name]; found && !slices.Contains(c.used(), i) {
				c.index[field] = i
				break
			}
		}
	}
	for name, h := range attributes {
		if i, found := position[headerKey(h)]; found {
			c.attributes[name] = i
		} else {
			missing("attribute "+name, h)
		}
	}
	return c, problems
}

// used lists the columns taken so far.
func (c columns) used() []int {
	var out []int
	for _, i := range c.index {
		out = append(out, i)
	}
	return out
}

// get is a row's value of a field; "" when the sheet has no such column.
func (c columns) get(r Row, f Field) string {
	i, ok := c.index[f]
	if !ok {
		return ""
	}
	return r.cell(i)
}

// has reports whether the sheet has a column for the field.
func (c columns) has(f Field) bool {
	_, ok := c.index[f]
	return ok
}

// name is the header of a field's column, as the sheet writes it, for messages.
func (c columns) name(f Field) string {
	if i, ok := c.index[f]; ok {
		return c.header.cell(i)
	}
	return string(f)
}

func nonEmpty(cells []string) []string {
	return slices.DeleteFunc(slices.Clone(cells), func(s string) bool { return s == "" })
}
