package controllers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// Hostile text, as the API accepts it (api/v1alpha1 TestHostileManifests): it would inject iCalendar
// properties, ping a whole Slack channel, or make a line read backwards if it went out unescaped.
const (
	hostilePurpose = "Learn AI.\r\nATTENDEE:mailto:evil@x\r\nEND:VEVENT\r\nBEGIN:VEVENT <!channel> *bold* `code`"
	// icsName closes the attendee's line and adds an attendee and an alarm.
	icsName = "Bob\r\nATTENDEE:mailto:evil@x\r\nBEGIN:VALARM\nTRIGGER:-PT5M"
	// chatName mentions a channel and a user, formats text and reverses what follows it.
	chatName = "<!channel> <@U123> *Cy* `code` <https://evil.example|click> \u202eevil\u202c"
	// paramName closes the CN parameter and adds one, with control characters and joined emoji.
	paramName = "Ada\";ROLE=CHAIR;X=\"\x00\x1b[31m \U0001F469\u200d\U0001F4BB \u2066x\u2069"
	// crlfEmail would end a calendar line; the Email rule refuses it.
	crlfEmail = "mallory\r\nATTENDEE:mailto:evil@example.org"
)

// chatReceiver is a Slack or Teams endpoint: it accepts every request and keeps the bodies by path.
type chatReceiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies map[string][][]byte
}

func startChatReceiver(t *testing.T) *chatReceiver {
	r := &chatReceiver{bodies: map[string][][]byte{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies[req.URL.Path] = append(r.bodies[req.URL.Path], body)
		r.mu.Unlock()
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// received returns the bodies received on a path.
func (r *chatReceiver) received(path string) [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.bodies[path])
}

// chatWebhooks are a Slack and a Teams webhook, without signing, whose URLs are in the Secrets
// <name>-url; their Secrets point at the receiver's /slack and /teams.
func chatWebhooks(rcv *chatReceiver) ([]mentoringv1alpha1.Webhook, []client.Object) {
	var hooks []mentoringv1alpha1.Webhook
	var secrets []client.Object
	for _, f := range []mentoringv1alpha1.WebhookFormat{mentoringv1alpha1.WebhookSlack, mentoringv1alpha1.WebhookTeams} {
		name := strings.ToLower(string(f))
		hooks = append(hooks, mentoringv1alpha1.Webhook{Name: name, Format: f, URLSecretRef: mentoringv1alpha1.SecretKeyReference{Name: name + "-url"}})
		secrets = append(secrets, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name + "-url"},
			StringData: map[string]string{"url": rcv.srv.URL + "/" + name}})
	}
	return hooks, secrets
}

