package pages_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/pages"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers/internal/status"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/portal"
)

// post sends a person's check-in as their browser would, with the form token from their page.
func (w *world) post(t testing.TB, r *replica, link, pairing string, values url.Values) int {
	t.Helper()
	page, err := http.Get(r.URL + portal.Prefix + link)
	must(t, err)
	// A person without a form of their own (Cy has no pairing) posts without its token.
	if page.StatusCode == http.StatusOK && link != w.links["cy"] {
		values.Set("form", extract(t, page, `name="form" value="`))
	} else {
		page.Body.Close()
	}
	req, _ := http.NewRequest(http.MethodPost, r.URL+portal.Prefix+link+"/"+pairing+"/checkin-1", strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	must(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// TestTwoReplicasLoseNoAnswer: Ada and Bob answer over and over at the same moments on two replicas;
// every write that met the other's is made again, so both last answers are in status.
func TestTwoReplicasLoseNoAnswer(t *testing.T) {
	w := newWorld(t, false)
	opts := portal.Options{SubmitBurst: 100}
	replicas := []*replica{w.startReplica(opts), w.startReplica(opts)}
	const rounds = 10
	var wg sync.WaitGroup
	for i, person := range []string{"ada", "bob"} {
		wg.Go(func() {
			for n := range rounds {
				if code := w.post(t, replicas[i], w.links[person], "dl-ada-bob", url.Values{"q-meetings": {string(rune('0' + n))}}); code != http.StatusSeeOther {
					t.Errorf("%s's submission %d: %d", person, n, code)
				}
			}
		})
	}
	wg.Wait()
	for _, role := range []mentoringv1alpha1.Role{mentoringv1alpha1.RoleMentor, mentoringv1alpha1.RoleMentee} {
		if c := w.checkIn("checkin-1", role); c == nil || *c.Meetings != rounds-1 {
			t.Errorf("%s's answer in status: %+v, want the last one (%d meetings)", role, c, rounds-1)
		}
	}
	managers := map[string]bool{}
	for _, f := range w.pairing().ManagedFields {
		if f.Subresource == "status" {
			managers[f.Manager] = true
		}
	}
	if !managers[status.PortalManager] {
		t.Errorf("status written by %v, want %s among them", managers, status.PortalManager)
	}
}

// TestLinksAreChecked: another person's link cannot answer for a pairing they are not in, and a
// deleted Secret revokes its link at once, with the same answer as a link that never existed.
func TestLinksAreChecked(t *testing.T) {
	w := newWorld(t, false)
	r := w.startReplica(portal.Options{})
	if code := w.post(t, r, w.links["cy"], "dl-ada-bob", url.Values{"q-meetings": {"0"}}); code != http.StatusNotFound {
		t.Errorf("Cy answering for Ada and Bob's pairing: %d, want 404", code)
	}
	if n := len(w.pairing().Status.CheckIns); n != 0 {
		t.Fatalf("%d answers saved", n)
	}
	ctx := context.Background()
	must(t, env.Client.Delete(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: w.namespace, Name: pages.LinkSecretName("bob")}}))
	resp, err := http.Get(r.URL + portal.Prefix + w.links["bob"])
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("revoked link: %d, want 404", resp.StatusCode)
	}
	if code := w.post(t, r, w.links["bob"], "dl-ada-bob", url.Values{"q-meetings": {"1"}}); code != http.StatusNotFound {
		t.Errorf("revoked link posting: %d, want 404", code)
	}
	// The participant controller makes a new link: a new token, which works.
	bob := &mentoringv1alpha1.Participant{}
	must(t, env.Client.Get(ctx, clientKey(w.namespace, "bob"), bob))
	link, err := pages.Links{Reader: env.Client, BaseURL: "http://x"}.Ensure(ctx, env.Client, bob)
	must(t, err)
	if link.TokenHash == bob.Status.PersonalLink.TokenHash {
		t.Error("the new link has the revoked token")
	}
}
