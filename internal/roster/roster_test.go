package roster

import (
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/config/crd"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/crdvalidation"
)

func importCSV(t *testing.T, text string, o Options) Result {
	t.Helper()
	table, err := ReadCSV(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if o.Programme == "" {
		o.Programme = "pilot"
	}
	return Import(table, o)
}

func problems(r Result) string {
	var out []string
	for _, p := range r.Problems {
		out = append(out, p.Error())
	}
	return strings.Join(out, "\n")
}

const header = "Email,Name,Role,Seniority,Time zone,Topics,Availability,Manager email,Employee ID\n"

func TestReadCSV(t *testing.T) {
	// A byte order mark, semicolons, blank lines and padded cells, as spreadsheet programs write them.
	table, err := ReadCSV(strings.NewReader("\ufeff Email ; Name\n\n a@example.org ;Ann \n;\nb@example.org;Bob\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Table{Header: Row{Number: 1, Cells: []string{"Email", "Name"}}, Rows: []Row{
		{Number: 3, Cells: []string{"a@example.org", "Ann"}}, {Number: 5, Cells: []string{"b@example.org", "Bob"}}}}
	if !reflect.DeepEqual(table, want) {
		t.Errorf("read %+v, want %+v", table, want)
	}
	if _, err := ReadCSV(strings.NewReader("\n\n")); err == nil {
		t.Error("an empty sheet is read without error")
	}
}

func TestColumns(t *testing.T) {
	// Headers as people write them, in any case and spacing; a field's first known name wins.
	r := importCSV(t, "E-MAIL ,Full Name,Mentor or mentee,GRADE,time_zone,Expertise / goals,Working hours,Line manager email,Staff ID\n"+
		"ann@example.org,Ann,Mentor,3,Europe/London,ai,Mon 09:00-17:00,,S1\n", Options{})
	if problems(r) != "" || len(r.People) != 1 || r.People[0].Participant.Name != "s1" {
		t.Fatalf("problems %q, people %+v", problems(r), r.People)
	}
	// A column the sheet names otherwise, mapped by hand; a missing one reported with the fix.
	r = importCSV(t, "Mail,Name,Role,Job grade,Time zone,Topics,Availability\nann@example.org,Ann,Mentor,3,UTC,ai,Mon 9-17\n",
		Options{Columns: map[Field]string{Seniority: "Job grade"}})
	if want := `row 1: no email column: name one "email", or say which column it is with --column email=HEADER`; problems(r) != want {
		t.Errorf("problems %q, want %q", problems(r), want)
	}
	r = importCSV(t, header, Options{Columns: map[Field]string{Department: "Dept."}, Attributes: map[string]string{"generation": "Generation"}})
	if want := "row 1, Dept.: no such column for department; the header has Email, Name, Role, Seniority, Time zone, Topics, Availability, Manager email, Employee ID\n" +
		"row 1, Generation: no such column for attribute generation; the header has Email, Name, Role, Seniority, Time zone, Topics, Availability, Manager email, Employee ID"; problems(r) != want {
		t.Errorf("problems %q, want %q", problems(r), want)
	}
}

func TestCells(t *testing.T) {
	rows := []struct{ row, want string }{
		{"ann@example.org,Ann,Mentor,3,EST,ai,Mon 9-17,,", "row 2, Time zone: 'EST' is not an IANA zone, did you mean America/New_York?"},
		{"ann@example.org,Ann,Mentor,3,CET,ai,Mon 9-17,,", "row 2, Time zone: 'CET' is not an IANA zone, did you mean Europe/Paris or Europe/Berlin?"},
		{"ann@example.org,Ann,Mentor,3,Mars/Base,ai,Mon 9-17,,", "row 2, Time zone: 'Mars/Base' is not an IANA zone: write a name such as Europe/London or America/New_York"},
		{"ann@example.org,Ann,Boss,3,UTC,ai,Mon 9-17,,", "row 2, Role: 'Boss' is neither Mentor nor Mentee"},
		{"ann@example.org,Ann,Mentor,senior,UTC,ai,Mon 9-17,,", "row 2, Seniority: 'senior' is not a number: write a level from 1 (most junior) to 20 (most senior)"},
		{"ann@example.org,Ann,Mentor,21,UTC,ai,Mon 9-17,,", "row 2, Seniority: 21 is outside 1 to 20"},
		{"ann-at-example.org,Ann,Mentor,3,UTC,ai,Mon 9-17,,", "row 2, Email: not an email address such as ada@example.org"},
		{"ann@example.org,Ann,Mentor,3,UTC,ai: 7,Mon 9-17,,", "row 2, Topics: 'ai: 7': a level is from 1 to 5"},
		{"ann@example.org,Ann,Mentor,3,UTC,social medai,Mon 9-17,,", "row 2, Topics: 'social-medai' is not a topic of the programme (ai, social-media), did you mean social-media?"},
		{"ann@example.org,Ann,Mentor,3,UTC,ai,Someday 9-17,,", "row 2, Availability: 'Someday' is not a day: write Mon, Tue, ... or Monday, Tuesday, ..."},
		{"ann@example.org,Ann,Mentor,3,UTC,ai,Mon 17-9,,", "row 2, Availability: 'Mon 17-9' is not a time range from 00:00 to 24:00 that ends after it starts"},
		{"ann@example.org,Ann,Mentor,3,UTC,ai,Mon 9-17,ann@example.org,", "row 2, Manager email: the person's own address"},
		{"ann@example.org,Ann,Mentor,3,UTC,ai,Mon 9-17,,E 1", "row 2, Employee ID: 'E 1' does not make a name: an employee id is letters, digits and dashes"},
		{"ann@example.org,,Mentor,3,UTC,ai,Mon 9-17,,", "row 2, Name: empty"},
	}
	for _, c := range rows {
		r := importCSV(t, header+c.row+"\n", Options{Topics: []string{"ai", "social-media"}})
		if got := problems(r); got != c.want || len(r.People) != 0 {
			t.Errorf("%s:\n got %q\nwant %q", c.row, got, c.want)
		}
	}
}

func TestParticipants(t *testing.T) {
	r := importCSV(t, header+
		"Ann@Example.org,Ann Lee,Reverse mentor,3,Europe/London,\"AI: 5; Social media (4)\",Mon-Thu 9:00-17:30; Fri 09:00-13:00,bob@example.org,E1\n"+
		"bob@example.org,Bob Ray,Mentee,14,America/New_York,ai,\"Tue, Thu 10-12\",cat@example.org,E2\n"+
		"cat@example.org,Cat Fox,mentee,18,Asia/Singapore,social media,Sat-Mon 08:00-24:00,chief@example.org,\n"+
		"dan@example.org,Dan Oak,Mentee,15,UTC,ai,Mon 9-17,eve@example.org,E4\n"+
		"eve@example.org,Eve Ash,Mentee,15,UTC,ai,Mon 9-17,dan@example.org,E5\n", Options{Topics: []string{"ai", "social-media"}})
	want := "row 5, Manager email: the management chain loops: rows 5 → 6 → 5\n" +
		"row 6, Manager email: the management chain loops: rows 6 → 5 → 6"
	if problems(r) != want {
		t.Fatalf("problems:\n%s\nwant:\n%s", problems(r), want)
	}
	byName := map[string]mentoringv1alpha1.ParticipantSpec{}
	for _, p := range r.People {
		byName[p.Participant.Name] = p.Participant.Spec
	}
	ann, cat := byName["e1"], byName["p-"+hash("cat@example.org")]
	if len(byName) != 3 || ann.Email != "ann@example.org" || ann.Role != mentoringv1alpha1.RoleMentor ||
		!reflect.DeepEqual(ann.ManagementChain, []string{"E2", "cat@example.org", "chief@example.org"}) ||
		!reflect.DeepEqual(ann.Expertise, []mentoringv1alpha1.TopicExpertise{{Topic: "ai", Level: 5}, {Topic: "social-media", Level: 4}}) ||
		!reflect.DeepEqual(ann.Availability, []mentoringv1alpha1.AvailabilityWindow{
			{Days: []mentoringv1alpha1.Weekday{"Monday", "Tuesday", "Wednesday", "Thursday"}, Start: "09:00", End: "17:30"},
			{Days: []mentoringv1alpha1.Weekday{"Friday"}, Start: "09:00", End: "13:00"}}) {
		t.Errorf("ann: %+v", ann)
	}
	if cat.EmployeeID != "" || !reflect.DeepEqual(cat.Goals, []mentoringv1alpha1.TopicGoal{{Topic: "social-media", Priority: 3}}) ||
		!reflect.DeepEqual(cat.Availability[0].Days, []mentoringv1alpha1.Weekday{"Monday", "Saturday", "Sunday"}) {
		t.Errorf("cat: %+v", cat)
	}
}

func hash(email string) string { return participantName("", email)[2:] }

// TestManifest: a manifest decodes strictly into the API's type, the CRDs accept it, and its bytes
// depend on the person alone.
func TestManifest(t *testing.T) {
	v, err := crdvalidation.New(crd.Bases, "bases/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := header + "ann@example.org,Ann,Mentor,3,Europe/London,\"ai: 5, social media\",Mon 9-17,bob@example.org,E1\n" +
		"bob@example.org,\"Bob \"\"The Boss\"\" Ray: CEO\",Mentee,14,UTC,ai,Mon 9-17,,E2\n"
	r := importCSV(t, text, Options{Validator: v})
	if problems(r) != "" || len(r.People) != 2 {
		t.Fatalf("problems %q", problems(r))
	}
	reordered := importCSV(t, header+"\n"+strings.Join(strings.Split(strings.TrimSpace(text), "\n")[1:][1:], "\n")+"\n"+
		strings.Split(text, "\n")[1]+"\n", Options{Validator: v})
	for i, p := range r.People {
		data, err := Manifest(&p.Participant)
		if err != nil {
			t.Fatal(err)
		}
		var decoded mentoringv1alpha1.Participant
		if err := yaml.UnmarshalStrict(data, &decoded); err != nil {
			t.Fatalf("%s: %v\n%s", p.Participant.Name, err, data)
		}
		decoded.TypeMeta = p.Participant.TypeMeta
		if !reflect.DeepEqual(decoded, p.Participant) {
			t.Errorf("%s decodes as %+v, want %+v", p.Participant.Name, decoded, p.Participant)
		}
		if again, _ := Manifest(&reordered.People[i].Participant); string(again) != string(data) {
			t.Errorf("%s: the manifest changes with the order of the rows:\n%s\n%s", p.Participant.Name, data, again)
		}
	}
}