// TestHostileTextIsNeutralised runs a programme whose purpose and participants' display names carry
// iCalendar property injections, Slack mentions and markup, bidirectional overrides and control
// characters, with a CalDAV calendar (Radicale), calendar feeds, and Slack and Teams webhooks. The event
// in Radicale's storage and in the feed has exactly the mentor and the mentee as attendees and only the
// properties the operator writes; the chat messages carry no display name, no purpose and no live
// mention. An email that would end a calendar line does not even pass admission.
func TestHostileTextIsNeutralised(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	dav := testenv.RadicaleForTest(t)
	m := startManager(t, ns, january2027)
	feeds := httptest.NewServer(controllers.FeedHandler(m.client, env.Client, m.clock))
	t.Cleanup(feeds.Close)
	rcv := startChatReceiver(t)
	hooks, secrets := chatWebhooks(rcv)

	prog := withCalDAV(programme("prog"), dav, ns)
	prog.Spec.Purpose = hostilePurpose
	prog.Spec.Integrations.Calendar.Feed = true
	prog.Spec.Integrations.Webhooks = hooks
	ada, cy, bob, mallory := mentor("ada", "prog"), mentor("cy", "prog"), mentee("bob", "prog"), mentee("mallory", "prog")
	ada.Spec.DisplayName, cy.Spec.DisplayName, bob.Spec.DisplayName, mallory.Spec.DisplayName = paramName, chatName, icsName, "Mallory"
	injected := mentee("injected", "prog")
	injected.Namespace, injected.Spec.Email = ns, crlfEmail
	g.Expect(env.Client.Create(context.Background(), injected)).To(MatchError(ContainSubstring("must be an email address")))
	lonely := mentee("lonely", "prog")
	lonely.Spec.DisplayName = chatName
	lonely.Spec.Goals = []mentoringv1alpha1.TopicGoal{{Topic: "inclusion", Priority: 2}}
	people := []*mentoringv1alpha1.Participant{ada, cy, bob, mallory, lonely}
	create(t, ns, append(secrets, caldavSecret(testenv.RadicaleUsers["mentoring"]), prog)...)
	create(t, ns, objects(people)...)

	// Both pairs are active and in the calendar.
	var pairings []mentoringv1alpha1.Pairing
	g.Eventually(func(g Gomega) {
		pairings = listPairings(g, ns)
		g.Expect(pairings).To(HaveLen(2))
		for _, p := range pairings {
			g.Expect(condition(p.Status.Conditions, "CalendarSynced")).To(Equal("CalendarSynced=True/Synced"))
		}
		g.Expect(events(g, dav, ns)).To(HaveLen(2))
	}).Should(Succeed())

	// Radicale's storage and each mentee's feed: one event per pair, its two attendees, nothing
	// injected, the hostile text inside values; the feed, which the operator encodes itself, with lines
	// of at most 75 octets.
	for _, p := range pairings {
		mentor, mentee := p.Spec.MentorRef.Name+"@example.org", p.Spec.MenteeRef.Name+"@example.org"
		stored := slices.IndexFunc(events(g, dav, ns), func(e string) bool { return strings.Contains(e, seriesUID(p)) })
		g.Expect(stored).NotTo(BeNumerically("<", 0))
		expectOnlyOurProperties(t, "Radicale's copy", events(g, dav, ns)[stored], mentor, mentee)
		expectQuoted(t, "Radicale's copy", events(g, dav, ns)[stored], mentee == "bob@example.org")

		token := string(get(g, ns, p.Spec.MenteeRef.Name+"-calendar-feed", &corev1.Secret{}).Data["token"])
		var feed string
		g.Eventually(func(g Gomega) {
			code, _, body := fetch(g, feeds.URL+"/feeds/"+token+".ics")
			g.Expect(code).To(Equal(http.StatusOK))
			g.Expect(body).To(ContainSubstring("BEGIN:VEVENT"))
			feed = body
		}).Should(Succeed())
		expectOnlyOurProperties(t, p.Spec.MenteeRef.Name+"'s feed", feed, mentor, mentee)
		expectQuoted(t, p.Spec.MenteeRef.Name+"'s feed", feed, mentee == "bob@example.org")
		expectContentLines(t, p.Spec.MenteeRef.Name+"'s feed", feed)
	}

	// The events reached both chat webhooks, and no message carries personal text or a live mention.
	g.Eventually(func(g Gomega) {
		delivered := map[string]int{}
		for _, r := range allRecords(g, ns) {
			g.Expect(r.State).To(Equal(mentoringv1alpha1.DeliveryDelivered), "%s to %s: %s", r.Event, r.Webhook, r.LastResult)
			delivered[r.Webhook+" "+string(r.Event)]++
		}
		for _, hook := range []string{"slack", "teams"} {
			g.Expect(delivered).To(HaveKeyWithValue(hook+" pairing.proposed", 2))
			g.Expect(delivered).To(HaveKeyWithValue(hook+" pairing.activated", 2))
			g.Expect(delivered).To(HaveKeyWithValue(hook+" participant.unmatched", 1))
		}
	}).Should(Succeed())
	personal := []string{hostilePurpose, "evil", "ATTENDEE", "<!", "<@", "\u202e", "\u200d"}
	for _, p := range people {
		personal = append(personal, p.Spec.DisplayName, string(p.Spec.Email))
	}
	for _, path := range []string{"/slack", "/teams"} {
		bodies := rcv.received(path)
		g.Expect(len(bodies)).To(BeNumerically(">=", 5), path)
		for _, body := range bodies {
			texts := stringsIn(t, body)
			for _, text := range texts {
				for _, p := range personal {
					if strings.Contains(text, p) {
						t.Errorf("%s message holds %q: %q", path, p, text)
					}
				}
				if strings.IndexFunc(text, func(r rune) bool { return unicode.Is(unicode.Bidi_Control, r) || (unicode.IsControl(r) && r != '\n') }) >= 0 {
					t.Errorf("%s message holds a control character: %q", path, text)
				}
			}
		}
	}
	for _, body := range rcv.received("/slack") {
		expectSlackIsInert(t, body)
	}
	for _, body := range rcv.received("/teams") {
		expectTeamsIsInert(t, body)
	}
}

