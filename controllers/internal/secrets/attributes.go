package secrets

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

// Attributes gives participants the attributes their spec.attributesSecretRef Secrets hold, for
// matching: the participants as planner.WithSecretAttributes resolves them, and the verdicts of those
// whose Secret is missing or invalid. The values are used by the matcher only, never written anywhere.
func Attributes(ctx context.Context, c client.Reader, namespace string, participants []mentoringv1alpha1.Participant) (
	[]mentoringv1alpha1.Participant, map[string]planner.Verdict, error) {
	data := map[string]map[string][]byte{}
	for i := range participants {
		ref := participants[i].Spec.AttributesSecretRef
		if ref == nil {
			continue
		}
		if _, read := data[ref.Name]; read {
			continue
		}
		secret := &corev1.Secret{}
		err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: ref.Name}, secret)
		switch {
		case apierrors.IsNotFound(err):
		case err != nil:
			return nil, nil, err
		default:
			data[ref.Name] = secret.Data
		}
	}
	resolved, problems := planner.WithSecretAttributes(participants, data)
	return resolved, problems, nil
}
