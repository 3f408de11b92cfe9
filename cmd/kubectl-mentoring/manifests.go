package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// programmeInput is one programme of the manifests with its participants and pairings.
type programmeInput struct {
	programme    *mentoringv1alpha1.Programme
	participants []mentoringv1alpha1.Participant
	pairings     []mentoringv1alpha1.Pairing
}

// source is where a manifest was read: a file, the document's position in it (from 1) and, inside a
// List, the item's position (from 1).
type source struct {
	file           string
	document, item int
}

func (s source) String() string {
	if s.item > 0 {
		return fmt.Sprintf("%s: document %d, item %d", s.file, s.document, s.item)
	}
	return fmt.Sprintf("%s: document %d", s.file, s.document)
}

// manifests collects the mentoring objects read so far.
type manifests struct {
	programmes   []mentoringv1alpha1.Programme
	participants []mentoringv1alpha1.Participant
	pairings     []mentoringv1alpha1.Pairing
	// sources finds where each object was read, by kind and name.
	sources map[[2]string]source
	errs    []error
	// crdChecks checks the objects read against the CRDs, in the background (validate.go).
	crdChecks *crdChecks
}

// addFileFlag adds the repeatable -f flag of the offline commands.
func addFileFlag(cmd *cobra.Command, paths *[]string) {
	cmd.Flags().StringArrayVarP(paths, "filename", "f", nil,
		"Manifest file or folder (read recursively: *.yaml, *.yml, *.json), or - for standard input; repeatable.")
	_ = cmd.MarkFlagRequired("filename")
	_ = cmd.MarkFlagFilename("filename", "yaml", "yml", "json")
}

// readProgrammes reads Programme, Participant and Pairing manifests from files, folders and stdin ("-"),
// ignoring other kinds, and groups them by programme in name order. The manifests are those of one
// namespace: a name appears once per kind. Unknown fields, invalid values and references to
// programmes missing from the input are errors naming the file, the document and the field.
func readProgrammes(paths []string, stdin io.Reader) ([]programmeInput, error) {
	m := &manifests{sources: map[[2]string]source{}, crdChecks: startCRDChecks()}
	for _, path := range paths {
		if err := m.readPath(path, stdin); err != nil {
			m.crdChecks.wait()
			return nil, err
		}
	}
	m.errs = append(m.errs, m.crdChecks.wait()...)
	groups := m.group()
	if err := errors.Join(m.errs...); err != nil {
		return nil, err
	}
	if len(groups) == 0 {
		return nil, fmt.Errorf("no Programme in %s", strings.Join(paths, ", "))
	}
	return groups, nil
}

func (m *manifests) readPath(path string, stdin io.Reader) error {
	if path == "-" {
		data, err := io.ReadAll(stdin)
		if err != nil {
			return fmt.Errorf("reading standard input: %w", err)
		}
		m.readFile("(stdin)", data)
		return nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return m.readFileAt(path)
	}
	return filepath.WalkDir(path, func(file string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(file) {
		case ".yaml", ".yml", ".json":
			return m.readFileAt(file)
		}
		return nil
	})
}

func (m *manifests) readFileAt(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	m.readFile(path, data)
	return nil
}

// readFile reads every document of a YAML or JSON file.
func (m *manifests) readFile(file string, data []byte) {
	docs := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for n := 1; ; n++ {
		doc, err := docs.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			m.errs = append(m.errs, fmt.Errorf("%s: %w", source{file: file, document: n}, err))
			return
		}
		m.readDocument(source{file: file, document: n}, doc)
	}
}

// readDocument decodes one document: a mentoring object, a List of objects, or anything else, which is
// ignored.
func (m *manifests) readDocument(src source, doc []byte) {
	data, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		m.errs = append(m.errs, fmt.Errorf("%s: %w", src, err))
		return
	}
	var head struct {
		metav1.TypeMeta
		Items []json.RawMessage `json:"items"`
	}
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) || json.Unmarshal(data, &head) != nil {
		return // an empty document, or not an object: not ours
	}
	gvk := head.GroupVersionKind()
	switch {
	case gvk == schema.GroupVersionKind{Version: "v1", Kind: "List"} && src.item == 0:
		for i, item := range head.Items {
			m.readDocument(source{file: src.file, document: src.document, item: i + 1}, item)
		}
	case gvk.Group == mentoringv1alpha1.GroupVersion.Group:
		m.decode(src, gvk, data)
	}
}