// TestHostileURLsAreRefused points webhooks, through their URL Secrets, and CalDAV calendars at cloud
// metadata addresses (IPv4, IPv6 and IPv4-mapped IPv6): the programme reports IntegrationsReady
// False/AddressRefused naming each of them, every delivery to them fails as refused after one attempt
// that never left the process (the guard refuses the address before a socket is made), and the calendar
// is never written. A control webhook on a reachable address is offered the same events and receives
// them, so the refusals are the guard's doing and not a broken set-up.
func TestHostileURLsAreRefused(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	m := startManagerWith(t, ns, january2027, quickRetries)
	rcv := startChatReceiver(t)
	urls := map[string]string{
		"metadata-v4":     "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
		"metadata-v6":     "http://[fd00:ec2::254]/latest/meta-data/",
		"metadata-mapped": "http://[::ffff:169.254.169.254]/latest/meta-data/",
		"control":         rcv.srv.URL + "/control",
	}
	prog := programme("prog")
	prog.Spec.Integrations = &mentoringv1alpha1.Integrations{}
	for _, name := range []string{"control", "metadata-mapped", "metadata-v4", "metadata-v6"} {
		prog.Spec.Integrations.Webhooks = append(prog.Spec.Integrations.Webhooks, mentoringv1alpha1.Webhook{
			Name: name, Format: mentoringv1alpha1.WebhookSlack, URLSecretRef: mentoringv1alpha1.SecretKeyReference{Name: name + "-url"}})
		create(t, ns, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name + "-url"}, StringData: map[string]string{"url": urls[name]}})
	}
	// Calendars at the metadata addresses, by programme: the URL and the address refused.
	calendars := map[string][2]string{
		"calendar-v4": {"http://169.254.169.254/dav/", "169.254.169.254"},
		"calendar-v6": {"http://[fd00:ec2::254]/dav/", "fd00:ec2::254"},
	}
	for name, at := range calendars {
		p := programme(name)
		p.Spec.Integrations = &mentoringv1alpha1.Integrations{Calendar: &mentoringv1alpha1.CalendarIntegration{CalDAV: &mentoringv1alpha1.CalDAVCalendar{
			URL: at[0], CredentialsSecretRef: mentoringv1alpha1.LocalObjectReference{Name: "caldav"}}}}
		create(t, ns, p, mentor(name+"-mentor", name), mentee(name+"-mentee", name))
	}
	create(t, ns, caldavSecret("secret"), prog, mentor("ada", "prog"), mentee("bob", "prog"))

	g.Eventually(func(g Gomega) {
		p := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
		g.Expect(condition(p.Status.Conditions, "IntegrationsReady")).To(Equal("IntegrationsReady=False/AddressRefused"))
		g.Expect(condition(p.Status.Conditions, "Stalled")).To(Equal("Stalled=True/AddressRefused"))
		message := conditionMessage(p.Status.Conditions, "IntegrationsReady")
		for _, name := range []string{"metadata-v4", "metadata-v6", "metadata-mapped"} {
			g.Expect(message).To(ContainSubstring("Webhook "+name+":"), "the condition names every refused webhook")
		}
		g.Expect(message).NotTo(ContainSubstring("control"))
		g.Expect(message).NotTo(ContainSubstring("latest/meta-data"), "the condition never repeats a URL, which may hold a token")

		// Every event went to every webhook: delivered to control, refused for the others.
		perWebhook := map[string][]string{}
		for _, r := range allRecords(g, ns) {
			perWebhook[r.Webhook] = append(perWebhook[r.Webhook], string(r.Event)+" "+r.ID)
			if r.Webhook == "control" {
				g.Expect(r.State).To(Equal(mentoringv1alpha1.DeliveryDelivered))
				continue
			}
			g.Expect(r.State).To(Equal(mentoringv1alpha1.DeliveryFailed), "%s to %s", r.Event, r.Webhook)
			g.Expect(r.Attempts).To(BeEquivalentTo(1), "a refused address is not tried again")
			g.Expect(r.LastResult).To(MatchRegexp(`^refused: address (169\.254\.169\.254|fd00:ec2::254) is link-local/metadata$`))
		}
		g.Expect(perWebhook["control"]).To(ContainElements(HavePrefix("pairing.proposed "), HavePrefix("pairing.activated ")))
		for _, name := range []string{"metadata-v4", "metadata-v6", "metadata-mapped"} {
			g.Expect(perWebhook[name]).To(ConsistOf(perWebhook["control"]), "%s was offered the same events as control", name)
		}
		g.Expect(rcv.received("/control")).NotTo(BeEmpty())

		refused := 0
		for _, p := range listPairings(g, ns) {
			if at, ok := calendars[p.Spec.ProgrammeRef.Name]; ok {
				g.Expect(condition(p.Status.Conditions, "CalendarSynced")).To(Equal("CalendarSynced=False/AddressRefused"))
				g.Expect(conditionMessage(p.Status.Conditions, "CalendarSynced")).To(ContainSubstring("refused: address " + at[1] + " is link-local/metadata"))
				g.Expect(p.Status.Calendar).To(BeNil(), "nothing was written")
				refused++
			}
		}
		g.Expect(refused).To(Equal(len(calendars)))
		for name := range calendars {
			c := get(g, ns, name, &mentoringv1alpha1.Programme{})
			g.Expect(condition(c.Status.Conditions, "IntegrationsReady")).To(Equal("IntegrationsReady=False/AddressRefused"))
		}
	}).Should(Succeed())

	// Nothing is tried again, even once a retry would have come due. (Caught: the mutation that retries a
	// refused event, described in TestWebhooksThatRefuseAreStoppedAndExplained.)
	expectNotRetried(g, m, func(g Gomega) {
		for _, r := range allRecords(g, ns) {
			if r.Webhook != "control" {
				g.Expect(r.Attempts).To(BeEquivalentTo(1), "%s to %s", r.Event, r.Webhook)
			}
		}
	})
}

