package email

import (
	"testing"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// TestNamesMatchTheAPI keeps the package's recipients, kinds, TLS modes, states and problems spelled as
// the API's, so controllers convert between them with a plain type conversion.
func TestNamesMatchTheAPI(t *testing.T) {
	pairs := [][2]string{
		{string(Mentor), string(mentoringv1alpha1.RoleMentor)},
		{string(Mentee), string(mentoringv1alpha1.RoleMentee)},
		{string(Introduction), string(mentoringv1alpha1.EmailIntroduction)},
		{string(Invitation), string(mentoringv1alpha1.EmailInvitation)},
		{string(StartTLS), string(mentoringv1alpha1.EmailStartTLS)},
		{string(ImplicitTLS), string(mentoringv1alpha1.EmailImplicitTLS)},
		{string(NoTLS), string(mentoringv1alpha1.EmailNoTLS)},
		{string(StatePending), string(mentoringv1alpha1.DeliveryPending)},
		{string(StateDelivered), string(mentoringv1alpha1.DeliveryDelivered)},
		{string(StateFailed), string(mentoringv1alpha1.DeliveryFailed)},
		{string(ProblemAuthentication), mentoringv1alpha1.ReasonAuthenticationFailed},
		{string(ProblemSender), mentoringv1alpha1.ReasonSenderRefused},
		{string(ProblemTLS), mentoringv1alpha1.ReasonTLSUnavailable},
		{string(ProblemAddress), mentoringv1alpha1.ReasonAddressRefused},
	}
	for _, p := range pairs {
		if p[0] != p[1] {
			t.Errorf("email has %q where the API has %q", p[0], p[1])
		}
	}
	if DefaultPolicy.MaxRecords > 8 {
		t.Errorf("the policy keeps %d records, the API's status.email.messages holds 8", DefaultPolicy.MaxRecords)
	}
}
