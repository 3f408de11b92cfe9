package calendar

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// participantFeeds is a FeedSource as the controllers will write it: each participant's token and
// events, tokens compared with TokenEqual against every participant.
type participantFeeds struct {
	feeds []struct {
		token  string
		events []Event
	}
	calls atomic.Int32
	err   error
}

func (p *participantFeeds) Feed(_ context.Context, token string) ([]Event, bool, error) {
	p.calls.Add(1)
	if p.err != nil {
		return nil, false, p.err
	}
	var found []Event
	ok := false
	for _, f := range p.feeds {
		if TokenEqual(f.token, token) {
			found, ok = f.events, true
		}
	}
	return found, ok, nil
}

func (p *participantFeeds) add(token string, events ...Event) {
	p.feeds = append(p.feeds, struct {
		token  string
		events []Event
	}{token, events})
}

// meeting is an event between two people on the office pair's slot.
func meeting(t *testing.T, uid, a, b string) Event {
	ev := validEvent(t)
	ev.UID, ev.Summary = EventUID(uid), "Reverse mentoring: "+a+" and "+b
	ev.Attendees = []Contact{{a, strings.ToLower(a) + "@example.org"}, {b, strings.ToLower(b) + "@example.org"}}
	return ev
}

func feedServer(t *testing.T) (*httptest.Server, *participantFeeds, string, string) {
	src := &participantFeeds{}
	ana, bob := NewToken(), NewToken()
	src.add(ana, meeting(t, "pairing-ana-carl", "Ana", "Carl"), meeting(t, "pairing-ana-dora", "Ana", "Dora"))
	src.add(bob, meeting(t, "pairing-bob-erin", "Bob", "Erin"))
	mux := http.NewServeMux()
	mux.Handle(FeedPrefix, FeedHandler(src))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, src, ana, bob
}

func get(t *testing.T, method, target string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestFeedServesOnlyTheParticipantsMeetings fetches a participant's feed, parses it with ical.js
// and checks it holds that participant's meetings and nothing of anyone else's.
func TestFeedServesOnlyTheParticipantsMeetings(t *testing.T) {
	srv, _, ana, _ := feedServer(t)
	resp, body := get(t, http.MethodGet, srv.URL+FeedPrefix+ana+".ics", nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("GET: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp.Header.Get("ETag") == "" || !strings.Contains(resp.Header.Get("Cache-Control"), "private") {
		t.Fatalf("caching headers: ETag %q, Cache-Control %q", resp.Header.Get("ETag"), resp.Header.Get("Cache-Control"))
	}
	cal := icaljs(t, []byte(body))[0]
	var uids []string
	for _, e := range cal.Events {
		uids = append(uids, e.UID)
		if len(e.Occurrences) == 0 {
			t.Fatalf("event %s expands to no meeting", e.UID)
		}
	}
	slices.Sort(uids)
	if want := []string{EventUID("pairing-ana-carl"), EventUID("pairing-ana-dora")}; !slices.Equal(uids, want) {
		t.Fatalf("Ana's feed holds %v, want %v", uids, want)
	}
	for _, other := range []string{"pairing-bob-erin", "Bob", "Erin", "bob@example.org", "erin@example.org"} {
		if strings.Contains(body, other) {
			t.Fatalf("Ana's feed shows %q from another participant's meetings", other)
		}
	}
}

func TestFeedAnswersHEADAndConditionalRequests(t *testing.T) {
	srv, _, _, bob := feedServer(t)
	target := srv.URL + FeedPrefix + bob + ".ics"
	full, body := get(t, http.MethodGet, target, nil)
	head, headBody := get(t, http.MethodHead, target, nil)
	if head.StatusCode != http.StatusOK || headBody != "" || head.Header.Get("ETag") != full.Header.Get("ETag") ||
		head.ContentLength != int64(len(body)) || head.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("HEAD: %d, %d octets of body, ETag %q, length %d", head.StatusCode, len(headBody), head.Header.Get("ETag"), head.ContentLength)
	}
	again, _ := get(t, http.MethodGet, target, http.Header{"If-None-Match": {full.Header.Get("ETag")}})
	if again.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match with the current ETag: %d, want 304", again.StatusCode)
	}
	if second, secondBody := get(t, http.MethodGet, target, nil); second.Header.Get("ETag") != full.Header.Get("ETag") || secondBody != body {
		t.Fatal("the same meetings gave a different feed")
	}
}

func TestFeedRefusesWrongTokensWithoutDetail(t *testing.T) {
	srv, src, ana, _ := feedServer(t)
	for name, path := range map[string]string{
		"unknown token":         FeedPrefix + NewToken() + ".ics",
		"one character changed": FeedPrefix + changeFirst(ana) + ".ics",
		"short token":           FeedPrefix + ana[:20] + ".ics",
		"no .ics":               FeedPrefix + ana,
		"not base64":            FeedPrefix + strings.Repeat("*", 43) + ".ics",
		"another folder":        FeedPrefix + "x/" + ana + ".ics",
	} {
		resp, body := get(t, http.MethodGet, srv.URL+path, nil)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Ana") || strings.Contains(body, "token") {
			t.Errorf("%s: %d %q, want 404 without detail", name, resp.StatusCode, body)
		}
	}
	before := src.calls.Load()
	get(t, http.MethodGet, srv.URL+FeedPrefix+"short.ics", nil)
	if src.calls.Load() != before {
		t.Error("a malformed token reached the source")
	}
	if resp, _ := get(t, http.MethodPost, srv.URL+FeedPrefix+ana+".ics", nil); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", resp.StatusCode)
	}
	src.err = errors.New("listing participants: the API server is down at 10.0.0.1")
	if resp, body := get(t, http.MethodGet, srv.URL+FeedPrefix+ana+".ics", nil); resp.StatusCode != http.StatusInternalServerError || strings.Contains(body, "10.0.0.1") {
		t.Errorf("source failure: %d %q, want 500 without detail", resp.StatusCode, body)
	}
}

func TestNewTokenIsRandomAndURLSafe(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		token := NewToken()
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || len(raw) != 32 || len(token) != 43 || seen[token] {
			t.Fatalf("token %q: %d bytes, %v, seen before %v", token, len(raw), err, seen[token])
		}
		if _, ok := feedToken(FeedPrefix + token + ".ics"); !ok {
			t.Fatalf("the handler refuses token %q", token)
		}
		seen[token] = true
	}
	a := NewToken()
	if !TokenEqual(a, a) || TokenEqual(a, NewToken()) || TokenEqual(a, a[:42]) || TokenEqual("", a) {
		t.Fatal("TokenEqual")
	}
}

// changeFirst returns the token with its first character replaced by another.
func changeFirst(token string) string {
	if token[0] == 'A' {
		return "B" + token[1:]
	}
	return "A" + token[1:]
}
