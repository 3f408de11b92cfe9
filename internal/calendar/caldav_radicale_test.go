package calendar

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// davClient is a CalDAV provider for a Radicale user's collection.
func davClient(t *testing.T, srv *radicale, collection, user, password string) *CalDAV {
	t.Helper()
	dav, err := NewCalDAV(CalDAVConfig{AllowLoopback: true, URL: srv.url(collection), Username: user, Password: password,
		Timeout: 5 * time.Second, DisplayName: "Reverse mentoring"})
	if err != nil {
		t.Fatal(err)
	}
	return dav
}

// raw sends a request as the mentoring user, outside the provider, and returns status and body.
func raw(t *testing.T, method, target, depth string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("mentoring", radicaleUsers["mentoring"])
	if depth != "" {
		req.Header.Set("Depth", depth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// storedEvents counts the calendar objects in a collection.
func storedEvents(t *testing.T, collection string) int {
	t.Helper()
	status, body := raw(t, "PROPFIND", collection, "1")
	if status != http.StatusMultiStatus {
		t.Fatalf("PROPFIND %s: %d", collection, status)
	}
	return strings.Count(body, ".ics</")
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestConcurrentEnsureAllSucceed: the pairings of a new programme are synced in parallel, and each
// finds the collection missing; every one of them must succeed, however the MKCALENDARs race.
func TestConcurrentEnsureAllSucceed(t *testing.T) {
	srv := startRadicale(t)
	ctx := testContext(t)
	errs := make(chan error, 8)
	for range cap(errs) {
		dav := davClient(t, srv, "/mentoring/race/", "mentoring", radicaleUsers["mentoring"])
		go func() { errs <- dav.Ensure(ctx) }()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Errorf("Ensure: %v", err)
		}
	}
	if status, body := raw(t, "PROPFIND", srv.url("/mentoring/race/"), "0"); status != http.StatusMultiStatus || !strings.Contains(body, "calendar") {
		t.Fatalf("no calendar collection after the race: %d\n%s", status, body)
	}
}

// TestCalDAVKeepsOneSeriesInRadicale walks a series through its life against a real server:
// collection created, event created, changed, found again after its Ref was lost, cancelled and
// deleted, with conditional requests guarding every write.
func TestCalDAVKeepsOneSeriesInRadicale(t *testing.T) {
	srv := startRadicale(t)
	ctx := testContext(t)
	dav := davClient(t, srv, "/mentoring/programme-a/", "mentoring", radicaleUsers["mentoring"])
	collection := srv.url("/mentoring/programme-a/")

	// The collection is created when missing, once.
	if status, _ := raw(t, "PROPFIND", collection, "0"); status != http.StatusNotFound {
		t.Fatalf("the collection exists before Ensure: %d", status)
	}
	for range 2 {
		if err := dav.Ensure(ctx); err != nil {
			t.Fatalf("Ensure: %v", err)
		}
	}
	if _, body := raw(t, "PROPFIND", collection, "0"); !strings.Contains(body, "calendar") || !strings.Contains(body, "Reverse mentoring") {
		t.Fatalf("the collection is not a calendar named Reverse mentoring:\n%s", body)
	}

	// Create; a second create of the same UID is refused (If-None-Match: *).
	ev := validEvent(t)
	created, err := dav.Put(ctx, ev, Ref{})
	if err != nil || created.Href == "" || created.ETag == "" {
		t.Fatalf("Put(new) = %+v, %v", created, err)
	}
	if _, err := dav.Put(ctx, ev, Ref{}); !errors.Is(err, ErrConflict) {
		t.Fatalf("a second create: err = %v, want ErrConflict", err)
	}

	// The cadence changes: the event is updated with a raised SEQUENCE (If-Match: the ETag).
	changed := ev
	changed.Slot = mustChoose(t, Weekly)
	changed.Sequence, changed.Stamp = 1, day(2027, 2, 1)
	updated, err := dav.Put(ctx, changed, created)
	if err != nil || updated.ETag == created.ETag || updated.Href != created.Href {
		t.Fatalf("Put(update) = %+v, %v; created %+v", updated, err, created)
	}
	_, stored := raw(t, http.MethodGet, srv.url(updated.Href), "")
	if !strings.Contains(stored, "SEQUENCE:1") || !strings.Contains(stored, "INTERVAL=1;") {
		t.Fatalf("the stored event is not the update:\n%s", stored)
	}
	// A write with the old ETag is refused: someone else's change is never overwritten.
	if _, err := dav.Put(ctx, ev, created); !errors.Is(err, ErrConflict) {
		t.Fatalf("Put with a stale ETag: err = %v, want ErrConflict", err)
	}

	// The status is lost: Find gives back the same event, with the sequence, stamp and content hash it
	// was written with, and nothing was duplicated.
	found, ok, err := dav.Find(ctx, ev.UID)
	if err != nil || !ok || found.Ref != updated {
		t.Fatalf("Find = %+v, %v, %v; want %+v", found, ok, err, updated)
	}
	if found.Sequence != 1 || !found.Stamp.Equal(changed.Stamp) || found.Hash != changed.Hash() {
		t.Fatalf("Find = %+v; want sequence 1, stamp %v and hash %s", found, changed.Stamp, changed.Hash())
	}
	if n := storedEvents(t, collection); n != 1 {
		t.Fatalf("the collection holds %d events, want 1", n)
	}
	// The query matches substrings; Find keeps only the exact UID.
	if _, ok, err := dav.Find(ctx, "valid"); ok || err != nil {
		t.Fatalf("Find(a part of the UID) = %v, %v; want not found", ok, err)
	}

	// The pairing ends: the series is cancelled, then deleted (If-Match), and stays gone.
	changed.Cancelled, changed.Sequence = true, 2
	cancelled, err := dav.Put(ctx, changed, found.Ref)
	if err != nil {
		t.Fatalf("Put(cancelled): %v", err)
	}
	if err := dav.Delete(ctx, found.Ref); !errors.Is(err, ErrConflict) {
		t.Fatalf("Delete with a stale ETag: err = %v, want ErrConflict", err)
	}
	if err := dav.Delete(ctx, cancelled); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if status, _ := raw(t, http.MethodGet, srv.url(cancelled.Href), ""); status != http.StatusNotFound {
		t.Fatalf("GET after Delete: %d", status)
	}
	if _, ok, err := dav.Find(ctx, ev.UID); ok || err != nil {
		t.Fatalf("Find after Delete = %v, %v", ok, err)
	}
	if err := dav.Delete(ctx, cancelled); err != nil {
		t.Fatalf("a second Delete: %v", err)
	}
	// An update of an event deleted behind the operator's back is a conflict: find, then create.
	if _, err := dav.Put(ctx, changed, cancelled); !errors.Is(err, ErrConflict) {
		t.Fatalf("Put of a deleted event: err = %v, want ErrConflict", err)
	}
}

// mustChoose is the office pair's slot for a cadence.
func mustChoose(t *testing.T, c Cadence) Slot {
	anchor, other := officePair(t)
	slot, err := Choose(newRequest(anchor, other, wholeYear, c, 45, "valid"))
	if err != nil {
		t.Fatal(err)
	}
	return slot
}

func TestCalDAVRefusedCredentialsAreUnauthorized(t *testing.T) {
	srv := startRadicale(t)
	ctx := testContext(t)
	const wrong = "not-the-Pa55word"
	bad := davClient(t, srv, "/mentoring/programme-a/", "mentoring", wrong)
	// owner_only: another user's collection is forbidden even with the right password.
	other := davClient(t, srv, "/mentoring/programme-a/", "intruder", radicaleUsers["intruder"])
	bearer, err := NewCalDAV(CalDAVConfig{AllowLoopback: true, URL: srv.url("/mentoring/programme-a/"), Token: "t0ken-value"})
	if err != nil {
		t.Fatal(err)
	}
	ev := validEvent(t)
	for name, dav := range map[string]*CalDAV{"wrong password": bad, "another user": other, "unknown token": bearer} {
		calls := map[string]error{"Ensure": dav.Ensure(ctx)}
		_, calls["Put"] = dav.Put(ctx, ev, Ref{})
		_, _, calls["Find"] = dav.Find(ctx, ev.UID)
		calls["Delete"] = dav.Delete(ctx, Ref{Href: "/mentoring/programme-a/x.ics"})
		for call, err := range calls {
			if !errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrUnreachable) {
				t.Errorf("%s: %s: err = %v, want ErrUnauthorized", name, call, err)
			}
			for _, secret := range []string{wrong, radicaleUsers["intruder"], "t0ken-value"} {
				if err != nil && strings.Contains(err.Error(), secret) {
					t.Errorf("%s: %s: the error shows a credential: %v", name, call, err)
				}
			}
		}
	}
}

// TestCalDAVRecoversWhenTheServerComesBack stops the server: every call fails as ErrUnreachable,
// and once the server is back on the same port and storage the same Ref works again.
func TestCalDAVRecoversWhenTheServerComesBack(t *testing.T) {
	srv := startRadicale(t)
	ctx := testContext(t)
	dav := davClient(t, srv, "/mentoring/programme-b/", "mentoring", radicaleUsers["mentoring"])
	if err := dav.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	ev := validEvent(t)
	ref, err := dav.Put(ctx, ev, Ref{})
	if err != nil {
		t.Fatal(err)
	}

	srv.stop()
	calls := map[string]error{"Ensure": dav.Ensure(ctx), "Delete": dav.Delete(ctx, ref)}
	_, calls["Put"] = dav.Put(ctx, ev, ref)
	_, _, calls["Find"] = dav.Find(ctx, ev.UID)
	for call, err := range calls {
		if !errors.Is(err, ErrUnreachable) || errors.Is(err, ErrUnauthorized) {
			t.Errorf("%s with the server down: err = %v, want ErrUnreachable", call, err)
		}
	}

	srv.start()
	ev.Sequence, ev.Summary = 1, "Reverse mentoring (moved)"
	updated, err := dav.Put(ctx, ev, ref)
	if err != nil {
		t.Fatalf("Put after the server came back: %v", err)
	}
	if found, ok, err := dav.Find(ctx, ev.UID); err != nil || !ok || found.ETag != updated.ETag {
		t.Fatalf("Find after the server came back = %+v, %v, %v", found, ok, err)
	}
}
