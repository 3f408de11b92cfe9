// Package secrets reads the Secrets that programmes reference for their integrations' credentials.
package secrets

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
)

// Key reads one key of a Secret (defaultKey when the reference names none) and the Secret's resource
// version. The value is nil when the Secret or the key does not exist.
func Key(ctx context.Context, c client.Reader, namespace string, ref mentoringv1alpha1.SecretKeyReference, defaultKey string) ([]byte, string, error) {
	secret := &corev1.Secret{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: ref.Name}, secret); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, "", nil
		}
		return nil, "", err
	}
	key := ref.Key
	if key == "" {
		key = defaultKey
	}
	return secret.Data[key], secret.ResourceVersion, nil
}
