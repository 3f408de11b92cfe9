package calendar

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// FeedPrefix is the path under which FeedHandler serves feeds: FeedPrefix + token + ".ics".
const FeedPrefix = "/feeds/"

// FeedSource finds one participant's meetings by the participant's feed token. The controllers
// implement it.
type FeedSource interface {
	// Feed returns the events of the participant whose token this is, and false when no participant
	// has it. It must compare tokens with TokenEqual, which takes the same time wherever two tokens
	// differ, and return only that participant's events.
	Feed(ctx context.Context, token string) (events []Event, ok bool, err error)
}

// NewToken returns a new feed token: 32 random bytes in URL-safe base64 without padding.
func NewToken() string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails; it crashes the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}

const tokenBytes = 32

// MinFeedKeyBytes is the shortest key DerivedToken accepts.
const MinFeedKeyBytes = 32

// DerivedToken is the feed token of the participant with the given declared identity under a
// programme's feed key: an HMAC-SHA-256 of the identity, as long as a random token. The same key and
// identity give the same token on any cluster, so subscriptions survive a cluster rebuilt from Git.
func DerivedToken(key []byte, identity string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(identity))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:tokenBytes])
}

// TokenEqual compares two tokens in constant time.
func TokenEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// FeedHandler serves GET and HEAD FeedPrefix + token + ".ics" as text/calendar with the token's
// participant's meetings. A malformed, wrong or unknown token is 404 Not Found, without detail. The
// answer carries an ETag from the content's hash and honours If-None-Match.
func FeedHandler(src FeedSource) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		token, ok := feedToken(r.URL.Path)
		if !ok {
			http.NotFound(w, r)
			return
		}
		events, ok, err := src.Feed(r.Context(), token)
		if err != nil {
			internalError(w)
			return
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		body, err := EncodeFeed(events)
		if err != nil {
			internalError(w)
			return
		}
		serveCalendar(w, r, body)
	})
}

// internalError answers 500 without detail; the FeedSource logs its own failures.
func internalError(w http.ResponseWriter) {
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}

// feedToken returns the token of a feed path, and false when the path cannot hold one.
func feedToken(path string) (string, bool) {
	token, ok := strings.CutPrefix(path, FeedPrefix)
	if !ok {
		return "", false
	}
	token, ok = strings.CutSuffix(token, ".ics")
	if !ok {
		return "", false
	}
	decoded, err := base64.RawURLEncoding.DecodeString(token)
	return token, err == nil && len(decoded) == tokenBytes
}

// serveCalendar writes the calendar with caching headers; http.ServeContent answers HEAD,
// If-None-Match and ranges.
func serveCalendar(w http.ResponseWriter, r *http.Request, body []byte) {
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	h.Set("Cache-Control", "private, max-age=300")
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}
