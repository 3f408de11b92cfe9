package planner

import (
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/util/validation"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// maxAttributes bounds a participant's attributes, from spec.attributes and the Secret together, as the
// API bounds spec.attributes.
const maxAttributes = 16

// maxAttributeValue is the longest attribute value, as the API allows in spec.attributes.
const maxAttributeValue = 63

// SecretAttributes is spec.attributes with the attributes of the participant's attributes Secret added,
// in name order: each key of the Secret's data is an attribute name, its value the attribute's value.
// The matcher then treats them exactly as attributes written in the spec. An error names the Secret and
// the key at fault, never a value: the Secret is there because its values are sensitive.
func SecretAttributes(p *mentoringv1alpha1.Participant, data map[string][]byte) ([]mentoringv1alpha1.Attribute, error) {
	secret := "<none>"
	if ref := p.Spec.AttributesSecretRef; ref != nil {
		secret = ref.Name
	}
	merged := map[string]string{}
	for _, a := range p.Spec.Attributes {
		merged[a.Name] = a.Value
	}
	for _, key := range slices.Sorted(maps.Keys(data)) {
		value := data[key]
		switch {
		case len(validation.IsDNS1123Label(key)) > 0:
			// The key is not echoed: a malformed key may be a value written in the wrong place.
			return nil, fmt.Errorf("Secret %s has a key that is not an attribute name: use lowercase letters, digits and '-', at most 63", secret)
		case len(value) == 0 || len(value) > maxAttributeValue || !utf8.Valid(value):
			return nil, fmt.Errorf("Secret %s: the value of %s must be UTF-8 text of 1 to %d bytes", secret, key, maxAttributeValue)
		}
		if _, twice := merged[key]; twice {
			return nil, fmt.Errorf("attribute %s is both in spec.attributes and in Secret %s: keep it in one place", key, secret)
		}
		merged[key] = string(value)
	}
	if len(merged) > maxAttributes {
		return nil, fmt.Errorf("spec.attributes and Secret %s hold %d attributes together; at most %d", secret, len(merged), maxAttributes)
	}
	out := make([]mentoringv1alpha1.Attribute, 0, len(merged))
	for _, name := range slices.Sorted(maps.Keys(merged)) {
		out = append(out, mentoringv1alpha1.Attribute{Name: name, Value: merged[name]})
	}
	return out, nil
}

// WithSecretAttributes prepares participants for Plan, Input, Verdicts and Assess: each one with a
// spec.attributesSecretRef gets the attributes of that Secret added to spec.attributes (SecretAttributes).
// secrets holds the data of the Secrets read, by Secret name; a name missing from it is a Secret that
// does not exist. The participants are returned as they are when none refers to a Secret; otherwise the
// slice is a copy, and the caller's participants are unchanged.
//
// problems has, by participant name, the verdict for each participant whose Secret is missing or
// invalid: such a participant keeps only spec.attributes here, and should be held out of new pairings
// and reported Stalled with this verdict until a person fixes the Secret. Its message names the Secret
// and a key, never a value.
func WithSecretAttributes(participants []mentoringv1alpha1.Participant, secrets map[string]map[string][]byte) (
	resolved []mentoringv1alpha1.Participant, problems map[string]Verdict) {
	problems = map[string]Verdict{}
	resolved = participants
	copied := false
	for i := range participants {
		p := &participants[i]
		ref := p.Spec.AttributesSecretRef
		if ref == nil {
			continue
		}
		if !copied {
			resolved, copied = slices.Clone(participants), true
		}
		data, found := secrets[ref.Name]
		if !found {
			problems[p.Name] = Verdict{Reason: mentoringv1alpha1.ReasonSecretNotFound, NeedsFix: true,
				Message: fmt.Sprintf("Secret %s named by spec.attributesSecretRef does not exist: create it, or remove spec.attributesSecretRef.", ref.Name)}
			continue
		}
		attributes, err := SecretAttributes(p, data)
		if err != nil {
			problems[p.Name] = Verdict{Reason: mentoringv1alpha1.ReasonInvalidAttributes, NeedsFix: true, Message: capitalise(err.Error()) + "."}
			continue
		}
		resolved[i].Spec.Attributes = attributes
	}
	return resolved, problems
}

// capitalise upper-cases an ASCII first letter, to turn an error into a condition message.
func capitalise(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
