// Package crdvalidation checks custom resources offline the way kube-apiserver checks them when they are
// created, from the CustomResourceDefinitions themselves and with the API server's own libraries: unknown
// fields are refused (as with kubectl's default --validate=strict), defaults are applied, then the
// OpenAPI schema, the list types and the CEL rules (x-kubernetes-validations) are checked. Rules that
// compare with an old object (transition rules) do not apply to a create.
//
// It is what lets the kubectl plugin refuse in a pull request what the cluster would refuse on apply,
// without a hand-written copy of the rules that could drift from the CRDs.
package crdvalidation

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"

	apiextensionsinternal "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	structurallisttype "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/kube-openapi/pkg/validation/spec"
	"k8s.io/kube-openapi/pkg/validation/strfmt"
	"k8s.io/kube-openapi/pkg/validation/validate"
	"sigs.k8s.io/yaml"
)

// Validator checks objects of the kinds its CRDs define. It is safe for concurrent use.
type Validator struct {
	kinds map[schema.GroupVersionKind]*kind
}

// kind is what checking one served version of a CRD needs.
type kind struct {
	namespaced bool
	// structural is the version's schema, for pruning and list types; defaults has its defaults, pruned
	// as the API server prunes them, for defaulting.
	structural, defaults *structuralschema.Structural
	schema               *createValidator
	// The CEL rules are compiled on first use, by place (rules.go): a plan of Participants alone never
	// compiles the Programme's rules.
	celOnce sync.Once
	rules   []*placeRules
}

// New reads the CRDs in the files of fsys that match pattern (YAML, one CRD per file).
func New(fsys fs.FS, pattern string) (*Validator, error) {
	files, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no CustomResourceDefinition matches %s", pattern)
	}
	v := &Validator{kinds: map[schema.GroupVersionKind]*kind{}}
	for _, file := range files {
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		if err := v.add(data); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	}
	return v, nil
}

// add reads one CRD and adds every served version that has a schema.
func (v *Validator) add(data []byte) error {
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.UnmarshalStrict(data, &crd); err != nil {
		return err
	}
	for _, version := range crd.Spec.Versions {
		if !version.Served || version.Schema == nil {
			continue
		}
		var internal apiextensionsinternal.CustomResourceValidation
		if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(version.Schema, &internal, nil); err != nil {
			return err
		}
		structural, err := structuralschema.NewStructural(internal.OpenAPIV3Schema)
		if err != nil {
			return err
		}
		defaults := structural.DeepCopy()
		if err := structuraldefaulting.PruneDefaults(defaults); err != nil {
			return err
		}
		_, openAPI, err := apiservervalidation.NewSchemaValidator(internal.OpenAPIV3Schema)
		if err != nil {
			return err
		}
		gvk := schema.GroupVersionKind{Group: crd.Spec.Group, Version: version.Name, Kind: crd.Spec.Names.Kind}
		v.kinds[gvk] = &kind{namespaced: crd.Spec.Scope == apiextensionsv1.NamespaceScoped,
			structural: structural, defaults: defaults,
			schema: newCreateValidator(openAPI)}
	}
	return nil
}

// Knows reports whether the validator checks objects of gvk.
func (v *Validator) Knows(gvk schema.GroupVersionKind) bool {
	_, ok := v.kinds[gvk]
	return ok
}

// Validate checks an object in JSON and returns it with the CRD's defaults applied. The errors name
// fields by their path; unknown fields come with the closest known name.
func (v *Validator) Validate(ctx context.Context, data []byte) (map[string]any, field.ErrorList) {
	// As the API server decodes a request: whole numbers become int64, as the CEL rules expect.
	var obj map[string]any
	if err := utiljson.Unmarshal(data, &obj); err != nil {
		return nil, field.ErrorList{field.Invalid(nil, field.OmitValueType{}, err.Error())}
	}
	return obj, v.validate(ctx, obj, bytes.Contains(data, []byte("null")))
}

// validate checks obj; hasNulls says whether it may hold null values, which are dropped where the schema
// does not allow them, as the API server drops them.
func (v *Validator) validate(ctx context.Context, obj map[string]any, hasNulls bool) field.ErrorList {
	apiVersion, _ := obj["apiVersion"].(string)
	kindName, _ := obj["kind"].(string)
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return field.ErrorList{field.Invalid(field.NewPath("apiVersion"), apiVersion, err.Error())}
	}
	k, ok := v.kinds[gv.WithKind(kindName)]
	if !ok {
		return field.ErrorList{field.NotSupported(field.NewPath("kind"), kindName, v.kindsOf(gv))}
	}

	// Decoding, as the API server decodes a request: unknown fields, metadata, defaults.
	errs := k.metadata(obj)
	unknown := structuralpruning.PruneWithOptions(obj, k.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	for _, path := range unknown {
		errs = append(errs, unknownField(k.structural, path))
	}
	if hasNulls {
		structuraldefaulting.PruneNonNullableNullsWithoutDefaults(obj, k.structural)
	}
	structuraldefaulting.Default(obj, k.defaults)

	// Validation, as on create.
	errs = append(errs, apiservervalidation.ValidateCustomResource(nil, obj, k.schema)...)
	errs = append(errs, structurallisttype.ValidateListSetsAndMaps(nil, k.structural, obj)...)
	if blocking(errs) {
		return append(errs, field.Invalid(nil, nil, "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"))
	}
	k.celOnce.Do(k.compile)
	for _, p := range k.rules {
		errs = append(errs, p.validate(ctx, obj)...)
	}
	return errs
}

