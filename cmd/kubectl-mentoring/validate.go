package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/util/validation/field"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/config/crd"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/crdvalidation"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/zones"
)

// Manifests are checked as the API server checks them on apply, from the CRDs this plugin was built
// with (internal/crdvalidation): unknown fields, types, enums, ranges, formats and the CEL rules. On top
// come the checks the operator makes, which a CRD cannot express: a time zone must exist (the operator
// stalls a participant whose zone it cannot load), and the references between objects (manifests.go).
// Personal data (emails, display names, employee ids, managers) never appears in a message.

// crds is the validator of the embedded CRDs, built on first use (it takes tens of milliseconds).
var crds = sync.OnceValues(func() (*crdvalidation.Validator, error) {
	return crdvalidation.New(crd.Bases, "bases/*.yaml")
})

// crdProblems checks one object against the CRDs; a decoding error the CRDs do not explain is reported
// as it is.
func crdProblems(src source, label string, data []byte, decodeErr error) []error {
	v, err := crds()
	if err != nil {
		return []error{fmt.Errorf("%s (%s): reading the CRDs built into this plugin: %w", src, label, err)}
	}
	_, problems := v.Validate(context.Background(), data)
	if len(problems) == 0 && decodeErr != nil {
		return []error{fmt.Errorf("%s (%s): %w", src, label, decodeErr)}
	}
	errs := make([]error, len(problems))
	for i, p := range problems {
		p = withoutPersonalData(p)
		if p.Field == "<nil>" {
			// A rule about the whole object: the source and the label already name it.
			errs[i] = fmt.Errorf("%s (%s): %s", src, label, p.ErrorBody())
			continue
		}
		errs[i] = fmt.Errorf("%s (%s): %w", src, label, p)
	}
	return errs
}

// personalFields are the fields whose values are personal data.
var personalFields = []string{"spec.email", "spec.displayName", "spec.employeeId", "spec.managementChain"}

// withoutPersonalData leaves out the value of an error about a personal field.
func withoutPersonalData(e *field.Error) *field.Error {
	if slices.ContainsFunc(personalFields, func(p string) bool { return e.Field == p || strings.HasPrefix(e.Field, p+"[") }) {
		scrubbed := *e
		scrubbed.BadValue = field.OmitValueType{}
		return &scrubbed
	}
	return e
}

// checkProgramme makes the operator's checks of a programme that its CRD cannot make.
func checkProgramme(p *mentoringv1alpha1.Programme) field.ErrorList {
	if z := p.Spec.Schedule.TimeZone; z != "" {
		return checkZone(field.NewPath("spec", "schedule", "timeZone"), z)
	}
	return nil
}

// checkParticipant makes the operator's checks of a participant that its CRD cannot make.
func checkParticipant(p *mentoringv1alpha1.Participant) field.ErrorList {
	if z := p.Spec.Timezone; z != "" {
		return checkZone(field.NewPath("spec", "timezone"), z)
	}
	return nil
}

// checkZone checks that a zone exists, and suggests the zones a person may have meant.
func checkZone(path *field.Path, zone mentoringv1alpha1.TimeZone) field.ErrorList {
	if zones.Check(string(zone)) {
		return nil
	}
	return field.ErrorList{field.Invalid(path, zone, "is not a known IANA time zone"+didYouMean(zones.Suggest(string(zone))))}
}

// didYouMean is ", did you mean A or B?", or "" without suggestions.
func didYouMean(suggestions []string) string {
	if len(suggestions) == 0 {
		return ""
	}
	return ", did you mean " + strings.Join(suggestions, " or ") + "?"
}
