package roster

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/crdvalidation"
)

// Options say how to read a roster.
type Options struct {
	// Programme names the Programme the participants join.
	Programme string
	// Topics are the programme's topics, when known: every topic in the sheet must then be one of them.
	Topics []string
	// Columns names a field's column when its header is none of the names people commonly use.
	Columns map[Field]string
	// Attributes maps an attribute's name (for the programme's diversity goals) to its column's header.
	Attributes map[string]string
	// Availability is the weekly availability of the people whose row gives none, such as
	// "Mon-Fri 09:00-17:00"; without it, an availability column is required.
	Availability string
	// Validator, when set, checks each participant against the CRDs; what it finds is reported at the
	// column the field came from.
	Validator *crdvalidation.Validator
}

// Problem is something wrong in the sheet, at a row and, usually, a column.
type Problem struct {
	Row     int
	Column  string
	Message string
}

func (p Problem) Error() string {
	if p.Column == "" {
		return fmt.Sprintf("row %d: %s", p.Row, p.Message)
	}
	return fmt.Sprintf("row %d, %s: %s", p.Row, p.Column, p.Message)
}

// Person is a participant and the row it was read from.
type Person struct {
	Row         int
	Participant mentoringv1alpha1.Participant
}

// Result is what a roster holds: the people read without a problem, in name order, and the problems,
// in row order.
type Result struct {
	People   []Person
	Problems []Problem
}

// maxChain is the longest management chain the API accepts: the nearest managers count.
const maxChain = 20

// Import reads the people of a table.
func Import(t *Table, o Options) Result {
	c, problems := findColumns(t.Header, o.Columns, o.Attributes)
	problems = append(problems, c.missing(t.Header, o)...)
	if len(problems) > 0 {
		return Result{Problems: problems}
	}
	r := &reader{Options: o, columns: c, byEmail: map[string]*row{}, byName: map[string]int{}}
	for _, sheetRow := range t.Rows {
		r.read(sheetRow)
	}
	r.chains()
	var result Result
	for _, p := range r.rows {
		if len(p.problems) == 0 && o.Validator != nil {
			p.problems = r.validate(p)
		}
		if len(p.problems) == 0 {
			result.People = append(result.People, Person{Row: p.number, Participant: p.participant})
		}
		result.Problems = append(result.Problems, p.problems...)
	}
	slices.SortFunc(result.People, func(a, b Person) int { return cmp.Compare(a.Participant.Name, b.Participant.Name) })
	return result
}

// missing reports the columns the sheet needs and lacks.
func (c columns) missing(header Row, o Options) []Problem {
	required := []Field{Email, Role, Seniority, TimeZone, Topics}
	if o.Availability == "" {
		required = append(required, Availability)
	}
	if !c.has(DisplayName) && !(c.has(FirstName) && c.has(LastName)) {
		required = append(required, DisplayName)
	}
	var problems []Problem
	for _, f := range required {
		if !c.has(f) {
			problems = append(problems, Problem{Row: header.Number, Message: fmt.Sprintf(
				"no %s column: name one %q, or say which column it is with --column %s=HEADER", f, headers[f][0], f)})
		}
	}
	return problems
}

// reader reads the rows of one table.
type reader struct {
	Options
	columns
	rows []*row
	// byEmail and byName find the rows read so far.
	byEmail map[string]*row
	byName  map[string]int
}

// row is a person as read from one row, with the problems found in it.
type row struct {
	number      int
	participant mentoringv1alpha1.Participant
	manager     string
	problems    []Problem
}

func (r *reader) problem(p *row, f Field, err error) {
	p.problems = append(p.problems, Problem{Row: p.number, Column: r.name(f), Message: err.Error()})
}

