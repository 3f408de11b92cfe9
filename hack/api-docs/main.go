// Command api-docs writes the API reference, docs/api-reference.md, from the Go types of api/v1alpha1:
// their doc comments and kubebuilder markers, read with go/parser and go/doc. The output depends on the
// source alone, so `make verify` can check that it is up to date.
//
//	go run ./hack/api-docs [-api api/v1alpha1] [-out docs/api-reference.md]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"log"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

func main() {
	apiDir := flag.String("api", "api/v1alpha1", "folder of the API package")
	out := flag.String("out", "docs/api-reference.md", "file to write")
	flag.Parse()

	pkg, err := load(*apiDir)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, reference(pkg, filepath.Base(*apiDir)), 0o644); err != nil {
		log.Fatal(err)
	}
}

// load parses the package in dir, without its tests and generated code.
func load(dir string) (*doc.Package, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, path := range paths {
		name := filepath.Base(path)
		if strings.HasSuffix(name, "_test.go") || strings.HasPrefix(name, "zz_generated") {
			continue
		}
		file, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		files = append(files, file)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no Go files in %s", dir)
	}
	return doc.NewFromFiles(fset, files, "./"+filepath.ToSlash(dir))
}

// comment is a doc comment split into its text and its markers (the lines that start with +).
type comment struct {
	text    string   // paragraphs separated by blank lines
	markers []string // without the leading +
}

func parseComment(raw string) comment {
	var c comment
	var text []string
	for _, line := range strings.Split(raw, "\n") {
		if marker, ok := strings.CutPrefix(strings.TrimSpace(line), "+"); ok {
			c.markers = append(c.markers, marker)
			continue
		}
		text = append(text, line)
	}
	c.text = strings.TrimSpace(strings.Join(text, "\n"))
	return c
}

// marker returns the value of the first marker named name, such as "kubebuilder:default".
func (c comment) marker(name string) (string, bool) {
	for _, m := range c.markers {
		if value, ok := strings.CutPrefix(m, name+"="); ok {
			return value, true
		}
		if m == name {
			return "", true
		}
	}
	return "", false
}

// validationLabels name the kubebuilder validation markers in the reference.
var validationLabels = map[string]string{
	"Minimum": "minimum", "Maximum": "maximum", "MultipleOf": "multiple of",
	"MinLength": "min length", "MaxLength": "max length", "MinItems": "min items", "MaxItems": "max items",
	"Pattern": "pattern", "Format": "format", "Enum": "one of",
	"items:MinLength": "each min length", "items:MaxLength": "each max length", "items:Pattern": "each pattern",
}

var ruleMessage = regexp.MustCompile(`message="((?:[^"\\]|\\.)*)"`)

// ruleText is the message of a CEL rule marker (rule="...",message="..."), or the rule without one.
func ruleText(rule string) string {
	if match := ruleMessage.FindStringSubmatch(rule); match != nil {
		if message, err := strconv.Unquote(`"` + match[1] + `"`); err == nil {
			return message
		}
		return match[1]
	}
	return "`" + rule + "`"
}

// validations lists the constraints the markers put on a value, and the messages of its CEL rules.
func (c comment) validations() []string {
	var list []string
	listType, _ := c.marker("listType")
	var mapKeys []string
	for _, m := range c.markers {
		if key, ok := strings.CutPrefix(m, "listMapKey="); ok {
			mapKeys = append(mapKeys, "`"+key+"`")
		}
		spec, ok := strings.CutPrefix(m, "kubebuilder:validation:")
		if !ok {
			continue
		}
		if rule, ok := strings.CutPrefix(spec, "XValidation:"); ok {
			list = append(list, "rule: "+ruleText(rule))
			continue
		}
		name, value, _ := strings.Cut(spec, "=")
		if label := validationLabels[name]; label != "" {
			if name == "Enum" {
				value = strings.ReplaceAll(value, ";", ", ")
			}
			list = append(list, label+" `"+strings.Trim(value, "`")+"`")
		}
	}
	switch {
	case listType == "map":
		list = append(list, "one item per "+strings.Join(mapKeys, ", "))
	case listType == "set":
		list = append(list, "list of unique values")
	}
	return list
}