// decode strictly decodes and validates a mentoring object.
func (m *manifests) decode(src source, gvk schema.GroupVersionKind, data []byte) {
	if gvk.Version != mentoringv1alpha1.GroupVersion.Version {
		m.errs = append(m.errs, fmt.Errorf("%s: apiVersion %s is not served by this plugin: use %s", src, gvk.GroupVersion(), mentoringv1alpha1.GroupVersion))
		return
	}
	switch gvk.Kind {
	case "Programme":
		var o mentoringv1alpha1.Programme
		if m.decodeStrict(src, gvk.Kind, data, &o, func() field.ErrorList { return checkProgramme(&o) }) {
			m.programmes = append(m.programmes, o)
		}
	case "Participant":
		var o mentoringv1alpha1.Participant
		if m.decodeStrict(src, gvk.Kind, data, &o, func() field.ErrorList { return checkParticipant(&o) }) {
			m.participants = append(m.participants, o)
		}
	case "Pairing":
		var o mentoringv1alpha1.Pairing
		if m.decodeStrict(src, gvk.Kind, data, &o, func() field.ErrorList { return nil }) {
			m.pairings = append(m.pairings, o)
		}
	default:
		m.errs = append(m.errs, fmt.Errorf("%s: kind %q is not part of %s: use Programme, Participant or Pairing", src, gvk.Kind, gvk.GroupVersion()))
	}
}

// decodeStrict decodes data into obj, rejecting duplicate fields, validates it and records where it was
// read; it reports whether obj is valid. Unknown fields, types and the rest of the CRDs' rules are
// checked in the background (crdChecks).
func (m *manifests) decodeStrict(src source, kind string, data []byte, obj metav1.Object, validate func() field.ErrorList) bool {
	strict, err := sigsjson.UnmarshalStrict(data, obj, sigsjson.DisallowDuplicateFields)
	label := strings.TrimSpace(kind + " " + obj.GetName())
	m.crdChecks.add(unchecked{src: src, label: label, data: data, decodeErr: err})
	if err != nil {
		return false
	}
	problems := strict
	for _, e := range validate() {
		problems = append(problems, e)
	}
	key := [2]string{kind, obj.GetName()}
	if first, seen := m.sources[key]; seen && obj.GetName() != "" {
		problems = append(problems, fmt.Errorf("%s %q is also defined in %s", kind, obj.GetName(), first))
	} else {
		m.sources[key] = src
	}
	for _, p := range problems {
		m.errs = append(m.errs, fmt.Errorf("%s (%s): %w", src, label, p))
	}
	return len(problems) == 0
}

// group sorts the programmes by name and gives each its participants and pairings, by programmeRef.
func (m *manifests) group() []programmeInput {
	slices.SortFunc(m.programmes, func(a, b mentoringv1alpha1.Programme) int { return cmp.Compare(a.Name, b.Name) })
	groups := make([]programmeInput, len(m.programmes))
	byName := map[string]*programmeInput{}
	for i := range m.programmes {
		groups[i].programme = &m.programmes[i]
		byName[m.programmes[i].Name] = &groups[i]
	}
	known := func(kind, name, programme string) *programmeInput {
		if _, ok := m.sources[[2]string{"Programme", programme}]; !ok {
			m.errs = append(m.errs, fmt.Errorf("%s (%s %s): spec.programmeRef.name: Not found: no Programme %q in the input",
				m.sources[[2]string{kind, name}], kind, name, programme))
		}
		return byName[programme]
	}
	for _, p := range m.participants {
		if g := known("Participant", p.Name, p.Spec.ProgrammeRef.Name); g != nil {
			g.participants = append(g.participants, p)
		}
	}
	roles := map[[2]string]mentoringv1alpha1.Role{} // by programme and participant
	for _, p := range m.participants {
		roles[[2]string{p.Spec.ProgrammeRef.Name, p.Name}] = p.Spec.Role
	}
	for _, p := range m.pairings {
		if g := known("Pairing", p.Name, p.Spec.ProgrammeRef.Name); g != nil {
			g.pairings = append(g.pairings, p)
			m.checkPeople(&p, roles)
		}
	}
	return groups
}

// checkPeople reports a pairing written by a person whose mentor or mentee is not a participant of its
// programme in the input, or has the other role: the operator would leave such a pairing out of every
// pass, so the plan must not look as though it were kept.
func (m *manifests) checkPeople(p *mentoringv1alpha1.Pairing, roles map[[2]string]mentoringv1alpha1.Role) {
	if p.Spec.MentorRef.Name == p.Spec.MenteeRef.Name {
		return // the CRD's rule says what is wrong
	}
	for _, ref := range []struct {
		field string
		name  string
		role  mentoringv1alpha1.Role
	}{{"mentorRef", p.Spec.MentorRef.Name, mentoringv1alpha1.RoleMentor}, {"menteeRef", p.Spec.MenteeRef.Name, mentoringv1alpha1.RoleMentee}} {
		path := field.NewPath("spec", ref.field, "name")
		var problem *field.Error
		switch role, ok := roles[[2]string{p.Spec.ProgrammeRef.Name, ref.name}]; {
		case !ok:
			problem = field.NotFound(path, ref.name)
			problem.Detail = fmt.Sprintf("no Participant %q in programme %s in the input: add the participant, or remove this pairing", ref.name, p.Spec.ProgrammeRef.Name)
		case role != ref.role:
			problem = field.Invalid(path, ref.name, fmt.Sprintf("is a %s, not a %s", role, ref.role))
		default:
			continue
		}
		m.errs = append(m.errs, fmt.Errorf("%s (Pairing %s): %w", m.sources[[2]string{"Pairing", p.Name}], p.Name, problem))
	}
}
