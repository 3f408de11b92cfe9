package portal

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/measure"
)

type rig struct {
	t      *testing.T
	src    *fakeSource
	clock  *clocktesting.FakeClock
	server *httptest.Server
}

func newRig(t *testing.T, comments bool) *rig {
	src := newFake(comments)
	clk := clocktesting.NewFakeClock(during)
	h, err := Handler(Options{Source: src, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(h)
	t.Cleanup(server.Close)
	return &rig{t: t, src: src, clock: clk, server: server}
}

func (r *rig) get(path string) (int, string) {
	r.t.Helper()
	resp, err := http.Get(r.server.URL + path)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// post sends a form as a same-origin browser would, with headers changed by edit.
func (r *rig) post(path string, form url.Values, edit func(*http.Request)) (*http.Response, string) {
	r.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, r.server.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if edit != nil {
		edit(req)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// answers is a valid form for ada's open check-in.
func answers(link string) url.Values {
	return url.Values{"form": {formToken(link, "dl-ada-bob", "checkin-1")}, "q-meetings": {"3"}, "q-usefulness": {"4"},
		"t-ai": {"5"}, "q-tools": {"1"}, "comment": {"Great sessions."}}
}

const adaForm = "/p/" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY" + "/dl-ada-bob/checkin-1"

func TestPageShowsThePersonsPairingAndOpenCheckIn(t *testing.T) {
	r := newRig(t, false)
	status, body := r.get(Prefix + adaLink)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{"Hello Ada Lovelace", "You mentor Bob Babbage", "Check-in 1",
		// The next meeting in Ada's zone: Tuesday 16 February 10:00 UTC is 10:00 GMT in London.
		"Tuesday 16 February 2027, 10:00 (Europe/London)", "How much did you teach about ai?", "Did you try a new tool?",
		"does not collect written comments", `<fieldset`, `<legend>How useful were your meetings?</legend>`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, "<script") || strings.Contains(body, "<textarea") {
		t.Error("page has a script or a comment box though the programme collects no comments")
	}
}

func TestForgedAndRevokedLinksLearnNothing(t *testing.T) {
	r := newRig(t, false)
	_, unknown := r.get(Prefix + "Zm9yZ2VkZm9yZ2VkZm9yZ2VkZm9yZ2VkZm9yZ2VkZm8")
	delete(r.src.people, bobLink) // revoked: the Secret was deleted
	for _, path := range []string{Prefix + bobLink, Prefix + "short", Prefix + adaLink + "/extra", Prefix} {
		status, body := r.get(path)
		if status != http.StatusNotFound || body != unknown {
			t.Errorf("GET %s: %d, body differs from an unknown link's: %v", path, status, body != unknown)
		}
	}
	// Bob's link was revoked; a post with it, even with a valid form token, is 404 and records nothing.
	resp, body := r.post("/p/"+bobLink+"/dl-ada-bob/checkin-1", answers(bobLink), nil)
	if resp.StatusCode != http.StatusNotFound || body != unknown || len(r.src.submissions()) != 0 {
		t.Errorf("revoked link posted: %d, %d recorded", resp.StatusCode, len(r.src.submissions()))
	}
}

func TestAPairingThePersonIsNotInIsNotFound(t *testing.T) {
	r := newRig(t, false)
	form := answers(adaLink)
	form.Set("form", formToken(adaLink, "dl-cy-dan", "checkin-1"))
	resp, _ := r.post("/p/"+adaLink+"/dl-cy-dan/checkin-1", form, nil)
	if resp.StatusCode != http.StatusNotFound || len(r.src.submissions()) != 0 {
		t.Fatalf("post to another pairing: %d, %d recorded", resp.StatusCode, len(r.src.submissions()))
	}
}

func TestCrossSitePostsAreRefused(t *testing.T) {
	r := newRig(t, false)
	cases := map[string]func(*http.Request){
		"cross-site fetch": func(req *http.Request) { req.Header.Set("Sec-Fetch-Site", "cross-site") },
		"foreign origin, old browser": func(req *http.Request) {
			req.Header.Del("Sec-Fetch-Site")
			req.Header.Set("Origin", "https://evil.example")
		},
	}
	for name, edit := range cases {
		resp, body := r.post(adaForm, answers(adaLink), edit)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "not sent from its own page") {
			t.Errorf("%s: %d", name, resp.StatusCode)
		}
	}
	// Without the form's token, such as from a page that knows the link but not the form.
	form := answers(adaLink)
	form.Set("form", formToken(adaLink, "dl-ada-bob", "checkin-2"))
	if resp, _ := r.post(adaForm, form, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a form token for another round: %d", resp.StatusCode)
	}
	if n := len(r.src.submissions()); n != 0 {
		t.Fatalf("%d submissions recorded from refused posts", n)
	}
}

func TestSubmissionIsRecordedAndRedirects(t *testing.T) {
	r := newRig(t, false)
	resp, _ := r.post(adaForm, answers(adaLink), nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/p/"+adaLink+"?saved=") {
		t.Fatalf("status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	got := r.src.submissions()
	if len(got) != 1 {
		t.Fatalf("%d submissions", len(got))
	}
	s := got[0]
	want := measure.Response{Round: "checkin-1", Role: measure.Mentor, Submitted: during}
	if s.Response.Round != want.Round || s.Response.Role != want.Role || !s.Response.Submitted.Equal(want.Submitted) ||
		*s.Response.Meetings != 3 || *s.Response.Usefulness != 4 || s.Response.Topics["ai"] != 5 || s.Response.Answers["tools"] != 1 {
		t.Errorf("recorded %+v", s.Response)
	}
	if s.Comment != "" {
		t.Errorf("comment %q recorded though the programme collects none", s.Comment)
	}
	if status, body := r.get(resp.Header.Get("Location")); status != http.StatusOK || !strings.Contains(body, "your answers are saved") {
		t.Errorf("after the redirect: %d", status)
	}
}

func TestWrongAnswersAreExplainedAndKept(t *testing.T) {
	r := newRig(t, true)
	form := answers(adaLink)
	form.Set("q-usefulness", "9")
	resp, body := r.post(adaForm, form, nil)
	if resp.StatusCode != http.StatusBadRequest || len(r.src.submissions()) != 0 {
		t.Fatalf("status %d, %d recorded", resp.StatusCode, len(r.src.submissions()))
	}
	for _, want := range []string{"choose a number from 1 to 5", `href="#dl-ada-bob-q-usefulness"`, `value="3"`, "Great sessions."} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestClosedRoundsTakeNoAnswers(t *testing.T) {
	r := newRig(t, false)
	r.clock.SetTime(time.Date(2027, 3, 10, 0, 0, 0, 0, time.UTC)) // check-in 1 closed, check-in 2 open
	resp, body := r.post(adaForm, answers(adaLink), nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "closed") || len(r.src.submissions()) != 0 {
		t.Fatalf("late answer: %d, %d recorded", resp.StatusCode, len(r.src.submissions()))
	}
}

func TestSubmissionsAreRateLimited(t *testing.T) {
	r := newRig(t, false)
	for i := range 5 {
		if resp, _ := r.post(adaForm, answers(adaLink), nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("submission %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, _ := r.post(adaForm, answers(adaLink), nil)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "10" {
		t.Fatalf("sixth submission at once: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Bob is not held back by Ada's submissions, and Ada may send again after the wait.
	bob := answers(bobLink)
	bob.Set("form", formToken(bobLink, "dl-ada-bob", "checkin-1"))
	if resp, _ := r.post("/p/"+bobLink+"/dl-ada-bob/checkin-1", bob, nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("bob's submission: %d", resp.StatusCode)
	}
	r.clock.Step(10 * time.Second)
	if resp, _ := r.post(adaForm, answers(adaLink), nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after the wait: %d", resp.StatusCode)
	}
}

func TestCommentsGoOnlyThroughTheSource(t *testing.T) {
	r := newRig(t, true)
	r.src.fail = ErrCommentNotDelivered
	resp, body := r.post(adaForm, answers(adaLink), nil)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "could not be passed on") || !strings.Contains(body, "Great sessions.") {
		t.Fatalf("failed forward: %d; want the form back with the comment", resp.StatusCode)
	}
	r.src.fail = nil
	if resp, _ := r.post(adaForm, answers(adaLink), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("retry: %d", resp.StatusCode)
	}
	if got := r.src.submissions(); len(got) != 1 || got[0].Comment != "Great sessions." {
		t.Fatalf("submissions %+v", got)
	}
	form := answers(adaLink)
	form.Set("comment", strings.Repeat("x", maxCommentRunes+1))
	if resp, _ := r.post(adaForm, form, nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("overlong comment: %d", resp.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	r := newRig(t, false)
	for _, path := range []string{Prefix + adaLink, Prefix + "nothing"} {
		resp, err := http.Get(r.server.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "form-action 'self'") ||
			resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: headers %v", path, resp.Header)
		}
	}
	if !bytes.Contains(notFoundBody, []byte("does not lead to a page")) {
		t.Error("404 body")
	}
}
