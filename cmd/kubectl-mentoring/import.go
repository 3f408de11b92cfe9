package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/yaml"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/roster"
)

func newImportCommand() *cobra.Command {
	var (
		dir, programme, sheet, availability string
		columnFlags, attributeFlags         []string
		skipInvalid                         bool
	)
	cmd := &cobra.Command{
		Use:   "import ROSTER --dir DIR",
		Short: "Turn a spreadsheet of people (CSV or XLSX) into Participant manifests, one file per person",
		Long: "import reads the spreadsheet of a programme's people, as HR exports it (a .csv or .xlsx file, or -\n" +
			"for CSV on standard input), and writes a Participant\n" +
			"manifest per person into DIR/participants/ and their list into DIR/kustomization.yaml: the layout\n" +
			"of docs/gitops.md. Participants are named after their employee ids (e1042), or a hash of their\n" +
			"email for people without one, so names carry no one's name.\n\n" +
			"Columns are found by the headers people use (Email, Name, Mentor or mentee, Seniority, Department,\n" +
			"Manager email, Time zone, Topics, Availability, Capacity, Employee ID); --column maps another one.\n" +
			"Topics are written \"AI: 5, Social media: 4\" (a level from 1 to 5, 3 by default), availability\n" +
			"\"Mon-Thu 09:00-17:30; Fri 09:00-13:00\" in the person's own time zone. Management chains come from\n" +
			"the managers' emails. With DIR/programme.yaml, the topics must be the programme's.\n\n" +
			"Every problem is reported by row and column; nothing is written while any row is wrong, unless\n" +
			"--skip-invalid. Importing an updated sheet again rewrites only the files of people who changed,\n" +
			"and deletes the imported files of people no longer in it.",
		Example: "  kubectl mentoring import roster.xlsx --dir programmes/digital-leaders\n" +
			"  kubectl mentoring import export.csv --dir programmes/pilot --programme pilot \\\n" +
			"      --column seniority=\"Job grade\" --attribute generation=Generation --availability \"Mon-Fri 09:00-17:00\"",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			options, err := importOptions(dir, programme, availability, columnFlags, attributeFlags)
			if err != nil {
				return err
			}
			table, err := readRoster(args[0], sheet, cmd.InOrStdin())
			if err != nil {
				return err
			}
			result := roster.Import(table, options)
			for _, p := range result.Problems {
				fmt.Fprintln(cmd.ErrOrStderr(), p)
			}
			if len(result.Problems) > 0 && !skipInvalid {
				return fmt.Errorf("%s in %s: nothing written; fix the sheet, or use --skip-invalid to write the other rows",
					count(len(result.Problems), "problem"), args[0])
			}
			changes, err := writeParticipants(dir, result.People, !skipInvalid)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Imported %s from %s into %s: %s.\n", count(len(result.People), "participant"), args[0], dir, changes)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", ".", "The programme's folder: participants/ and kustomization.yaml are written there.")
	cmd.Flags().StringVar(&programme, "programme", "", "Name of the Programme; default the one in DIR/programme.yaml.")
	cmd.Flags().StringVar(&sheet, "sheet", "", "Sheet of an XLSX workbook; default the first.")
	cmd.Flags().StringArrayVar(&columnFlags, "column", nil, "FIELD=HEADER: the column of a field, such as seniority=\"Job grade\"; repeatable. Fields: "+
		strings.Join(fieldNames(), ", ")+".")
	cmd.Flags().StringArrayVar(&attributeFlags, "attribute", nil, "NAME=HEADER: a column to import as an attribute for diversity goals, such as generation=Generation; repeatable.")
	cmd.Flags().StringVar(&availability, "availability", "", "Weekly availability of people whose row gives none, such as \"Mon-Fri 09:00-17:00\".")
	cmd.Flags().BoolVar(&skipInvalid, "skip-invalid", false, "Write the rows without problems even when others have some (and delete no file).")
	_ = cmd.MarkFlagDirname("dir")
	return cmd
}

func fieldNames() []string {
	names := make([]string, len(roster.Fields))
	for i, f := range roster.Fields {
		names[i] = string(f)
	}
	return names
}

// importOptions reads the flags, and the programme's name and topics from DIR/programme.yaml when it
// exists.
func importOptions(dir, programme, availability string, columnFlags, attributeFlags []string) (roster.Options, error) {
	o := roster.Options{Programme: programme, Availability: availability, Columns: map[roster.Field]string{}, Attributes: map[string]string{}}
	for _, flag := range columnFlags {
		field, header, ok := strings.Cut(flag, "=")
		if !ok || !slices.Contains(roster.Fields, roster.Field(field)) {
			return o, fmt.Errorf("--column %q: write FIELD=HEADER, with one of the fields %s", flag, strings.Join(fieldNames(), ", "))
		}
		o.Columns[roster.Field(field)] = header
	}
	for _, flag := range attributeFlags {
		name, header, ok := strings.Cut(flag, "=")
		if !ok || badName(name) {
			return o, fmt.Errorf("--attribute %q: write NAME=HEADER, the name in lower case letters, digits and dashes", flag)
		}
		o.Attributes[name] = header
	}
	data, err := os.ReadFile(filepath.Join(dir, "programme.yaml"))
	switch {
	case errors.Is(err, fs.ErrNotExist) && programme == "":
		return o, fmt.Errorf("%s has no programme.yaml: name the programme with --programme", dir)
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return o, err
	default:
		var p mentoringv1alpha1.Programme
		if err := yaml.Unmarshal(data, &p); err != nil {
			return o, fmt.Errorf("%s: %w", filepath.Join(dir, "programme.yaml"), err)
		}
		if programme != "" && programme != p.Name {
			return o, fmt.Errorf("--programme %s, but %s holds programme %s", programme, filepath.Join(dir, "programme.yaml"), p.Name)
		}
		o.Programme = p.Name
		for _, t := range p.Spec.Topics {
			o.Topics = append(o.Topics, string(t))
		}
	}
	if o.Validator, err = crds(); err != nil {
		return o, err
	}
	return o, nil
}

