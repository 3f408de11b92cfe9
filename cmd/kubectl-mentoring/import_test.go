package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// rosterRows is a roster of 500 people as HR exports it, header first, with the mess of real exports:
// headers in mixed case with trailing spaces, padded cells, roles and emails in any case, topics and
// availability written several ways, and blank lines. Mentors are junior and report to mentees, who
// report to one another up to three executives whose managers are not in the sheet.
func rosterRows() [][]string {
	r := rand.New(rand.NewPCG(14, 500))
	rows := [][]string{{"Employee ID ", "EMAIL", "Full name", "Mentor or Mentee", "Seniority", "Department ", "Manager Email",
		"Time Zone", "Topics", "Availability", "Capacity", "Generation"}}
	topics := []string{"AI", "Social media", "remote-work", "Inclusion", "data literacy", "Younger customers"}
	zones := []string{"Europe/London", "America/New_York", "Asia/Singapore", "Europe/Paris"}
	availability := []string{"Mon-Thu 09:00-17:30; Fri 09:00-13:00", "Mon-Fri 9:00-17:00", "Tue, Thu 10:00-16:00", "Monday-Wednesday 08:30-12:00"}
	departments := []string{"Marketing", "Engineering", "Finance", "Operations", "Sales", "People"}
	generations := []string{"Gen Z", "Millennial", "Gen X", "Boomer"}
	email := func(i int) string { return fmt.Sprintf("person.%03d@Example.org", i) }
	for i := range 500 {
		mentor := i >= 300
		role, seniority, capacity := []string{"Mentee", "mentee", "MENTEE"}[i%3], 9+i%12, ""
		if mentor {
			role, seniority, capacity = []string{"Mentor", "mentor", "Reverse mentor"}[i%3], 1+i%8, fmt.Sprint(1+i%3)
		}
		manager := ""
		switch {
		case i >= 3 && i < 300: // mentees report to a more senior mentee, or to an executive
			manager = email(r.IntN(min(i, 60)))
		case mentor:
			manager = email(3 + r.IntN(297))
		}
		if i < 3 {
			manager = fmt.Sprintf("chief.%d@example.org", i) // outside the sheet
		}
		var chosen []string
		for _, t := range r.Perm(len(topics))[:1+r.IntN(2)] {
			chosen = append(chosen, fmt.Sprintf("%s: %d", topics[t], 1+r.IntN(5)))
		}
		rows = append(rows, []string{fmt.Sprintf(" E%04d", 1000+i), email(i) + " ", fmt.Sprintf("Person %03d", i), role,
			fmt.Sprint(seniority), departments[r.IntN(len(departments))], manager, zones[r.IntN(len(zones))],
			strings.Join(chosen, ", "), availability[r.IntN(len(availability))], capacity, generations[r.IntN(len(generations))]})
		if i%97 == 40 {
			rows = append(rows, make([]string, 12)) // a blank line
		}
	}
	return rows
}

// messy breaks a clean roster in the ways of the issue and returns the errors import must report,
// exactly: a time zone abbreviation, a duplicate email and a management cycle.
func messy(rows [][]string) ([][]string, []string) {
	rows = slices.Clone(rows)
	row := func(i int) []string { rows[i] = slices.Clone(rows[i]); return rows[i] } // rows[i] is sheet row i+1
	row(13)[7] = "EST"
	row(101)[1] = strings.ToUpper(rows[20][1]) // the address of sheet row 21
	row(210)[6] = strings.TrimSpace(rows[260][1])
	row(260)[6] = strings.TrimSpace(rows[210][1]) // rows 211 and 261 manage each other
	return rows, []string{
		"row 14, Time Zone: 'EST' is not an IANA zone, did you mean America/New_York?",
		"row 102, EMAIL: the same address as row 21",
		"row 211, Manager Email: the management chain loops: rows 211 → 261 → 211",
		"row 261, Manager Email: the management chain loops: rows 261 → 211 → 261",
	}
}

// writeRoster writes rows as a CSV file and as an XLSX workbook with the people on its first sheet.
func writeRoster(t *testing.T, rows [][]string) (csvFile, xlsxFile string) {
	t.Helper()
	dir := t.TempDir()
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	csvFile, xlsxFile = filepath.Join(dir, "roster.csv"), filepath.Join(dir, "roster.xlsx")
	if err := os.WriteFile(csvFile, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "People"); err != nil {
		t.Fatal(err)
	}
	for i, cells := range rows {
		if err := f.SetSheetRow("People", fmt.Sprintf("A%d", i+1), &cells); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(xlsxFile); err != nil {
		t.Fatal(err)
	}
	return csvFile, xlsxFile
}

// programmeFolder is a new programme folder holding the digital-leaders sample's programme.yaml.
func programmeFolder(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sample(), "programme.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return writeFiles(t, map[string]string{"programme.yaml": string(data)})
}

// snapshot reads every file under dir, by path relative to it.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestImportReportsEveryProblemAndWritesNothing(t *testing.T) {
	rows, want := messy(rosterRows())
	csvFile, xlsxFile := writeRoster(t, rows)
	for _, file := range []string{csvFile, xlsxFile} {
		dir := programmeFolder(t)
		r := kubectlMentoring(t, "", "import", file, "--dir", dir, "--attribute", "generation=Generation")
		got := lines(strings.TrimSpace(r.stderr))
		wantAll := append(slices.Clone(want), fmt.Sprintf("error: 4 problems in %s: nothing written; fix the sheet, or use --skip-invalid to write the other rows", file))
		if r.code == 0 || !slices.Equal(got, wantAll) {
			t.Errorf("%s: exit %d, errors:\n%s\nwant:\n%s", filepath.Ext(file), r.code, r.stderr, strings.Join(wantAll, "\n"))
		}
		if files := snapshot(t, dir); len(files) != 1 {
			t.Errorf("%s: files written despite the problems: %v", filepath.Ext(file), slices.Sorted(maps.Keys(files)))
		}
		for _, e := range got {
			if strings.Contains(strings.ToLower(e), "example.org") || strings.Contains(e, "Person ") {
				t.Errorf("an error shows personal data: %s", e)
			}
		}
	}

	// Asked to, import writes the other rows: 500 people less the four wrong ones.
	dir := programmeFolder(t)
	r := kubectlMentoring(t, "", "import", csvFile, "--dir", dir, "--skip-invalid")
	if r.code != 0 || !strings.Contains(r.stdout, "Imported 496 participants") {
		t.Errorf("--skip-invalid: exit %d, %s%s", r.code, r.stdout, r.stderr)
	}
}

