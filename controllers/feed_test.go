package controllers_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers"
)

// fetch GETs a URL and returns the status code, content type and body.
func fetch(g Gomega, url string) (int, string, string) {
	resp, err := http.Get(url)
	g.Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	g.Expect(err).NotTo(HaveOccurred())
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

// withFeeds starts a manager on a namespace of its own and the feed server, and returns them with a
// programme "prog" that gives everybody a feed, not created yet.
func withFeeds(t *testing.T) (ns string, server *httptest.Server, feeds *mentoringv1alpha1.Programme) {
	ns = newNamespace(t)
	m := startManager(t, ns, january2027)
	server = httptest.NewServer(controllers.FeedHandler(m.client, env.Client, m.clock))
	t.Cleanup(server.Close)
	feeds = programme("prog")
	feeds.Spec.Integrations = &mentoringv1alpha1.Integrations{Calendar: &mentoringv1alpha1.CalendarIntegration{Feed: true}}
	return ns, server, feeds
}

func TestEveryParticipantGetsTheirOwnCalendarFeed(t *testing.T) {
	g := NewWithT(t)
	ns, server, feeds := withFeeds(t)
	lonely := mentee("lonely", "prog")
	lonely.Spec.Goals = []mentoringv1alpha1.TopicGoal{{Topic: "inclusion", Priority: 3}}
	create(t, ns, feeds, mentor("ada", "prog"), mentee("bob", "prog"), mentor("cy", "prog"), mentee("dee", "prog"), lonely)

	// Each participant's Secret holds a token and the URL; the Participant owns it.
	tokens := map[string]string{}
	g.Eventually(func(g Gomega) {
		g.Expect(listPairings(g, ns)).To(HaveLen(2))
		for _, p := range listPairings(g, ns) {
			g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Active"))
		}
		for _, name := range []string{"ada", "bob", "cy", "dee", "lonely"} {
			p := get(g, ns, name, &mentoringv1alpha1.Participant{})
			g.Expect(p.Status.FeedSecretRef).NotTo(BeNil())
			g.Expect(p.Status.FeedTokenHash).To(HaveLen(64))
			secret := get(g, ns, p.Status.FeedSecretRef.Name, &corev1.Secret{})
			g.Expect(metav1.GetControllerOf(secret).Name).To(Equal(name))
			token := string(secret.Data["token"])
			g.Expect(token).To(HaveLen(43))
			g.Expect(string(secret.Data["url"])).To(HaveSuffix("/feeds/" + token + ".ics"))
			g.Expect(p.Status.FeedTokenHash).NotTo(ContainSubstring(token))
			tokens[name] = token
		}
	}).Should(Succeed())

	// A mentee's feed holds their own series with both people invited, and nobody else's.
	pairings := listPairings(g, ns)
	for _, pairing := range pairings {
		mentee, mentor := pairing.Spec.MenteeRef.Name, pairing.Spec.MentorRef.Name
		g.Eventually(func(g Gomega) {
			code, contentType, body := fetch(g, server.URL+"/feeds/"+tokens[mentee]+".ics")
			g.Expect(code).To(Equal(http.StatusOK))
			g.Expect(contentType).To(HavePrefix("text/calendar"))
			g.Expect(strings.Count(body, "BEGIN:VEVENT")).To(Equal(1))
			g.Expect(body).To(ContainSubstring(seriesUID(pairing)))
			g.Expect(body).To(ContainSubstring("mailto:" + mentee + "@example.org"))
			g.Expect(body).To(ContainSubstring("mailto:" + mentor + "@example.org"))
			for _, other := range pairings {
				if other.Name != pairing.Name {
					g.Expect(body).NotTo(ContainSubstring(other.Spec.MenteeRef.Name + "@example.org"))
				}
			}
		}).Should(Succeed())
	}

	// Unpaired people get an empty calendar; wrong tokens get nothing.
	code, _, body := fetch(g, server.URL+"/feeds/"+tokens["lonely"]+".ics")
	g.Expect(code).To(Equal(http.StatusOK))
	g.Expect(body).To(ContainSubstring("BEGIN:VCALENDAR"))
	g.Expect(body).NotTo(ContainSubstring("BEGIN:VEVENT"))
	wrong := []byte(tokens["bob"])
	wrong[0] ^= 1
	code, _, body = fetch(g, server.URL+"/feeds/"+string(wrong)+".ics")
	g.Expect(code).To(Equal(http.StatusNotFound))
	g.Expect(body).NotTo(ContainSubstring("bob"))

	// Deleting a feed Secret revokes its URL at once.
	g.Expect(env.Client.Delete(context.Background(), &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "dee-calendar-feed", Namespace: ns}})).To(Succeed())
	code, _, _ = fetch(g, server.URL+"/feeds/"+tokens["dee"]+".ics")
	g.Expect(code).To(Equal(http.StatusNotFound))

	// Turning feeds off removes the Secrets and the tokens stop working.
	update(t, ns, "prog", &mentoringv1alpha1.Programme{}, func(p *mentoringv1alpha1.Programme) {
		p.Spec.Integrations = nil
	})
	g.Eventually(func(g Gomega) {
		p := get(g, ns, "bob", &mentoringv1alpha1.Participant{})
		g.Expect(p.Status.FeedSecretRef).To(BeNil())
		err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "bob-calendar-feed"}, &corev1.Secret{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue())
		code, _, _ := fetch(g, server.URL+"/feeds/"+tokens["bob"]+".ics")
		g.Expect(code).To(Equal(http.StatusNotFound))
	}).Should(Succeed())
}

