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
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

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
	m := &manifests{sources: map[[2]string]source{}}
	for _, path := range paths {
		if err := m.readPath(path, stdin); err != nil {
			return nil, err
		}
	}
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

// readFile reads every document of a YAML or JSON file. Documents are decoded and validated on all
// cores, then recorded in the file's order, so that errors come in that order.
func (m *manifests) readFile(file string, data []byte) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var docs [][]byte
	var readErr error
	for n := 1; ; n++ {
		doc, err := reader.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			readErr = fmt.Errorf("%s: %w", source{file: file, document: n}, err)
			break
		}
		docs = append(docs, doc)
	}
	decoded := make([][]decoded, len(docs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(docs)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(docs); i = int(next.Add(1)) - 1 {
				decoded[i] = decodeDocument(source{file: file, document: i + 1}, docs[i])
			}
		})
	}
	wg.Wait()
	for _, objects := range decoded {
		for _, d := range objects {
			m.record(d)
		}
	}
	if readErr != nil {
		m.errs = append(m.errs, readErr)
	}
}

// decoded is a mentoring object decoded from a document, or a document that failed: where it was
// read, the object (nil if none), the label errors name it by, and its problems, each naming the
// document.
type decoded struct {
	src      source
	kind     string
	object   metav1.Object
	label    string
	problems []error
}

// decodeDocument decodes one document: a mentoring object, a List of objects, or anything else, which
// is ignored.
func decodeDocument(src source, doc []byte) []decoded {
	data, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return []decoded{{src: src, problems: []error{fmt.Errorf("%s: %w", src, err)}}}
	}
	var head struct {
		metav1.TypeMeta
		Items []json.RawMessage `json:"items"`
	}
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) || json.Unmarshal(data, &head) != nil {
		return nil // an empty document, or not an object: not ours
	}
	gvk := head.GroupVersionKind()
	switch {
	case gvk == schema.GroupVersionKind{Version: "v1", Kind: "List"} && src.item == 0:
		var out []decoded
		for i, item := range head.Items {
			out = append(out, decodeDocument(source{file: src.file, document: src.document, item: i + 1}, item)...)
		}
		return out
	case gvk.Group == mentoringv1alpha1.GroupVersion.Group:
		return []decoded{decode(src, gvk, data)}
	}
	return nil
}

// decode strictly decodes and validates a mentoring object.
func decode(src source, gvk schema.GroupVersionKind, data []byte) decoded {
	if gvk.Version != mentoringv1alpha1.GroupVersion.Version {
		return decoded{src: src, problems: []error{fmt.Errorf("%s: apiVersion %s is not served by this plugin: use %s", src, gvk.GroupVersion(), mentoringv1alpha1.GroupVersion)}}
	}
	switch gvk.Kind {
	case "Programme":
		var o mentoringv1alpha1.Programme
		return decodeStrict(src, gvk.Kind, data, &o, func() field.ErrorList { return checkProgramme(&o) })
	case "Participant":
		var o mentoringv1alpha1.Participant
		return decodeStrict(src, gvk.Kind, data, &o, func() field.ErrorList { return checkParticipant(&o) })
	case "Pairing":
		var o mentoringv1alpha1.Pairing
		return decodeStrict(src, gvk.Kind, data, &o, func() field.ErrorList { return nil })
	}
	return decoded{src: src, problems: []error{fmt.Errorf("%s: kind %q is not part of %s: use Programme, Participant or Pairing", src, gvk.Kind, gvk.GroupVersion())}}
}

// decodeStrict decodes data into obj, rejecting duplicate fields, checks it against the CRDs (unknown
// fields, types and every rule, see validate.go) and makes the operator's own checks.
func decodeStrict(src source, kind string, data []byte, obj metav1.Object, check func() field.ErrorList) decoded {
	strict, err := sigsjson.UnmarshalStrict(data, obj, sigsjson.DisallowDuplicateFields)
	d := decoded{src: src, kind: kind, label: strings.TrimSpace(kind + " " + obj.GetName())}
	d.problems = crdProblems(src, d.label, data, err)
	if err != nil {
		return d
	}
	d.object = obj
	for _, e := range strict {
		d.problems = append(d.problems, fmt.Errorf("%s (%s): %w", src, d.label, e))
	}
	for _, e := range check() {
		d.problems = append(d.problems, fmt.Errorf("%s (%s): %w", src, d.label, e))
	}
	return d
}

// record records a decoded object where it was read, and keeps it when it is valid and its name is
// not taken by an object of its kind read earlier.
func (m *manifests) record(d decoded) {
	m.errs = append(m.errs, d.problems...)
	if d.object == nil {
		return
	}
	valid := len(d.problems) == 0
	key := [2]string{d.kind, d.object.GetName()}
	if first, seen := m.sources[key]; seen && d.object.GetName() != "" {
		m.errs = append(m.errs, fmt.Errorf("%s (%s): %w", d.src, d.label, fmt.Errorf("%s %q is also defined in %s", d.kind, d.object.GetName(), first)))
		valid = false
	} else {
		m.sources[key] = d.src
	}
	if !valid {
		return
	}
	switch o := d.object.(type) {
	case *mentoringv1alpha1.Programme:
		m.programmes = append(m.programmes, *o)
	case *mentoringv1alpha1.Participant:
		m.participants = append(m.participants, *o)
	case *mentoringv1alpha1.Pairing:
		m.pairings = append(m.pairings, *o)
	}
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
