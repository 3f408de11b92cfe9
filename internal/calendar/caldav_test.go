package calendar

import (
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/netguard"
)

// calendarCollection answers PROPFIND as a calendar collection does, and records the last
// Authorization header.
func calendarCollection(lastAuth *atomic.Value) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lastAuth.Store(r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusMultiStatus)
		w.Write([]byte(`<?xml version="1.0"?><multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">` +
			`<response><href>/cal/</href><propstat><prop><resourcetype><collection/><C:calendar/></resourcetype></prop>` +
			`<status>HTTP/1.1 200 OK</status></propstat></response></multistatus>`))
	}
}

func TestNewCalDAVRejectsBadConfigurations(t *testing.T) {
	for name, cfg := range map[string]CalDAVConfig{
		"credentials in the URL":  {URL: "https://user:hunter2@dav.example.org/cal/"},
		"not http":                {URL: "ftp://dav.example.org/cal/"},
		"relative":                {URL: "/cal/"},
		"a CA bundle without PEM": {URL: "https://dav.example.org/cal/", CABundle: []byte("hunter2")},
	} {
		if _, err := NewCalDAV(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the error shows a credential: %v", name, err)
		}
	}
}

func TestCalDAVClassifiesAnswers(t *testing.T) {
	tests := []struct {
		status int
		want   error // nil: permanent, none of the sentinels
	}{
		{http.StatusUnauthorized, ErrUnauthorized},
		{http.StatusForbidden, ErrUnauthorized},
		{http.StatusPreconditionFailed, ErrConflict},
		{http.StatusRequestTimeout, ErrUnreachable},
		{http.StatusTooManyRequests, ErrUnreachable},
		{http.StatusInternalServerError, ErrUnreachable},
		{http.StatusBadGateway, ErrUnreachable},
		{http.StatusServiceUnavailable, ErrUnreachable},
		{http.StatusBadRequest, nil},
		{http.StatusMethodNotAllowed, nil},
		{http.StatusUnsupportedMediaType, nil},
	}
	sentinels := []error{ErrUnauthorized, ErrConflict, ErrUnreachable}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tt.status)
			w.Write([]byte("body with personal data: ana@example.org"))
		}))
		dav, err := NewCalDAV(CalDAVConfig{AllowLoopback: true, URL: srv.URL + "/cal/", Username: "u", Password: "p"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = dav.Put(t.Context(), validEvent(t), Ref{})
		srv.Close()
		if err == nil {
			t.Fatalf("%d: no error", tt.status)
		}
		for _, s := range sentinels {
			if errors.Is(err, s) != (s == tt.want) {
				t.Errorf("%d: err = %v; errors.Is(%v) = %v", tt.status, err, s, errors.Is(err, s))
			}
		}
		if strings.Contains(err.Error(), "ana@example.org") {
			t.Errorf("%d: the error repeats the body: %v", tt.status, err)
		}
	}
}

func TestCalDAVTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	dav, err := NewCalDAV(CalDAVConfig{AllowLoopback: true, URL: srv.URL + "/cal/", Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := dav.Ensure(t.Context()); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
}

func TestCalDAVTrustsTheCABundleOnly(t *testing.T) {
	var auth atomic.Value
	srv := httptest.NewTLSServer(calendarCollection(&auth))
	defer srv.Close()
	untrusting, err := NewCalDAV(CalDAVConfig{AllowLoopback: true, URL: srv.URL + "/cal/"})
	if err != nil {
		t.Fatal(err)
	}
	err = untrusting.Ensure(t.Context())
	if err == nil || errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("an unknown certificate: err = %v, want a permanent certificate error", err)
	}
	bundle := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	trusting, err := NewCalDAV(CalDAVConfig{AllowLoopback: true, URL: srv.URL + "/cal/", CABundle: bundle})
	if err != nil {
		t.Fatal(err)
	}
	if err := trusting.Ensure(t.Context()); err != nil {
		t.Fatalf("with the CA bundle: %v", err)
	}
}