// TestRotatedFeedGetsANewToken rotates a feed token as docs/security.md says: delete the feed Secret,
// then request a pass for the Participant. The old URL stops working at once and stays dead; the
// participant gets a new token, a new URL and a new hash in status, and the new URL serves their
// meetings. (Caught, as a mutation: keepFeed keeping the hash already in status instead of the new
// token's, which leaves the new URL answering 404; the former test only checked that deleting the
// Secret revokes the old URL.)
func TestRotatedFeedGetsANewToken(t *testing.T) {
	g := NewWithT(t)
	ns, server, feeds := withFeeds(t)
	create(t, ns, feeds, mentor("ada", "prog"), mentee("bob", "prog"))

	// secretOf returns bob's feed token and URL once his status names the Secret and holds its hash.
	secretOf := func(g Gomega) (token, url string) {
		bob := get(g, ns, "bob", &mentoringv1alpha1.Participant{})
		g.Expect(bob.Status.FeedSecretRef).NotTo(BeNil())
		secret := get(g, ns, bob.Status.FeedSecretRef.Name, &corev1.Secret{})
		token, url = string(secret.Data["token"]), string(secret.Data["url"])
		g.Expect(token).To(HaveLen(43))
		g.Expect(url).To(HaveSuffix("/feeds/" + token + ".ics"))
		g.Expect(bob.Status.FeedTokenHash).To(Equal(tokenHash(token)))
		return token, url
	}
	// serves checks that a token's URL answers with bob's one series.
	serves := func(g Gomega, token string) {
		code, _, body := fetch(g, server.URL+"/feeds/"+token+".ics")
		g.Expect(code).To(Equal(http.StatusOK))
		g.Expect(strings.Count(body, "BEGIN:VEVENT")).To(Equal(1))
		g.Expect(body).To(ContainSubstring(seriesUID(listPairings(g, ns)[0])))
	}
	var old, oldURL string
	g.Eventually(func(g Gomega) {
		g.Expect(listPairings(g, ns)).To(HaveLen(1))
		old, oldURL = secretOf(g)
		serves(g, old)
	}).Should(Succeed())

	g.Expect(env.Client.Delete(context.Background(), &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "bob-calendar-feed", Namespace: ns}})).To(Succeed())
	code, _, _ := fetch(g, server.URL+"/feeds/"+old+".ics")
	g.Expect(code).To(Equal(http.StatusNotFound), "the old URL works after its Secret was deleted")
	nudge(t, get(g, ns, "bob", &mentoringv1alpha1.Participant{}))

	var rotated, rotatedURL string
	g.Eventually(func(g Gomega) {
		rotated, rotatedURL = secretOf(g)
		g.Expect(rotated).NotTo(Equal(old), "the rotated feed has the old token")
		g.Expect(rotatedURL).NotTo(Equal(oldURL))
		serves(g, rotated)
	}).Should(Succeed())
	code, _, body := fetch(g, server.URL+"/feeds/"+old+".ics")
	g.Expect(code).To(Equal(http.StatusNotFound), "the old URL works again after the rotation")
	g.Expect(body).NotTo(ContainSubstring("bob"))
	// Ada's feed is untouched.
	ada := get(g, ns, "ada-calendar-feed", &corev1.Secret{})
	code, _, _ = fetch(g, server.URL+"/feeds/"+string(ada.Data["token"])+".ics")
	g.Expect(code).To(Equal(http.StatusOK))
}

// tokenHash is the SHA-256 of a token in hex, as docs/security.md says status.feedTokenHash holds it.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
