package crdvalidation

import (
	"context"
	"encoding/json"
	"reflect"
	"regexp"
	"sync"

	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"k8s.io/kube-openapi/pkg/validation/validate"
)

// Items of lists repeat across objects: thousands of participants share a few dozen availability
// windows and topic levels. A rule about a list item sees only the item, so an item once found valid
// is valid wherever it appears; each list remembers the items it found valid, by their JSON, and checks
// only new ones. That makes checking a large roster several times faster, with the same verdicts and
// messages: an invalid item is always checked, so its errors name its own place.

// itemRules are the CEL rules of the items of one list, such as spec.availability.
type itemRules struct {
	path   []string
	schema *structuralschema.Structural
	rules  *cel.Validator
	valid  sync.Map // item's JSON → struct{}
}

// compile compiles the CEL rules: those of the items of top-level lists apart, and the rest.
func (k *kind) compile() {
	outside := k.structural.DeepCopy()
	k.lists = splitItemRules(outside, nil)
	k.rules = cel.NewValidator(outside, true, celconfig.PerCallLimit)
}

// splitItemRules takes the rules of the items of the outermost lists below s out of s, and returns them.
func splitItemRules(s *structuralschema.Structural, path []string) []*itemRules {
	var lists []*itemRules
	for name, prop := range s.Properties {
		at := append(append([]string{}, path...), name)
		if prop.Items != nil {
			item := prop.Items.DeepCopy()
			if rules := cel.NewValidator(item, item.XEmbeddedResource, celconfig.PerCallLimit); rules != nil {
				lists = append(lists, &itemRules{path: at, schema: item, rules: rules})
				removeRules(prop.Items)
			}
		} else {
			lists = append(lists, splitItemRules(&prop, at)...)
		}
		s.Properties[name] = prop
	}
	return lists
}

// removeRules removes every CEL rule of s and below.
func removeRules(s *structuralschema.Structural) {
	s.XValidations = nil
	if s.Items != nil {
		removeRules(s.Items)
	}
	for name, prop := range s.Properties {
		removeRules(&prop)
		s.Properties[name] = prop
	}
}

// validate checks the items of the list in obj that were not found valid before.
func (l *itemRules) validate(ctx context.Context, obj map[string]any) field.ErrorList {
	items, _, _ := unstructured.NestedSlice(obj, l.path...)
	var errs field.ErrorList
	path := field.NewPath(l.path[0], l.path[1:]...)
	for i, item := range items {
		key, err := json.Marshal(item)
		if err == nil {
			if _, ok := l.valid.Load(string(key)); ok {
				continue
			}
		}
		found, _ := l.rules.Validate(ctx, path.Index(i), l.schema, item, nil, celconfig.RuntimeCELCostBudget)
		if len(found) == 0 && err == nil {
			l.valid.Store(string(key), struct{}{})
		}
		errs = append(errs, found...)
	}
	return errs
}

// knownValid is a list item's OpenAPI validator that remembers the items it found valid, by their JSON
// and the list's path without indices.
type knownValid struct {
	*validate.SchemaValidator
	list  string
	valid *sync.Map
}

func (v knownValid) Validate(data any) *validate.Result {
	item, isObject := data.(map[string]any)
	if !isObject {
		return v.SchemaValidator.Validate(data)
	}
	key, err := json.Marshal(item)
	if err != nil {
		return v.SchemaValidator.Validate(data)
	}
	if _, ok := v.valid.Load(v.list + string(key)); ok {
		return &validate.Result{}
	}
	result := v.SchemaValidator.Validate(data)
	if result.IsValid() {
		v.valid.Store(v.list+string(key), struct{}{})
	}
	return result
}

func (v knownValid) Applies(source any, kind reflect.Kind) bool {
	return v.SchemaValidator.Applies(source, kind)
}

// listPath is an item's path without its indices: spec.availability[3] gives spec.availability[].
func listPath(path string) string { return index.ReplaceAllString(path, "[]") }

var index = regexp.MustCompile(`\[[0-9]+\]`)