// badName reports whether a name is not in the form of topics and attributes.
func badName(name string) bool {
	return name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" || strings.HasPrefix(name, "-") || strings.HasSuffix(name, "-")
}

// readRoster reads a CSV or XLSX file, or CSV from standard input ("-").
func readRoster(file, sheet string, stdin io.Reader) (*roster.Table, error) {
	if file == "-" {
		return roster.ReadCSV(stdin)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	switch strings.ToLower(filepath.Ext(file)) {
	case ".csv", ".txt":
		return roster.ReadCSV(f)
	case ".xlsx", ".xlsm":
		return roster.ReadXLSX(f, sheet)
	}
	return nil, fmt.Errorf("%s: import reads .csv and .xlsx files (save an .xls or .ods export as one of them)", file)
}

// participantsDir is where the manifests go, inside the programme's folder.
const participantsDir = "participants"

// writeParticipants writes a manifest per person into DIR/participants, leaving alone the files whose
// bytes would not change, deletes (when prune) the imported files of people no longer in the roster, and
// lists the folder's manifests in DIR/kustomization.yaml. It says what changed.
func writeParticipants(dir string, people []roster.Person, prune bool) (string, error) {
	folder := filepath.Join(dir, participantsDir)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return "", err
	}
	var created, changed, unchanged, deleted int
	wanted := map[string]bool{}
	for _, p := range people {
		data, err := roster.Manifest(&p.Participant)
		if err != nil {
			return "", err
		}
		file := filepath.Join(folder, p.Participant.Name+".yaml")
		wanted[file] = true
		old, err := os.ReadFile(file)
		switch {
		case err == nil && bytes.Equal(old, data):
			unchanged++
			continue
		case err == nil:
			changed++
		case errors.Is(err, fs.ErrNotExist):
			created++
		default:
			return "", err
		}
		if err := os.WriteFile(file, data, 0o644); err != nil {
			return "", err
		}
	}
	files, err := filepath.Glob(filepath.Join(folder, "*.yaml"))
	if err != nil {
		return "", err
	}
	for _, file := range files {
		if wanted[file] || !prune {
			continue
		}
		if data, err := os.ReadFile(file); err == nil && bytes.HasPrefix(data, []byte(roster.Header)) {
			if err := os.Remove(file); err != nil {
				return "", err
			}
			deleted++
		}
	}
	if err := writeKustomization(dir); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d created, %d changed, %d deleted, %d unchanged", created, changed, deleted, unchanged), nil
}

// writeKustomization lists the programme's manifests in DIR/kustomization.yaml: programme.yaml, the
// files of participants/ and pairings/, and whatever else it already listed. The rest of an existing
// file, comments included, stays as it was.
func writeKustomization(dir string) error {
	file := filepath.Join(dir, "kustomization.yaml")
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		data, err = []byte("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"), nil
	}
	if err != nil {
		return err
	}
	k, err := kyaml.Parse(string(data))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	var resources []string
	if _, err := os.Stat(filepath.Join(dir, "programme.yaml")); err == nil {
		resources = append(resources, "programme.yaml")
	}
	listed, err := k.Pipe(kyaml.Lookup("resources"))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if listed != nil {
		for _, item := range listed.Content() {
			_, statErr := os.Stat(filepath.Join(dir, item.Value))
			if !slices.Contains(resources, item.Value) && !strings.HasPrefix(item.Value, participantsDir+"/") && statErr == nil {
				resources = append(resources, item.Value)
			}
		}
	}
	for _, folder := range []string{"pairings", participantsDir} {
		files, err := filepath.Glob(filepath.Join(dir, folder, "*.yaml"))
		if err != nil {
			return err
		}
		for _, f := range files {
			if entry := path.Join(folder, filepath.Base(f)); !slices.Contains(resources, entry) {
				resources = append(resources, entry)
			}
		}
	}
	if err := k.PipeE(kyaml.SetField("resources", kyaml.NewListRNode(resources...))); err != nil {
		return err
	}
	text, err := k.String()
	if err != nil {
		return err
	}
	if string(data) == text {
		return nil
	}
	return os.WriteFile(file, []byte(text), 0o644)
}
