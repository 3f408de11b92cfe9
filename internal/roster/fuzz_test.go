package roster

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// FuzzImport reads arbitrary CSV text as a roster: whatever the text, import does not panic, every
// problem names a row of the sheet, and every person read has a valid name and a manifest that decodes
// strictly into a Participant.
//
//	go test ./internal/roster -run '^$' -fuzz '^FuzzImport$' -fuzztime 1m
func FuzzImport(f *testing.F) {
	f.Add(header + "ann@example.org,Ann,Mentor,3,Europe/London,\"AI: 5, social media\",Mon-Thu 9:00-17:30; Fri 09:00-13:00,bob@example.org,E1\n" +
		"bob@example.org,Bob,Mentee,14,EST,ai,Tue 10-12,ann@example.org,E2\n")
	f.Add("Email;Name;Role;Grade;TZ;Topics;Availability\n\nx@example.org;X;mentee;99;london;;Someday 25-26\n")
	f.Fuzz(func(t *testing.T, text string) {
		table, err := ReadCSV(strings.NewReader(text))
		if err != nil {
			return
		}
		r := Import(table, Options{Programme: "pilot", Availability: "Mon-Fri 09:00-17:00"})
		last := table.Header.Number
		if n := len(table.Rows); n > 0 {
			last = table.Rows[n-1].Number
		}
		for _, p := range r.Problems {
			if p.Row < table.Header.Number || p.Row > last {
				t.Fatalf("problem at row %d, outside rows %d to %d: %v", p.Row, table.Header.Number, last, p)
			}
		}
		for _, p := range r.People {
			if msgs := validation.IsDNS1123Label(p.Participant.Name); len(msgs) > 0 {
				t.Fatalf("name %q: %v", p.Participant.Name, msgs)
			}
			data, err := Manifest(&p.Participant)
			if err != nil {
				t.Fatal(err)
			}
			var decoded mentoringv1alpha1.Participant
			if err := yaml.UnmarshalStrict(data, &decoded); err != nil {
				t.Fatalf("manifest does not decode: %v\n%s", err, data)
			}
		}
	})
}