// reference renders the Markdown API reference of pkg, whose version is version.
func reference(pkg *doc.Package, version string) []byte {
	pkgDoc := parseComment(pkg.Doc)
	group, _ := pkgDoc.marker("groupName")
	apiVersion := group + "/" + version

	var kinds, structs, enums, values []*doc.Type
	for _, t := range pkg.Types {
		spec := typeSpec(t)
		structType, isStruct := spec.Type.(*ast.StructType)
		switch {
		case isStruct && embeds(structType, "ListMeta"):
			// Lists are the standard envelope of each kind: not documented.
		case isStruct && embeds(structType, "TypeMeta"):
			kinds = append(kinds, t)
		case isStruct:
			structs = append(structs, t)
		case hasMarker(parseComment(t.Doc), "kubebuilder:validation:Enum"):
			enums = append(enums, t)
		default:
			values = append(values, t)
		}
	}

	var b bytes.Buffer
	b.WriteString("# API reference\n\n")
	b.WriteString("<!-- Generated by hack/api-docs from api/" + version + "; do not edit. Run `make api-docs`. -->\n\n")
	fmt.Fprintf(&b, "%s\n\n", paragraphs(pkgDoc.text))
	fmt.Fprintf(&b, "Every kind is namespaced and has the apiVersion `%s`.\n\n", apiVersion)
	for _, t := range kinds {
		fmt.Fprintf(&b, "- [%s](#%s): %s\n", t.Name, strings.ToLower(t.Name), pkg.Synopsis(t.Doc))
	}

	b.WriteString("\n## Kinds\n")
	for _, t := range kinds {
		writeStruct(&b, t, apiVersion)
	}
	b.WriteString("\n## Types\n")
	for _, t := range structs {
		writeStruct(&b, t, "")
	}
	b.WriteString("\n## Enums\n")
	for _, t := range enums {
		writeEnum(&b, t)
	}
	b.WriteString("\n## Value types\n")
	for _, t := range values {
		c := parseComment(t.Doc)
		fmt.Fprintf(&b, "\n### %s\n\n%s\n\n", t.Name, paragraphs(c.text))
		fmt.Fprintf(&b, "Type: %s.", typeName(typeSpec(t).Type))
		if v := c.validations(); len(v) > 0 {
			fmt.Fprintf(&b, " Validation: %s.", strings.Join(v, "; "))
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

// writeStruct writes a section for a struct type: its doc, its rules and a table of its fields. A kind
// (apiVersion not empty) starts its table with apiVersion and kind.
func writeStruct(b *bytes.Buffer, t *doc.Type, apiVersion string) {
	c := parseComment(t.Doc)
	fmt.Fprintf(b, "\n### %s\n\n%s\n\n", t.Name, paragraphs(c.text))
	for _, v := range c.validations() {
		fmt.Fprintf(b, "- %s\n", v)
	}
	if len(c.validations()) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("| Field | Type | Required | Default | Validation | Description |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- |\n")
	if apiVersion != "" {
		fmt.Fprintf(b, "| `apiVersion` | string | required |  |  | `%s` |\n", apiVersion)
		fmt.Fprintf(b, "| `kind` | string | required |  |  | `%s` |\n", t.Name)
	}
	for _, field := range typeSpec(t).Type.(*ast.StructType).Fields.List {
		name := jsonName(field)
		if name == "" {
			continue
		}
		fc := parseComment(field.Doc.Text())
		required := "optional"
		if _, ok := fc.marker("required"); ok {
			required = "required"
		}
		defaultValue, _ := fc.marker("kubebuilder:default")
		if defaultValue != "" {
			defaultValue = "`" + defaultValue + "`"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s | %s |\n", name, typeName(field.Type), required,
			cell(defaultValue), cell(strings.Join(fc.validations(), "; ")), cell(fc.text))
	}
}

// writeEnum writes a section for an enum: its doc and a table of its values with their constants' docs.
func writeEnum(b *bytes.Buffer, t *doc.Type) {
	c := parseComment(t.Doc)
	fmt.Fprintf(b, "\n### %s\n\n%s\n\n", t.Name, paragraphs(c.text))
	b.WriteString("| Value | Description |\n| --- | --- |\n")
	described := constantDocs(t)
	values, _ := c.marker("kubebuilder:validation:Enum")
	for _, value := range strings.Split(values, ";") {
		fmt.Fprintf(b, "| `%s` | %s |\n", value, cell(described[value]))
	}
}

// constantDocs maps the values of t's constants to their doc comments, without the constant's Go name
// that starts them.
func constantDocs(t *doc.Type) map[string]string {
	docs := map[string]string{}
	for _, group := range t.Consts {
		for _, spec := range group.Decl.Specs {
			valueSpec := spec.(*ast.ValueSpec)
			if len(valueSpec.Values) != 1 {
				continue
			}
			literal, ok := valueSpec.Values[0].(*ast.BasicLit)
			if !ok || literal.Kind != token.STRING {
				continue
			}
			value, err := strconv.Unquote(literal.Value)
			if err == nil {
				docs[value] = strings.TrimPrefix(valueSpec.Doc.Text(), valueSpec.Names[0].Name+" ")
			}
		}
	}
	return docs
}

func typeSpec(t *doc.Type) *ast.TypeSpec {
	return t.Decl.Specs[0].(*ast.TypeSpec)
}

func hasMarker(c comment, name string) bool {
	_, ok := c.marker(name)
	return ok
}

// embeds says whether s embeds metav1's type name.
func embeds(s *ast.StructType, name string) bool {
	for _, field := range s.Fields.List {
		if selector, ok := field.Type.(*ast.SelectorExpr); ok && len(field.Names) == 0 && selector.Sel.Name == name {
			return true
		}
	}
	return false
}

// jsonName is the field's name in JSON, or "" for fields that have none of their own.
func jsonName(field *ast.Field) string {
	if field.Tag == nil {
		return ""
	}
	tag, err := strconv.Unquote(field.Tag.Value)
	if err != nil {
		return ""
	}
	name, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
	if name == "-" {
		return ""
	}
	return name
}

// typeName names a field's type, without pointers, linking the package's own types (the
// exported names without a package) and the Kubernetes metav1 types.
func typeName(expr ast.Expr) string {
	switch e := expr.(type) {
	case *ast.StarExpr:
		return typeName(e.X)
	case *ast.ArrayType:
		return "list of " + typeName(e.Elt)
	case *ast.MapType:
		return "map of " + typeName(e.Key) + " to " + typeName(e.Value)
	case *ast.SelectorExpr:
		pkg := fmt.Sprint(e.X)
		if pkg == "metav1" {
			return "[metav1." + e.Sel.Name + "](https://pkg.go.dev/k8s.io/apimachinery/pkg/apis/meta/v1#" + e.Sel.Name + ")"
		}
		return pkg + "." + e.Sel.Name
	case *ast.Ident:
		if ast.IsExported(e.Name) {
			return "[" + e.Name + "](#" + strings.ToLower(e.Name) + ")"
		}
		return e.Name
	default:
		return fmt.Sprintf("%T", expr)
	}
}

// paragraphs joins the lines of each paragraph of text into one.
func paragraphs(text string) string {
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		out = append(out, strings.Join(strings.Fields(p), " "))
	}
	return strings.Join(out, "\n\n")
}

// cell makes text fit in one Markdown table cell.
func cell(text string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(text), " "), "|", `\|`)
}