// metadata checks the object's metadata as the API server does, but for the namespace, which manifests
// usually leave to the overlay or to kubectl -n.
func (k *kind) metadata(obj map[string]any) field.ErrorList {
	path := field.NewPath("metadata")
	meta, found, unknown, err := schemaobjectmeta.GetObjectMetaWithOptions(obj, schemaobjectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: true})
	if err != nil {
		return field.ErrorList{field.Invalid(path, field.OmitValueType{}, err.Error())}
	}
	if !found {
		meta = &metav1.ObjectMeta{} // an object without metadata: its name is missing
	}
	var errs field.ErrorList
	for _, p := range unknown {
		errs = append(errs, unknownField(objectMetaSchema, p))
	}
	if k.namespaced && meta.Namespace == "" {
		meta.Namespace = "default"
	}
	return append(errs, apimachineryvalidation.ValidateObjectMeta(meta, k.namespaced, apimachineryvalidation.NameIsDNSSubdomain, path)...)
}

// blocking reports whether the API server would skip the CEL rules because of errs: the rules assume
// the types, required fields and bounds of the schema.
func blocking(errs field.ErrorList) bool {
	return slices.ContainsFunc(errs, func(e *field.Error) bool {
		switch e.Type {
		case field.ErrorTypeNotSupported, field.ErrorTypeRequired, field.ErrorTypeTooLong, field.ErrorTypeTooMany, field.ErrorTypeTypeInvalid:
			return true
		}
		return false
	})
}

// kindsOf lists the kinds the validator knows in a group version.
func (v *Validator) kindsOf(gv schema.GroupVersion) []string {
	var kinds []string
	for gvk := range v.kinds {
		if gvk.GroupVersion() == gv {
			kinds = append(kinds, gvk.Kind)
		}
	}
	slices.Sort(kinds)
	return kinds
}

// unknownField reports a field the schema does not have, with the closest name it has at that place.
func unknownField(root *structuralschema.Structural, path string) *field.Error {
	detail := "unknown field"
	parent, name := splitPath(path)
	if s := schemaAt(root, parent); s != nil {
		if known := Closest(name, slices.Collect(maps.Keys(s.Properties))); known != "" {
			detail += ": did you mean " + strings.TrimPrefix(parent+"."+known, ".") + "?"
		}
	}
	return field.Forbidden(field.NewPath(path), detail)
}

// objectMetaSchema names the fields of metadata, for suggestions.
var objectMetaSchema = &structuralschema.Structural{Properties: map[string]structuralschema.Structural{"metadata": {
	Properties: map[string]structuralschema.Structural{"name": {}, "generateName": {}, "namespace": {}, "labels": {},
		"annotations": {}, "ownerReferences": {}, "finalizers": {}}}}}

// splitPath splits "spec.availability[0].strat" into "spec.availability[0]" and "strat".
func splitPath(path string) (string, string) {
	i := strings.LastIndexByte(path, '.')
	if i < 0 {
		return "", path
	}
	return path[:i], path[i+1:]
}

// schemaAt follows a path such as "spec.availability[0]" through the schema; nil where it leaves it.
func schemaAt(s *structuralschema.Structural, path string) *structuralschema.Structural {
	if path == "" {
		return s
	}
	for _, part := range strings.Split(path, ".") {
		name, _, _ := strings.Cut(part, "[")
		prop, ok := s.Properties[name]
		if !ok {
			return nil
		}
		s = &prop
		for range strings.Count(part, "[") {
			if s.Items == nil {
				return nil
			}
			s = s.Items
		}
	}
	return s
}

// createValidator checks an object against the OpenAPI schema as the API server does on create, with
// the same kube-openapi validators, but builds each field's validator once instead of for every object
// (the API server's builds them all again for every request), and skips the values found valid before
// at the same place (memo.go). A field's path names its schema, so validators are kept by path.
type createValidator struct {
	root       *validate.SchemaValidator
	validators sync.Map // path → remembering
	memos      sync.Map // place → *memo
}

func newCreateValidator(schema *spec.Schema) *createValidator {
	v := &createValidator{}
	v.root = validate.NewSchemaValidator(schema, nil, "", strfmt.Default, v.reuse)
	return v
}

// reuse makes a validator build its fields' and items' validators through forPath.
func (v *createValidator) reuse(o *validate.SchemaValidatorOptions) {
	o.NewValidatorForField = func(_ string, schema *spec.Schema, root any, path string, formats strfmt.Registry, _ ...validate.Option) validate.ValueValidator {
		return v.forPath(schema, root, path, formats)
	}
	o.NewValidatorForIndex = func(_ int, schema *spec.Schema, root any, path string, formats strfmt.Registry, _ ...validate.Option) validate.ValueValidator {
		return v.forPath(schema, root, path, formats)
	}
}

func (v *createValidator) forPath(schema *spec.Schema, root any, path string, formats strfmt.Registry) validate.ValueValidator {
	if known, ok := v.validators.Load(path); ok {
		return known.(remembering)
	}
	m, _ := v.memos.LoadOrStore(place(path), &memo{})
	made, _ := v.validators.LoadOrStore(path, remembering{validate.NewSchemaValidator(schema, root, path, formats, v.reuse), m.(*memo)})
	return made.(remembering)
}

func (v *createValidator) Validate(obj any, _ ...apiservervalidation.ValidationOption) *validate.Result {
	return v.root.Validate(obj)
}

// remembering is a field's or an item's validator that skips the values found valid before.
type remembering struct {
	*validate.SchemaValidator
	*memo
}

func (v remembering) Validate(data any) *validate.Result {
	key, remember := v.key(data)
	if remember && v.known(key) {
		return &validate.Result{}
	}
	result := v.SchemaValidator.Validate(data)
	if remember && result.IsValid() {
		v.remember(key)
	}
	return result
}

func (v remembering) Applies(source any, kind reflect.Kind) bool {
	return v.SchemaValidator.Applies(source, kind)
}