// calendarProperties are the properties and components the operator writes: anything else in a
// calendar object was injected.
var calendarProperties = map[string]bool{
	"BEGIN": true, "END": true, "VERSION": true, "PRODID": true, "CALSCALE": true, "UID": true, "SEQUENCE": true, "DTSTAMP": true,
	"DTSTART": true, "DURATION": true, "RRULE": true, "SUMMARY": true, "DESCRIPTION": true, "ORGANIZER": true, "ATTENDEE": true,
	"STATUS": true, "TZID": true, "TZOFFSETFROM": true, "TZOFFSETTO": true, "TZNAME": true, "X-MENTORING-HASH": true,
	"X-WR-CALNAME": true, "REFRESH-INTERVAL": true, "X-PUBLISHED-TTL": true,
}

var calendarComponents = map[string]bool{"VCALENDAR": true, "VEVENT": true, "VTIMEZONE": true, "STANDARD": true, "DAYLIGHT": true}

// unfold joins a calendar object's folded lines and splits it into content lines.
func unfold(object string) []string {
	object = strings.NewReplacer("\r\n ", "", "\r\n\t", "", "\n ", "", "\n\t", "").Replace(object)
	return strings.FieldsFunc(object, func(r rune) bool { return r == '\r' || r == '\n' })
}

// propertyName is the name of a content line's property: what comes before the first ; or :.
func propertyName(line string) string {
	if i := strings.IndexAny(line, ";:"); i >= 0 {
		return line[:i]
	}
	return line
}

// expectOnlyOurProperties checks that a calendar object holds one event whose attendees are exactly the
// two addresses, and only the properties and components the operator writes.
func expectOnlyOurProperties(t *testing.T, what, object string, attendees ...string) {
	t.Helper()
	var got []string
	events := 0
	for _, line := range unfold(object) {
		name := propertyName(line)
		value := line[strings.LastIndex(line, ":")+1:]
		switch {
		case !calendarProperties[name]:
			t.Errorf("%s holds a property the operator never writes: %q", what, line)
		case (name == "BEGIN" || name == "END") && !calendarComponents[value]:
			t.Errorf("%s holds a component the operator never writes: %q", what, line)
		case name == "BEGIN" && value == "VEVENT":
			events++
		case name == "ATTENDEE":
			got = append(got, strings.TrimPrefix(line[strings.LastIndex(line, ":mailto:")+1:], "mailto:"))
		}
	}
	if events != 1 {
		t.Errorf("%s holds %d events; want 1:\n%s", what, events, object)
	}
	slices.Sort(got)
	slices.Sort(attendees)
	if !slices.Equal(got, attendees) {
		t.Errorf("%s has attendees %q; want exactly %q:\n%s", what, got, attendees, object)
	}
}