func TestImportCleanRoster(t *testing.T) {
	csvFile, xlsxFile := writeRoster(t, rosterRows())
	fromCSV, fromXLSX := programmeFolder(t), programmeFolder(t)
	out := mustRun(t, "import", csvFile, "--dir", fromCSV, "--attribute", "generation=Generation")
	if want := fmt.Sprintf("Imported 500 participants from %s into %s: 500 created, 0 changed, 0 deleted, 0 unchanged.\n", csvFile, fromCSV); out != want {
		t.Errorf("import printed %q, want %q", out, want)
	}
	mustRun(t, "import", xlsxFile, "--dir", fromXLSX, "--sheet", "People", "--attribute", "generation=Generation")
	files := snapshot(t, fromCSV)
	if xlsx := snapshot(t, fromXLSX); !maps.Equal(files, xlsx) || len(files) != 502 {
		t.Fatalf("the CSV and the XLSX give different folders (%d and %d files)", len(files), len(xlsx))
	}

	// The manifests: one per person named after the employee id, listed by the kustomization.
	var kustomization struct{ Resources []string }
	if err := yaml.Unmarshal([]byte(files["kustomization.yaml"]), &kustomization); err != nil {
		t.Fatal(err)
	}
	if len(kustomization.Resources) != 501 || kustomization.Resources[0] != "programme.yaml" || kustomization.Resources[1] != "participants/e1000.yaml" {
		t.Errorf("kustomization lists %d resources, from %q", len(kustomization.Resources), kustomization.Resources[:2])
	}
	var e1005 mentoringv1alpha1.Participant
	if err := yaml.UnmarshalStrict([]byte(files["participants/e1005.yaml"]), &e1005); err != nil {
		t.Fatal(err)
	}
	if e1005.Spec.Email != "person.005@example.org" || e1005.Spec.EmployeeID != "E1005" || e1005.Spec.Role != mentoringv1alpha1.RoleMentee ||
		len(e1005.Spec.ManagementChain) == 0 || e1005.Spec.ManagementChain[len(e1005.Spec.ManagementChain)-1] == "" ||
		!strings.HasPrefix(e1005.Spec.ManagementChain[len(e1005.Spec.ManagementChain)-1], "chief.") {
		t.Errorf("e1005 imported as %+v: want its chain to end at an executive's manager outside the sheet", e1005.Spec)
	}

	// The API server accepts every manifest, with strict field validation.
	env, _ := cluster(t)
	namespace := newNamespace(t, env)
	for name, data := range files {
		if name == "kustomization.yaml" {
			continue
		}
		obj := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(data), &obj.Object); err != nil {
			t.Fatal(err)
		}
		obj.SetNamespace(namespace)
		if err := env.Client.Create(context.Background(), obj, client.FieldValidation("Strict"), client.DryRunAll); err != nil {
			t.Errorf("%s: the API server refuses it: %v", name, err)
		}
	}

	// plan matches the programme: every person is read, and most mentees get a mentor.
	plan := decodePlan(t, []byte(mustRun(t, "plan", "-f", fromCSV, "-o", "json", "--at", beforeEnrolmentCloses)))
	if s := plan.Summary; s.Participants != 500 || s.Mentors != 200 || s.MatchedMentees < 150 {
		t.Errorf("plan of the import: %+v", s)
	}

	// Importing an updated sheet rewrites the files of the people who changed, and only those.
	rows := rosterRows()
	rows[31] = slices.Clone(rows[31])
	rows[31][5] = "Legal"
	rows[401] = slices.Clone(rows[401])
	rows[401][7] = "Asia/Tokyo"
	left := strings.TrimSpace(rows[351][0])
	rows = slices.Delete(rows, 351, 352)
	updated, _ := writeRoster(t, rows)
	out = mustRun(t, "import", updated, "--dir", fromCSV, "--attribute", "generation=Generation")
	if !strings.HasSuffix(out, ": 0 created, 2 changed, 1 deleted, 497 unchanged.\n") {
		t.Errorf("import of the updated sheet printed %q", out)
	}
	after := snapshot(t, fromCSV)
	var differ []string
	for name := range files {
		if after[name] != files[name] {
			differ = append(differ, name)
		}
	}
	slices.Sort(differ)
	wantDiffer := []string{"kustomization.yaml", "participants/" + strings.ToLower(left) + ".yaml",
		"participants/" + strings.ToLower(strings.TrimSpace(rows[31][0])) + ".yaml", "participants/" + strings.ToLower(strings.TrimSpace(rows[400][0])) + ".yaml"}
	slices.Sort(wantDiffer)
	if !slices.Equal(differ, wantDiffer) {
		t.Errorf("files changed by the re-import: %q, want %q", differ, wantDiffer)
	}
}
