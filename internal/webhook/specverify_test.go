package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// specTolerance is how far a webhook-timestamp may be from the receiver's clock.
const specTolerance = 5 * time.Minute

// verifySpec checks a delivery as the Standard Webhooks specification tells a receiver to, written from
// the specification alone, without the package's signer: the three headers are present, the timestamp
// is within the tolerance of now, and one of the space-separated "v1,<base64>" signatures is the
// HMAC-SHA256, keyed with the base64 part of the whsec_ secret, of "<id>.<timestamp>.<body>".
func verifySpec(whsec string, header http.Header, body []byte, now time.Time) error {
	msgID, timestamp, signatures := header.Get("webhook-id"), header.Get("webhook-timestamp"), header.Get("webhook-signature")
	if msgID == "" || timestamp == "" || signatures == "" {
		return errors.New("missing webhook-id, webhook-timestamp or webhook-signature")
	}
	seconds, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errors.New("webhook-timestamp is not a number")
	}
	if skew := now.Sub(time.Unix(seconds, 0)); skew > specTolerance || skew < -specTolerance {
		return errors.New("webhook-timestamp is too far from now")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(whsec, "whsec_"))
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msgID + "." + timestamp + "." + string(body)))
	want := []byte(base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	for _, s := range strings.Fields(signatures) {
		if version, sig, ok := strings.Cut(s, ","); ok && version == "v1" && hmac.Equal([]byte(sig), want) {
			return nil
		}
	}
	return errors.New("no v1 signature matches")
}