// read reads one row.
func (r *reader) read(sheet Row) {
	p := &row{number: sheet.Number}
	r.rows = append(r.rows, p)
	s := &p.participant.Spec
	s.ProgrammeRef.Name = r.Programme

	email, err := parseEmail(r.get(sheet, Email))
	if err != nil {
		r.problem(p, Email, err)
	} else if first, taken := r.byEmail[email]; taken {
		r.problem(p, Email, fmt.Errorf("the same address as row %d", first.number))
	} else {
		r.byEmail[email] = p
	}
	s.Email = mentoringv1alpha1.Email(email)

	s.EmployeeID = r.get(sheet, EmployeeID)
	p.participant.Name = participantName(s.EmployeeID, email)
	if s.EmployeeID != "" {
		first, taken := r.byName[p.participant.Name]
		switch {
		case len(validation.IsDNS1123Label(p.participant.Name)) > 0:
			r.problem(p, EmployeeID, fmt.Errorf("'%s' does not make a name: an employee id is letters, digits and dashes", s.EmployeeID))
		case taken:
			r.problem(p, EmployeeID, fmt.Errorf("'%s' is also the employee id of row %d", s.EmployeeID, first))
		default:
			r.byName[p.participant.Name] = p.number
		}
	}

	s.DisplayName = r.get(sheet, DisplayName)
	if s.DisplayName == "" {
		s.DisplayName = strings.TrimSpace(r.get(sheet, FirstName) + " " + r.get(sheet, LastName))
	}
	if s.DisplayName == "" {
		r.problem(p, DisplayName, fmt.Errorf("empty"))
	}

	if s.Role, err = parseRole(r.get(sheet, Role)); err != nil {
		r.problem(p, Role, err)
	}
	if s.Seniority, err = parseSeniority(r.get(sheet, Seniority)); err != nil {
		r.problem(p, Seniority, err)
	}
	s.Department = r.get(sheet, Department)
	if s.Timezone, err = parseZone(r.get(sheet, TimeZone)); err != nil {
		r.problem(p, TimeZone, err)
	}
	r.readTopics(p, r.get(sheet, Topics))
	availability := r.get(sheet, Availability)
	if availability == "" {
		availability = r.Availability
	}
	if s.Availability, err = parseAvailability(availability); err != nil {
		r.problem(p, Availability, err)
	}
	if s.Capacity, err = parseCapacity(r.get(sheet, Capacity)); err != nil {
		r.problem(p, Capacity, err)
	} else if s.Capacity != nil && s.Role == mentoringv1alpha1.RoleMentee {
		r.problem(p, Capacity, fmt.Errorf("only mentors take mentees: leave it empty for a mentee"))
	}
	for _, name := range slices.Sorted(maps.Keys(r.columns.attributes)) {
		if value := slug(sheet.cell(r.columns.attributes[name])); value != "" {
			s.Attributes = append(s.Attributes, mentoringv1alpha1.Attribute{Name: name, Value: value})
		}
	}
	if manager := r.get(sheet, ManagerEmail); manager != "" {
		if p.manager, err = parseEmail(manager); err != nil {
			r.problem(p, ManagerEmail, err)
		} else if p.manager == email {
			r.problem(p, ManagerEmail, fmt.Errorf("the person's own address"))
			p.manager = ""
		}
	}
}

// readTopics reads a mentor's expertise or a mentee's goals.
func (r *reader) readTopics(p *row, cell string) {
	topics, err := parseTopics(cell, r.Topics)
	if err != nil {
		r.problem(p, Topics, err)
		return
	}
	s := &p.participant.Spec
	for _, t := range topics {
		if s.Role == mentoringv1alpha1.RoleMentor {
			s.Expertise = append(s.Expertise, mentoringv1alpha1.TopicExpertise{Topic: t.name, Level: t.level})
		} else {
			s.Goals = append(s.Goals, mentoringv1alpha1.TopicGoal{Topic: t.name, Priority: t.level})
		}
	}
}

// chains builds each person's management chain from the managers' emails: their manager, that
// manager's manager and so on, each by employee id when the sheet gives one, else by email, up to
// someone who is not in the sheet. A chain that comes back to a person is reported on every row of the
// loop: any of them may hold the mistake.
func (r *reader) chains() {
	for _, p := range r.rows {
		var chain []string
		visited := []*row{p}
		for manager := p.manager; manager != ""; {
			next, inSheet := r.byEmail[manager]
			if !inSheet {
				chain = append(chain, manager)
				break
			}
			if at := slices.Index(visited, next); at >= 0 {
				if at == 0 {
					loop := make([]string, len(visited)+1)
					for i, v := range append(visited, p) {
						loop[i] = strconv.Itoa(v.number)
					}
					r.problem(p, ManagerEmail, fmt.Errorf("the management chain loops: rows %s", strings.Join(loop, " → ")))
				}
				break
			}
			chain = append(chain, cmp.Or(next.participant.Spec.EmployeeID, manager))
			visited = append(visited, next)
			manager = next.manager
		}
		p.participant.Spec.ManagementChain = chain[:min(len(chain), maxChain)]
	}
}

// validate checks a participant against the CRDs and reports what they find at the column the field
// came from, without quoting personal data.
func (r *reader) validate(p *row) []Problem {
	obj := p.participant
	obj.APIVersion, obj.Kind = mentoringv1alpha1.GroupVersion.String(), "Participant"
	data, err := json.Marshal(&obj)
	if err != nil {
		return []Problem{{Row: p.number, Message: err.Error()}}
	}
	_, errs := r.Validator.Validate(context.Background(), data)
	var problems []Problem
	for _, e := range errs {
		f := fieldOf(e.Field)
		scrubbed := *e
		scrubbed.BadValue = field.OmitValueType{}
		problems = append(problems, Problem{Row: p.number, Column: r.name(f), Message: scrubbed.ErrorBody()})
	}
	return problems
}

// fieldOf is the field of the sheet an API field path comes from.
func fieldOf(path string) Field {
	for prefix, f := range map[string]Field{"spec.email": Email, "spec.employeeId": EmployeeID, "metadata.name": EmployeeID,
		"spec.displayName": DisplayName, "spec.role": Role, "spec.seniority": Seniority, "spec.department": Department,
		"spec.managementChain": ManagerEmail, "spec.timezone": TimeZone, "spec.expertise": Topics, "spec.goals": Topics,
		"spec.availability": Availability, "spec.capacity": Capacity} {
		if strings.HasPrefix(path, prefix) {
			return f
		}
	}
	return ""
}

// participantName is a participant's object name: the employee id in lower case, or, for people without
// one, a hash of the email, so that names carry no one's name (they appear in labels, events and plans).
func participantName(employeeID, email string) string {
	if employeeID != "" {
		return strings.ToLower(employeeID)
	}
	sum := sha256.Sum256([]byte(email))
	return "p-" + hex.EncodeToString(sum[:])[:10]
}
