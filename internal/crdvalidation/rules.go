package crdvalidation

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
)

// placeRules are the CEL rules (x-kubernetes-validations) of one place of the schema, compiled against
// that place's schema with the rules below it taken out, so that each place is checked apart and its
// valid values remembered (memo.go). A rule sees only its place's value (self), and of that only the
// fields its text names: those are what the memo keeps.
type placeRules struct {
	// steps lead to the place: property names, and "[]" for every item of a list.
	steps  []string
	schema *structuralschema.Structural
	rules  *cel.Validator
	// fields are the fields of the value the rules name; nil when a rule uses the value whole.
	fields []string
	memo
}

// compile compiles the CEL rules of every place of the kind's schema.
func (k *kind) compile() {
	k.rules = splitRules(k.structural, nil, true)
}

// splitRules compiles the rules of s and of every place below it that a create evaluates (rules that
// compare with oldSelf apply to updates only). Below a map (additionalProperties) the rules are not
// split: the map's place checks them all.
func splitRules(s *structuralschema.Structural, steps []string, resourceRoot bool) []*placeRules {
	var places []*placeRules
	whole := s.AdditionalProperties != nil && s.AdditionalProperties.Structural != nil && hasRules(s.AdditionalProperties.Structural)
	if createRules(s) || whole {
		own := s.DeepCopy()
		if !whole {
			for name, prop := range own.Properties {
				removeRules(&prop)
				own.Properties[name] = prop
			}
			if own.Items != nil {
				removeRules(own.Items)
			}
		}
		if rules := cel.NewValidator(own, resourceRoot, celconfig.PerCallLimit); rules != nil {
			places = append(places, &placeRules{steps: slices.Clone(steps), schema: own, rules: rules, fields: namedFields(s, whole)})
		}
	}
	if whole {
		return places
	}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		prop := s.Properties[name]
		places = append(places, splitRules(&prop, append(slices.Clone(steps), name), prop.XEmbeddedResource)...)
	}
	if s.Items != nil {
		places = append(places, splitRules(s.Items, append(slices.Clone(steps), "[]"), s.Items.XEmbeddedResource)...)
	}
	return places
}

// createRules reports whether s has a rule that a create evaluates.
func createRules(s *structuralschema.Structural) bool {
	return slices.ContainsFunc(s.XValidations, func(r apiextensionsv1.ValidationRule) bool {
		return !strings.Contains(r.Rule, "oldSelf") || r.OptionalOldSelf != nil && *r.OptionalOldSelf
	})
}

// hasRules reports whether s or anything below it has a rule.
func hasRules(s *structuralschema.Structural) bool {
	if len(s.XValidations) > 0 || s.Items != nil && hasRules(s.Items) {
		return true
	}
	for _, prop := range s.Properties {
		if hasRules(&prop) {
			return true
		}
	}
	return s.AdditionalProperties != nil && s.AdditionalProperties.Structural != nil && hasRules(s.AdditionalProperties.Structural)
}

// removeRules removes every rule of s and below.
func removeRules(s *structuralschema.Structural) {
	s.XValidations = nil
	if s.Items != nil {
		removeRules(s.Items)
	}
	for name, prop := range s.Properties {
		removeRules(&prop)
		s.Properties[name] = prop
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Structural != nil {
		removeRules(s.AdditionalProperties.Structural)
	}
}

// selfUse finds self in a rule, and the field it selects, if any.
var selfUse = regexp.MustCompile(`\bself\b(?:\s*\.\s*\??\s*([A-Za-z_][A-Za-z0-9_]*))?`)

// namedFields are the fields of s that its rules name (self.x, has(self.x), self.?x); nil when a rule
// uses self whole, or names a field that is not one of s's properties as written (an escaped name).
func namedFields(s *structuralschema.Structural, whole bool) []string {
	if whole || len(s.Properties) == 0 {
		return nil
	}
	var fields []string
	for _, r := range s.XValidations {
		for _, m := range selfUse.FindAllStringSubmatch(r.Rule+" "+r.MessageExpression, -1) {
			if _, ok := s.Properties[m[1]]; !ok {
				return nil
			}
			if !slices.Contains(fields, m[1]) {
				fields = append(fields, m[1])
			}
		}
	}
	return fields
}

// validate checks the rules at every value of the place in obj, skipping the values found valid before.
func (p *placeRules) validate(ctx context.Context, obj map[string]any) field.ErrorList {
	var errs field.ErrorList
	p.visit(obj, p.steps, nil, func(value any, path *field.Path) {
		key, remembering := p.key(p.project(value))
		if remembering && p.known(key) {
			return
		}
		found, _ := p.rules.Validate(ctx, path, p.schema, value, nil, celconfig.RuntimeCELCostBudget)
		if len(found) == 0 && remembering {
			p.remember(key)
		}
		errs = append(errs, found...)
	})
	return errs
}

// visit calls check with every value at steps below value, and its path.
func (p *placeRules) visit(value any, steps []string, path *field.Path, check func(any, *field.Path)) {
	switch {
	case value == nil:
	case len(steps) == 0:
		check(value, path)
	case steps[0] == "[]":
		items, _ := value.([]any)
		for i, item := range items {
			p.visit(item, steps[1:], path.Index(i), check)
		}
	default:
		if m, ok := value.(map[string]any); ok {
			p.visit(m[steps[0]], steps[1:], path.Child(steps[0]), check)
		}
	}
}

// project is what the rules see of a value: the fields they name.
func (p *placeRules) project(value any) any {
	m, ok := value.(map[string]any)
	if !ok || p.fields == nil {
		return value
	}
	projection := make(map[string]any, len(p.fields))
	for _, f := range p.fields {
		if v, ok := m[f]; ok {
			projection[f] = v
		}
	}
	return projection
}