func TestCalDAVAuthenticates(t *testing.T) {
	var auth atomic.Value
	srv := httptest.NewServer(calendarCollection(&auth))
	defer srv.Close()
	for _, tt := range []struct {
		cfg  CalDAVConfig
		want string
	}{
		{CalDAVConfig{Token: "abc"}, "Bearer abc"},
		{CalDAVConfig{Token: "abc", Username: "u", Password: "p"}, "Bearer abc"},
		{CalDAVConfig{Username: "u", Password: "p"}, "Basic dTpw"},
		{CalDAVConfig{}, ""},
	} {
		tt.cfg.URL, tt.cfg.AllowLoopback = srv.URL+"/cal", true
		dav, err := NewCalDAV(tt.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := dav.Ensure(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := auth.Load(); got != tt.want {
			t.Errorf("Authorization %q, want %q", got, tt.want)
		}
	}
}

// An href from elsewhere never receives the credentials.
func TestCalDAVStaysOnItsServer(t *testing.T) {
	var auth atomic.Value
	srv := httptest.NewServer(calendarCollection(&auth))
	defer srv.Close()
	elsewhere := httptest.NewServer(calendarCollection(&auth))
	defer elsewhere.Close()
	dav, err := NewCalDAV(CalDAVConfig{AllowLoopback: true, URL: srv.URL + "/cal/", Token: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	if err := dav.Delete(t.Context(), Ref{Href: elsewhere.URL + "/cal/x.ics"}); err == nil {
		t.Fatal("Delete went to another server")
	}
	if auth.Load() != nil {
		t.Fatalf("a request was sent with %q", auth.Load())
	}
}

func TestEnsureRefusesACollectionThatIsNoCalendar(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusMultiStatus)
		w.Write([]byte(`<multistatus xmlns="DAV:"><response><href>/files/</href><propstat><prop>` +
			`<resourcetype><collection/></resourcetype></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>`))
	}))
	defer srv.Close()
	dav, err := NewCalDAV(CalDAVConfig{AllowLoopback: true, URL: srv.URL + "/files/"})
	if err != nil {
		t.Fatal(err)
	}
	if err := dav.Ensure(t.Context()); err == nil || !strings.Contains(err.Error(), "not a calendar") {
		t.Fatalf("err = %v, want not a calendar collection", err)
	}
}

func TestCanonicalHref(t *testing.T) {
	for in, want := range map[string]string{
		"/cal/a%40b.ics":               "/cal/a@b.ics",
		"/cal/a@b.ics":                 "/cal/a@b.ics",
		"http://h/cal/a%40b.ics":       "/cal/a@b.ics",
		"/cal/a%2Fb.ics":               "/cal/a%2Fb.ics",
		"/cal/with%20space%3Bsemi.ics": "/cal/with%20space%3Bsemi.ics",
	} {
		if got := canonicalHref(in); got != want {
			t.Errorf("canonicalHref(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEventPropsReadsTheFirstEventOnly(t *testing.T) {
	data := "BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:X\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nDTSTART:20270101T000000Z\r\n" +
		"UID:abc@mentoring.reverse-\r\n mentoring.dev\r\nsequence:3\r\nX-MENTORING-HASH;X-P=1:f00\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:second\r\nSEQUENCE:9\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	got := eventProps(data)
	if got["UID"] != "abc@mentoring.reverse-mentoring.dev" || got["SEQUENCE"] != "3" || got[hashProperty] != "f00" || len(got) != 3 {
		t.Fatalf("eventProps = %q", got)
	}
	if got := eventProps("BEGIN:VCALENDAR\nEND:VCALENDAR\n"); len(got) != 0 {
		t.Fatalf("eventProps(no event) = %q", got)
	}
}

// A server that changed what it stored answers a PUT without an ETag; Put asks for it.
func TestPutAsksForTheETagWhenTheServerGivesNone(t *testing.T) {
	var methods []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		methods = append(methods, r.Method+" "+r.Header.Get("If-None-Match"))
		if r.Method == http.MethodPut {
			w.WriteHeader(http.StatusCreated)
			return
		}
		w.WriteHeader(http.StatusMultiStatus)
		w.Write([]byte(`<multistatus xmlns="DAV:"><response><href>` + r.URL.Path + `</href><propstat><prop>` +
			`<getetag>"v1"</getetag></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>`))
	}))
	defer srv.Close()
	dav, err := NewCalDAV(CalDAVConfig{AllowLoopback: true, URL: srv.URL + "/cal/"})
	if err != nil {
		t.Fatal(err)
	}
	ev := validEvent(t)
	ref, err := dav.Put(t.Context(), ev, Ref{})
	if err != nil || ref.ETag != `"v1"` || ref.Href != "/cal/"+ev.UID+".ics" {
		t.Fatalf("Put = %+v, %v", ref, err)
	}
	if want := []string{"PUT *", "PROPFIND "}; !slices.Equal(methods, want) {
		t.Fatalf("requests %q, want %q", methods, want)
	}
}

func TestAnUnreadableAnswerIsAnError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusMultiStatus)
		w.Write([]byte(`<multistatus xmlns="DAV:"><response>`))
	}))
	defer srv.Close()
	dav, err := NewCalDAV(CalDAVConfig{AllowLoopback: true, URL: srv.URL + "/cal/"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := dav.Find(t.Context(), "x"); err == nil || !strings.Contains(err.Error(), "unreadable") {
		t.Fatalf("Find: err = %v, want an unreadable answer", err)
	}
}

func TestCalDAVStaysAwayFromRefusedAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		t.Error("the guard let a request through")
	}))
	defer srv.Close()
	for name, url := range map[string]string{
		"loopback without AllowLoopback": srv.URL + "/cal/",
		"cloud metadata":                 "http://169.254.169.254/latest/",
	} {
		dav, err := NewCalDAV(CalDAVConfig{URL: url, Username: "u", Password: "hunter2"})
		if err != nil {
			t.Fatal(err)
		}
		err = dav.Ensure(t.Context())
		if !netguard.IsRefused(err) || errors.Is(err, ErrUnreachable) {
			t.Errorf("%s: Ensure = %v, want a refusal that is not retried", name, err)
		}
	}
}