// expectQuoted checks that the hostile text did reach the calendar object, as values: the purpose's
// line breaks escaped in the description, and, in Bob's pair, his name on his attendee line, inside
// its CN.
func expectQuoted(t *testing.T, what, object string, bobsPair bool) {
	t.Helper()
	lines := unfold(object)
	if !slices.ContainsFunc(lines, func(l string) bool {
		return strings.HasPrefix(l, "DESCRIPTION:") && strings.Contains(l, `Learn AI.\nATTENDEE:mailto:evil@x\nEND:VEVENT`)
	}) {
		t.Errorf("%s does not carry the purpose as escaped text:\n%s", what, object)
	}
	if bobsPair && !slices.ContainsFunc(lines, func(l string) bool {
		return strings.HasPrefix(l, "ATTENDEE") && strings.Contains(l, "CN=") && strings.Contains(l, "ATTENDEE:mailto:evil@x") &&
			strings.Contains(l, "BEGIN:VALARM") && strings.HasSuffix(strings.ToLower(l), "mailto:bob@example.org")
	}) {
		t.Errorf("%s does not carry Bob's name on one line in his attendee's CN:\n%s", what, object)
	}
}

// expectContentLines checks that an iCalendar object the operator encoded ends every line with CRLF,
// has no other line break, and folds lines at 75 octets.
func expectContentLines(t *testing.T, what, object string) {
	t.Helper()
	if strings.Count(object, "\n") != strings.Count(object, "\r\n") || strings.Count(object, "\r") != strings.Count(object, "\r\n") {
		t.Errorf("%s holds a line break other than CRLF", what)
	}
	for _, line := range strings.Split(strings.TrimSuffix(object, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("%s has a line of %d octets: %q", what, len(line), line)
		}
	}
}

// stringsIn returns every string in a JSON document.
func stringsIn(t *testing.T, body []byte) []string {
	t.Helper()
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("a message is not JSON: %v\n%s", err, body)
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(doc)
	return out
}

// expectSlackIsInert checks a Slack message: no text holds < or > (Slack's link and mention syntax),
// and every mrkdwn text is verbatim, so Slack does not turn names or URLs into links or mentions.
func expectSlackIsInert(t *testing.T, body []byte) {
	t.Helper()
	for _, text := range stringsIn(t, body) {
		if strings.ContainsAny(text, "<>") {
			t.Errorf("Slack message holds a live < or >: %q", text)
		}
	}
	eachJSONObject(t, body, func(v map[string]any) {
		if v["type"] == "mrkdwn" && v["verbatim"] != true {
			t.Errorf("Slack mrkdwn text is not verbatim: %v", v)
		}
	})
}

// expectTeamsIsInert checks a Teams card: Markdown is read only in TextBlocks, which hold nothing but
// the fixed titles; every other text is a TextRun, which Teams shows as written.
func expectTeamsIsInert(t *testing.T, body []byte) {
	t.Helper()
	titles := []string{"Pairing proposed", "Pairing active", "Meeting scheduled", "Pairing ended", "Programme matched",
		"Programme completed", "Participant unmatched"}
	eachJSONObject(t, body, func(v map[string]any) {
		if v["type"] == "TextBlock" && !slices.Contains(titles, v["text"].(string)) {
			t.Errorf("Teams TextBlock, read as Markdown, holds variable text: %q", v["text"])
		}
	})
}

// eachJSONObject calls visit with every object in a JSON document, at any depth.
func eachJSONObject(t *testing.T, body []byte, visit func(map[string]any)) {
	t.Helper()
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			visit(v)
			for _, e := range v {
				walk(e)
			}
		}
	}
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	walk(doc)
}
