package calendar

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/netguard"
)

// CalDAVConfig says how to reach one CalDAV calendar collection.
type CalDAVConfig struct {
	// URL of the calendar collection, such as https://dav.example.org/mentoring/calendar/. It must
	// not hold credentials.
	URL string
	// Username and Password for HTTP basic authentication; or Token for bearer authentication, which
	// wins when both are set.
	Username, Password, Token string
	// CABundle holds PEM certificates to trust for this server in addition to the system's; optional.
	CABundle []byte
	// Timeout bounds every request; 30 seconds when zero. The caller's context bounds it too.
	Timeout time.Duration
	// DisplayName is the name a created collection gets; optional.
	DisplayName string
	// AllowLoopback lets the client reach a server on a loopback address; link-local and cloud
	// metadata addresses are always refused.
	AllowLoopback bool
}

// CalDAV is a Provider that keeps events in a CalDAV calendar collection (RFC 4791). Each event is
// one resource named after its UID.
type CalDAV struct {
	base      *url.URL
	client    *http.Client
	authorize func(*http.Request) // a closure, so that printing a CalDAV never shows the credentials
	name      string
}

var _ Provider = (*CalDAV)(nil)

// NewCalDAV returns a CalDAV provider for the collection; it does not contact the server.
func NewCalDAV(cfg CalDAVConfig) (*CalDAV, error) {
	base, err := url.Parse(cfg.URL)
	switch {
	case err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "":
		return nil, errors.New("the calendar URL must be an absolute http or https URL")
	case base.User != nil:
		return nil, errors.New("the calendar URL must not hold credentials; put them in the Secret")
	}
	base.Path = strings.TrimSuffix(base.Path, "/") + "/"
	base.RawPath, base.RawQuery, base.Fragment = "", "", ""
	client, err := newHTTPClient(cfg.CABundle, cmp.Or(cfg.Timeout, 30*time.Second), netguard.Guard{AllowLoopback: cfg.AllowLoopback})
	if err != nil {
		return nil, err
	}
	return &CalDAV{base: base, client: client, authorize: authorizer(cfg), name: cfg.DisplayName}, nil
}

// Ensure creates the collection with MKCALENDAR when it is missing, and fails when something other
// than a calendar collection is at its URL.
func (c *CalDAV) Ensure(ctx context.Context) error {
	if err := c.isCalendar(ctx); !errors.Is(err, errNoCollection) {
		return err
	}
	resp, err := c.do(ctx, request{method: "MKCALENDAR", href: c.base.Path, body: mkcalendarBody(c.name)})
	if err != nil {
		return err
	}
	switch resp.status {
	case http.StatusCreated:
		return nil
	case http.StatusMethodNotAllowed, http.StatusConflict:
		// Another writer may have created it in the meantime, and then RFC 4791 servers answer 405
		// and Radicale 409: what is there now decides.
		if err := c.isCalendar(ctx); !errors.Is(err, errNoCollection) {
			return err
		}
	}
	return resp.err()
}

// errNoCollection says that nothing is at the collection's URL.
var errNoCollection = errors.New("no collection")

// isCalendar checks that a calendar collection is at the collection's URL.
func (c *CalDAV) isCalendar(ctx context.Context) error {
	resp, err := c.do(ctx, request{method: "PROPFIND", href: c.base.Path, depth: "0", body: propfindBody})
	if err != nil {
		return err
	}
	if resp.status == http.StatusNotFound {
		return errNoCollection
	}
	found, err := resp.resources()
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(found, func(r resource) bool { return r.calendar }) {
		return fmt.Errorf("%s is not a calendar collection", c.base.Redacted())
	}
	return nil
}

// Put creates the event (If-None-Match: *) when known is zero, and otherwise replaces it (If-Match:
// known.ETag, unconditionally when the ETag is unknown).
func (c *CalDAV) Put(ctx context.Context, ev Event, known Ref) (Ref, error) {
	body, err := Encode(ev)
	if err != nil {
		return Ref{}, err
	}
	req := request{method: http.MethodPut, href: known.Href, body: body, contentType: "text/calendar; charset=utf-8"}
	if known.IsZero() {
		req.href, req.ifNoneMatch = canonicalHref(c.base.Path+url.PathEscape(ev.UID)+".ics"), "*"
	} else {
		req.ifMatch = known.ETag
	}
	resp, err := c.do(ctx, req)
	if err != nil {
		return Ref{}, err
	}
	if resp.status != http.StatusCreated && resp.status != http.StatusNoContent && resp.status != http.StatusOK {
		return Ref{}, resp.err()
	}
	ref := Ref{Href: req.href, ETag: resp.header.Get("ETag")}
	if ref.ETag == "" { // the server changed what it stored, so it gives no ETag: ask for it
		ref.ETag, err = c.etag(ctx, req.href)
	}
	return ref, err
}

// etag reads the current ETag of a resource.
func (c *CalDAV) etag(ctx context.Context, href string) (string, error) {
	resp, err := c.do(ctx, request{method: "PROPFIND", href: href, depth: "0", body: propfindBody})
	if err != nil {
		return "", err
	}
	found, err := resp.resources()
	if err != nil {
		return "", err
	}
	if len(found) > 0 && found[0].etag != "" {
		return found[0].etag, nil
	}
	return "", fmt.Errorf("PROPFIND %s returned no ETag", href)
}

// Find asks the server for events with the UID (a calendar-query REPORT) and keeps those whose UID
// is exactly it, since the query matches substrings. With several, it returns the first by href.
func (c *CalDAV) Find(ctx context.Context, uid string) (Stored, bool, error) {
	resp, err := c.do(ctx, request{method: "REPORT", href: c.base.Path, depth: "1", body: uidQueryBody(uid)})
	if err != nil {
		return Stored{}, false, err
	}
	found, err := resp.resources()
	if err != nil {
		return Stored{}, false, err
	}
	var matches []Stored
	for _, r := range found {
		props := eventProps(r.data)
		if props["UID"] != escapeText(uid) {
			continue
		}
		stored := Stored{Ref: Ref{Href: canonicalHref(r.href), ETag: r.etag}, Hash: props[hashProperty]}
		stored.Sequence, _ = strconv.Atoi(props["SEQUENCE"])
		stored.Stamp, _ = time.Parse(utcLayout, props["DTSTAMP"])
		matches = append(matches, stored)
	}
	if len(matches) == 0 {
		return Stored{}, false, nil
	}
	return slices.MinFunc(matches, func(a, b Stored) int { return cmp.Compare(a.Href, b.Href) }), true, nil
}

// Delete removes the event, with If-Match when its ETag is known. A missing event is already gone.
func (c *CalDAV) Delete(ctx context.Context, ref Ref) error {
	if ref.IsZero() {
		return nil
	}
	resp, err := c.do(ctx, request{method: http.MethodDelete, href: ref.Href, ifMatch: ref.ETag})
	if err != nil {
		return err
	}
	switch resp.status {
	case http.StatusOK, http.StatusNoContent, http.StatusNotFound, http.StatusGone:
		return nil
	}
	return resp.err()
}

// canonicalHref is the path of an href with each segment escaped the same way, so that the href a
// server reports and the one this package made compare equal.
func canonicalHref(href string) string {
	u, err := url.Parse(href)
	if err != nil {
		return href
	}
	segments := strings.Split(u.EscapedPath(), "/")
	for i, s := range segments {
		if unescaped, err := url.PathUnescape(s); err == nil {
			segments[i] = url.PathEscape(unescaped)
		}
	}
	return strings.Join(segments, "/")
}
