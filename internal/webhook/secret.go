package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// Secret is a webhook signing key. It prints as "[redacted]", so it cannot leak into logs or errors.
type Secret struct {
	key []byte
}

// secretPrefix marks a base64-encoded Standard Webhooks secret.
const secretPrefix = "whsec_"

// ParseSecret reads a signing secret as kept in a Secret: "whsec_" followed by base64, or raw bytes.
// Surrounding white space is ignored, since Secrets written from files often end in a newline. The error
// never repeats the secret.
func ParseSecret(s string) (Secret, error) {
	s = strings.TrimSpace(s)
	if encoded, ok := strings.CutPrefix(s, secretPrefix); ok {
		key, err := base64.StdEncoding.DecodeString(encoded)
		if err != nil {
			return Secret{}, errors.New("signing secret starts with whsec_ but the rest is not base64")
		}
		s = string(key)
	}
	if s == "" {
		return Secret{}, errors.New("signing secret is empty")
	}
	return Secret{key: []byte(s)}, nil
}

// IsZero is true for a Secret that holds no key.
func (s Secret) IsZero() bool {
	return len(s.key) == 0
}

// String hides the key.
func (s Secret) String() string {
	return "[redacted]"
}

// GoString hides the key from %#v.
func (s Secret) GoString() string {
	return "webhook.Secret{[redacted]}"
}

// sign is the Standard Webhooks signature of a message: "v1," and the base64 HMAC-SHA256 of
// "id.timestamp.body".
func (s Secret) sign(id, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(id + "." + timestamp + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
