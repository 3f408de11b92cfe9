package roster

import (
	"bytes"

	"go.yaml.in/yaml/v3"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// Header is the first line of every manifest Import's people are written as; a file that starts with
// it was imported, and importing again may replace or delete it.
const Header = "# Imported by kubectl mentoring import: change the roster and import it again.\n"

// Manifest writes a participant as YAML in the order a person reads it (as the samples are written),
// short lists on one line. The bytes depend on the participant alone: importing a sheet again leaves
// the files of the people who did not change as they were.
func Manifest(p *mentoringv1alpha1.Participant) ([]byte, error) {
	s := p.Spec
	m := manifest{APIVersion: mentoringv1alpha1.GroupVersion.String(), Kind: "Participant"}
	m.Metadata.Name = p.Name
	m.Spec = spec{ProgrammeRef: reference{s.ProgrammeRef.Name}, Role: string(s.Role), DisplayName: s.DisplayName,
		Email: string(s.Email), EmployeeID: s.EmployeeID, Seniority: s.Seniority, Department: s.Department,
		Timezone: string(s.Timezone), ManagementChain: s.ManagementChain, Capacity: s.Capacity}
	for _, w := range s.Availability {
		days := make([]string, len(w.Days))
		for i, d := range w.Days {
			days[i] = string(d)
		}
		m.Spec.Availability = append(m.Spec.Availability, window{Days: days, Start: w.Start, End: w.End})
	}
	for _, e := range s.Expertise {
		m.Spec.Expertise = append(m.Spec.Expertise, expertise{Topic: string(e.Topic), Level: e.Level})
	}
	for _, g := range s.Goals {
		m.Spec.Goals = append(m.Spec.Goals, goal{Topic: string(g.Topic), Priority: g.Priority})
	}
	for _, a := range s.Attributes {
		m.Spec.Attributes = append(m.Spec.Attributes, attribute{Name: a.Name, Value: a.Value})
	}
	var out bytes.Buffer
	out.WriteString(Header)
	encoder := yaml.NewEncoder(&out)
	encoder.SetIndent(2)
	if err := encoder.Encode(&m); err != nil {
		return nil, err
	}
	if err := encoder.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// The shape of a Participant manifest, field by field in the API's order; the import's tests check
// that every manifest decodes strictly into the API's type and that the API server accepts it.
type (
	manifest struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string `yaml:"kind"`
		Metadata   struct {
			Name string `yaml:"name"`
		} `yaml:"metadata"`
		Spec spec `yaml:"spec"`
	}
	spec struct {
		ProgrammeRef    reference   `yaml:"programmeRef"`
		Role            string      `yaml:"role"`
		DisplayName     string      `yaml:"displayName"`
		Email           string      `yaml:"email"`
		EmployeeID      string      `yaml:"employeeId,omitempty"`
		Seniority       int32       `yaml:"seniority"`
		Department      string      `yaml:"department,omitempty"`
		Timezone        string      `yaml:"timezone"`
		ManagementChain []string    `yaml:"managementChain,omitempty,flow"`
		Availability    []window    `yaml:"availability,omitempty"`
		Expertise       []expertise `yaml:"expertise,omitempty"`
		Goals           []goal      `yaml:"goals,omitempty"`
		Capacity        *int32      `yaml:"capacity,omitempty"`
		Attributes      []attribute `yaml:"attributes,omitempty"`
	}
	reference struct {
		Name string `yaml:"name"`
	}
	window struct {
		Days  []string `yaml:"days,flow"`
		Start string   `yaml:"start"`
		End   string   `yaml:"end"`
	}
	expertise struct {
		Topic string `yaml:"topic"`
		Level int32  `yaml:"level"`
	}
	goal struct {
		Topic    string `yaml:"topic"`
		Priority int32  `yaml:"priority"`
	}
	attribute struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	}
)
