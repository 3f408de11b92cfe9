package controllers_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/email"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// The relay's account, as the Secret "smtp" holds it.
const (
	relayUser     = "office@example.org"
	relayPassword = "relay-password-7f3a"
)

// fastEmail retries email deliveries after a second or two, and webhooks as fastRetries does.
var fastEmail = func() controllers.Options {
	opts := fastRetries
	opts.EmailPolicy = email.DefaultPolicy
	opts.EmailPolicy.BaseDelay, opts.EmailPolicy.MaxDelay = time.Second, 2*time.Second
	return opts
}()

// startRelay starts a real SMTP relay (aiosmtpd) that requires STARTTLS and the relay's account.
func startRelay(t *testing.T) *testenv.SMTPServer {
	return testenv.SMTPForTest(t, testenv.SMTPOptions{TLS: "StartTLS", Username: relayUser, Password: relayPassword})
}

// withEmail makes a programme send email through the relay, with STARTTLS verified against the relay's
// own CA, and fast enough for a test.
func withEmail(p *mentoringv1alpha1.Programme, relay *testenv.SMTPServer) *mentoringv1alpha1.Programme {
	if p.Spec.Integrations == nil {
		p.Spec.Integrations = &mentoringv1alpha1.Integrations{}
	}
	p.Spec.Integrations.Email = &mentoringv1alpha1.EmailIntegration{
		Address: relay.Addr, TLS: mentoringv1alpha1.EmailStartTLS, From: "office@example.org", FromName: "Programme office",
		CredentialsSecretRef: &mentoringv1alpha1.LocalObjectReference{Name: "smtp"},
		CABundleSecretRef:    &mentoringv1alpha1.SecretKeyReference{Name: "relay-ca"},
		MaxMessagesPerMinute: 6000,
	}
	return p
}

// relaySecrets are the Secrets withEmail names: the relay's account with password, and its CA.
func relaySecrets(relay *testenv.SMTPServer, password string) []client.Object {
	return []client.Object{
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "smtp"}, StringData: map[string]string{"username": relayUser, "password": password}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "relay-ca"}, Data: map[string][]byte{"ca.crt": relay.CA}},
	}
}

// received is a message the relay accepted, as the test reads it with Go's own MIME parser.
type received struct {
	id, to, subject string
	// method, uid and sequence of an invitation's calendar part; method is empty for an introduction.
	method, uid string
	sequence    int
	ics         []byte
}

// mailbox reads the messages the relay accepted, in order.
func mailbox(g Gomega, relay *testenv.SMTPServer) []received {
	messages, err := relay.Messages()
	g.Expect(err).NotTo(HaveOccurred())
	out := make([]received, len(messages))
	for i, m := range messages {
		parsed, err := mail.ReadMessage(bytes.NewReader(m.Data))
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(m.RcptTos).To(HaveLen(1), "each message goes to one person")
		subject, err := new(mime.WordDecoder).DecodeHeader(parsed.Header.Get("Subject"))
		g.Expect(err).NotTo(HaveOccurred())
		r := received{id: strings.Trim(parsed.Header.Get("Message-ID"), "<>"), to: m.RcptTos[0], subject: subject}
		_, params, err := mime.ParseMediaType(parsed.Header.Get("Content-Type"))
		g.Expect(err).NotTo(HaveOccurred())
		parts := multipart.NewReader(parsed.Body, params["boundary"])
		for part, err := parts.NextPart(); err == nil; part, err = parts.NextPart() {
			contentType, params, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
			if contentType != "text/calendar" {
				continue
			}
			r.ics, err = io.ReadAll(base64.NewDecoder(base64.StdEncoding, part))
			g.Expect(err).NotTo(HaveOccurred())
			r.method, r.uid = params["method"], icsField(string(r.ics), "UID")
			r.sequence, _ = strconv.Atoi(icsField(string(r.ics), "SEQUENCE"))
		}
		out[i] = r
	}
	return out
}

// icsField is the value of the first property of an iCalendar object with the name.
func icsField(ics, name string) string {
	unfolded := regexp.MustCompile(`\r?\n[ \t]`).ReplaceAllString(ics, "")
	if m := regexp.MustCompile(`(?m)^` + name + `:(.*?)\r?$`).FindStringSubmatch(unfolded); m != nil {
		return m[1]
	}
	return ""
}

// counts are how many times each Message-ID arrived.
func counts(messages []received) map[string]int {
	n := map[string]int{}
	for _, m := range messages {
		n[m.id]++
	}
	return n
}

// describe is what each person received, in order, as "to kind", kind being "introduction",
// "REQUEST 0" or "CANCEL 2".
func describe(messages []received) map[string][]string {
	out := map[string][]string{}
	for _, m := range messages {
		what := "introduction"
		if m.method != "" {
			what = m.method + " " + strconv.Itoa(m.sequence)
		}
		out[m.to] = append(out[m.to], what)
	}
	return out
}

// twoPairs are two mentors and two mentees of programme prog, who make two pairs.
func twoPairs() []client.Object {
	return []client.Object{mentor("ada", "prog"), mentee("bob", "prog"), mentor("cy", "prog"), mentee("dee", "prog")}
}

// emailRecords gathers the email records of every pairing in the namespace.
func emailRecords(g Gomega, ns string) []mentoringv1alpha1.EmailMessage {
	var records []mentoringv1alpha1.EmailMessage
	for _, p := range listPairings(g, ns) {
		if p.Status.Email != nil {
			records = append(records, p.Status.Email.Messages...)
		}
	}
	return records
}

// expectAllDelivered checks that the pairings hold want records, each delivered and arrived exactly
// once.
func expectAllDelivered(g Gomega, ns string, relay *testenv.SMTPServer, want int) {
	records := emailRecords(g, ns)
	g.Expect(records).To(HaveLen(want))
	arrived := counts(mailbox(g, relay))
	for _, r := range records {
		g.Expect(r.State).To(Equal(mentoringv1alpha1.DeliveryDelivered), "%s/%s %s: %s", r.Recipient, r.Kind, r.MessageID, r.LastResult)
		g.Expect(arrived).To(HaveKeyWithValue(r.MessageID, 1), "%s/%s arrived once", r.Recipient, r.Kind)
	}
}

// warningsWithReason are the notes of the Warning events with the reason in the namespace.
func warningsWithReason(g Gomega, ns, reason string) []string {
	var list eventsv1.EventList
	g.Expect(env.Client.List(context.Background(), &list, client.InNamespace(ns))).To(Succeed())
	var notes []string
	for _, e := range list.Items {
		if e.Type == corev1.EventTypeWarning && e.Reason == reason {
			notes = append(notes, e.Regarding.Kind+" "+e.Regarding.Name+": "+e.Note)
		}
	}
	return notes
}

// TestEmailIntroducesInvitesUpdatesAndCancels runs two pairs through a CalDAV calendar and a real relay
// with STARTTLS and authentication: each person gets exactly one introduction and one REQUEST carrying
// the CalDAV series' UID and SEQUENCE (expanded by ical.js to the same meetings); a moved meeting
// sends a REQUEST with the next SEQUENCE to both, and nothing else; a deleted mentee's partner gets the
// CANCEL, and the mentee nothing more.
func TestEmailIntroducesInvitesUpdatesAndCancels(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	dav := testenv.RadicaleForTest(t)
	relay := startRelay(t)
	m := startManagerWith(t, ns, january2027, fastEmail)
	tick(t, m.clock)
	create(t, ns, append(relaySecrets(relay, relayPassword), caldavSecret(testenv.RadicaleUsers["mentoring"]),
		withEmail(withCalDAV(programme("prog"), dav, ns), relay))...)
	create(t, ns, twoPairs()...)

	var pairings []mentoringv1alpha1.Pairing
	g.Eventually(func(g Gomega) {
		pairings = listPairings(g, ns)
		g.Expect(pairings).To(HaveLen(2))
		for _, p := range pairings {
			g.Expect(condition(p.Status.Conditions, "EmailSent")).To(Equal("EmailSent=True/Delivered"))
			g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Active"))
			g.Expect(p.Status.Email.Series.Sequence).To(BeZero())
		}
		expectAllDelivered(g, ns, relay, 8)
		g.Expect(mailbox(g, relay)).To(HaveLen(8))
		programme := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
		g.Expect(condition(programme.Status.Conditions, "IntegrationsReady")).To(Equal("IntegrationsReady=True/Succeeded"))
	}).Should(Succeed())
	messages := mailbox(g, relay)
	g.Expect(describe(messages)).To(Equal(map[string][]string{
		"ada@example.org": {"introduction", "REQUEST 0"}, "bob@example.org": {"introduction", "REQUEST 0"},
		"cy@example.org": {"introduction", "REQUEST 0"}, "dee@example.org": {"introduction", "REQUEST 0"},
	}))
	// The invitation is the CalDAV series: same UID and SEQUENCE, and the same meetings as ical.js
	// expands them from each.
	byUID := map[string]string{}
	for _, p := range pairings {
		g.Expect(p.Status.Email.Series.UID).To(Equal(p.Status.Calendar.UID))
		byUID[p.Status.Calendar.UID] = p.Name
	}
	stored := map[string]string{}
	for _, item := range events(g, dav, ns) {
		stored[icsField(item, "UID")] = item
	}
	for _, msg := range messages {
		if msg.method == "" {
			continue
		}
		g.Expect(byUID).To(HaveKey(msg.uid))
		g.Expect(stored).To(HaveKey(msg.uid))
		parsed := testenv.ICalJS(t, msg.ics, []byte(stored[msg.uid]))
		invitation, series := parsed[0].Events[0], parsed[1].Events[0]
		g.Expect(parsed[0].Method).To(Equal("REQUEST"))
		g.Expect(invitation.Sequence).To(Equal(series.Sequence))
		g.Expect(invitation.TZID).To(Equal(series.TZID))
		g.Expect(invitation.Occurrences).To(Equal(series.Occurrences))
		g.Expect(invitation.Occurrences).NotTo(BeEmpty())
	}

	// Ada can only meet on another day: her series moves, in the calendar and by email, with the next
	// sequence, to both people of her pair.
	var moved mentoringv1alpha1.Pairing
	for _, p := range pairings {
		if p.Spec.MentorRef.Name == "ada" {
			moved = p
		}
	}
	partner := moved.Spec.MenteeRef.Name + "@example.org"
	bystander := "bob@example.org"
	if partner == bystander {
		bystander = "dee@example.org"
	}
	otherDay := mentoringv1alpha1.Weekday("Monday")
	if moved.Status.Meeting.Weekday == otherDay {
		otherDay = "Wednesday"
	}
	update(t, ns, "ada", &mentoringv1alpha1.Participant{}, func(p *mentoringv1alpha1.Participant) {
		p.Spec.Availability = []mentoringv1alpha1.AvailabilityWindow{{Days: []mentoringv1alpha1.Weekday{otherDay}, Start: "09:00", End: "17:00"}}
	})
	g.Eventually(func(g Gomega) {
		p := get(g, ns, moved.Name, &mentoringv1alpha1.Pairing{})
		g.Expect(p.Status.Meeting.Weekday).To(Equal(otherDay))
		g.Expect(p.Status.Calendar.Sequence).To(BeEquivalentTo(1))
		g.Expect(p.Status.Email.Series.Sequence).To(BeEquivalentTo(1))
		expectAllDelivered(g, ns, relay, 8)
		g.Expect(describe(mailbox(g, relay))).To(Equal(map[string][]string{
			"ada@example.org": {"introduction", "REQUEST 0", "REQUEST 1"}, partner: {"introduction", "REQUEST 0", "REQUEST 1"},
			"cy@example.org": {"introduction", "REQUEST 0"}, bystander: {"introduction", "REQUEST 0"},
		}))
	}).Should(Succeed())

	// Ada's mentee leaves: the pairing ends, and Ada's calendar program is told to remove the series.
	g.Expect(env.Client.Delete(context.Background(), &mentoringv1alpha1.Participant{ObjectMeta: metav1.ObjectMeta{Name: moved.Spec.MenteeRef.Name, Namespace: ns}})).To(Succeed())
	g.Eventually(func(g Gomega) {
		p := get(g, ns, moved.Name, &mentoringv1alpha1.Pairing{})
		g.Expect(p.Status.Ended).NotTo(BeNil())
		g.Expect(p.Status.Email.Series.Cancelled).To(BeTrue())
		g.Expect(condition(p.Status.Conditions, "EmailSent")).To(Equal("EmailSent=True/Delivered"))
		arrived := mailbox(g, relay)
		g.Expect(describe(arrived)).To(Equal(map[string][]string{
			"ada@example.org": {"introduction", "REQUEST 0", "REQUEST 1", "CANCEL 2"}, partner: {"introduction", "REQUEST 0", "REQUEST 1"},
			"cy@example.org": {"introduction", "REQUEST 0"}, bystander: {"introduction", "REQUEST 0"},
		}))
		g.Expect(arrived[len(arrived)-1].uid).To(Equal(moved.Status.Calendar.UID))
	}).Should(Succeed())
	g.Consistently(func(g Gomega) {
		for _, n := range counts(mailbox(g, relay)) {
			g.Expect(n).To(Equal(1), "no message arrives twice")
		}
		g.Expect(mailbox(g, relay)).To(HaveLen(11))
	}).Should(Succeed())
}

// TestEmailSurvivesARelayOutage takes the relay down before the pairings become active, lets the
// deliveries fail and retry for a while, and brings it back: each message arrives exactly once,
// identified by its Message-ID, and the conditions say what happens meanwhile.
func TestEmailSurvivesARelayOutage(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	relay := startRelay(t)
	relay.Stop()
	m := startManagerWith(t, ns, january2027, fastEmail)
	tick(t, m.clock)
	create(t, ns, append(relaySecrets(relay, relayPassword), withEmail(programme("prog"), relay))...)
	create(t, ns, twoPairs()...)

	g.Eventually(func(g Gomega) {
		pairings := listPairings(g, ns)
		g.Expect(pairings).To(HaveLen(2))
		for _, p := range pairings {
			g.Expect(condition(p.Status.Conditions, "EmailSent")).To(Equal("EmailSent=False/DeliveryPending"))
			g.Expect(condition(p.Status.Conditions, "Reconciling")).To(Equal("Reconciling=True/DeliveryPending"))
			g.Expect(conditionMessage(p.Status.Conditions, "EmailSent")).To(ContainSubstring("connection refused"))
			attempts := int32(0)
			for _, r := range p.Status.Email.Messages {
				attempts += r.Attempts
			}
			g.Expect(attempts).To(BeNumerically(">=", 3), "the deliveries were retried")
		}
		programme := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
		g.Expect(condition(programme.Status.Conditions, "IntegrationsReady")).To(Equal("IntegrationsReady=False/DeliveryPending"))
		g.Expect(condition(programme.Status.Conditions, "Reconciling")).To(Equal("Reconciling=True/DeliveryPending"))
	}).Should(Succeed())

	g.Expect(relay.Start()).To(Succeed())
	g.Eventually(func(g Gomega) {
		expectAllDelivered(g, ns, relay, 8)
		g.Expect(mailbox(g, relay)).To(HaveLen(8))
		for _, p := range listPairings(g, ns) {
			g.Expect(condition(p.Status.Conditions, "EmailSent")).To(Equal("EmailSent=True/Delivered"))
			g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Active"))
		}
		programme := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
		g.Expect(condition(programme.Status.Conditions, "IntegrationsReady")).To(Equal("IntegrationsReady=True/Succeeded"))
	}).Should(Succeed())
}

// TestEmailOutboxSurvivesAManagerRestart stops the manager in the middle of its outbox (the relay's
// rate limit of one message a minute has let one message go) and starts a new one: the new manager
// sends the rest from the pairings' status, and each message arrives exactly once.
func TestEmailOutboxSurvivesAManagerRestart(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	relay := startRelay(t)
	first := startManagerWith(t, ns, january2027, fastEmail)
	prog := withEmail(programme("prog"), relay)
	prog.Spec.Integrations.Email.MaxMessagesPerMinute = 1
	create(t, ns, append(relaySecrets(relay, relayPassword), prog)...)
	create(t, ns, twoPairs()...)

	g.Eventually(func(g Gomega) {
		records := emailRecords(g, ns)
		g.Expect(records).To(HaveLen(8))
		delivered := 0
		for _, r := range records {
			if r.State == mentoringv1alpha1.DeliveryDelivered {
				delivered++
			}
		}
		g.Expect(delivered).To(Equal(1), "the rate limit let one message go")
		for _, p := range listPairings(g, ns) {
			g.Expect(condition(p.Status.Conditions, "EmailSent")).To(Equal("EmailSent=False/DeliveryPending"))
			g.Expect(conditionMessage(p.Status.Conditions, "EmailSent")).To(ContainSubstring("rate limit"))
		}
	}).Should(Succeed())
	first.Stop()
	g.Expect(mailbox(g, relay)).To(HaveLen(1))

	update(t, ns, "prog", &mentoringv1alpha1.Programme{}, func(p *mentoringv1alpha1.Programme) {
		p.Spec.Integrations.Email.MaxMessagesPerMinute = 6000
	})
	startManagerWith(t, ns, first.clock.Now(), fastEmail)
	g.Eventually(func(g Gomega) {
		expectAllDelivered(g, ns, relay, 8)
		g.Expect(mailbox(g, relay)).To(HaveLen(8))
		for _, p := range listPairings(g, ns) {
			g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Active"))
		}
	}).Should(Succeed())
}

// TestEmailRelayRefusals: a relay that refuses the credentials (535) stalls the programme with a
// message naming the Secret and a Warning event, without trying every pairing; fixed, and with the
// relay answering 451 for a while, the messages are retried until they are delivered, once each; a
// recipient the relay refuses (550) is reported on that pairing by role, which stays Ready.
func TestEmailRelayRefusals(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	relay := startRelay(t)
	m := startManagerWith(t, ns, january2027, fastEmail)
	tick(t, m.clock)
	g.Expect(relay.RefuseRecipient("dee@example.org", 550)).To(Succeed())
	create(t, ns, append(relaySecrets(relay, "wrong-password"), withEmail(programme("prog"), relay))...)
	create(t, ns, twoPairs()...)

	g.Eventually(func(g Gomega) {
		programme := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
		g.Expect(condition(programme.Status.Conditions, "IntegrationsReady")).To(Equal("IntegrationsReady=False/AuthenticationFailed"))
		g.Expect(condition(programme.Status.Conditions, "Stalled")).To(Equal("Stalled=True/AuthenticationFailed"))
		message := conditionMessage(programme.Status.Conditions, "Stalled")
		g.Expect(message).To(ContainSubstring("Secret smtp"))
		g.Expect(message).To(ContainSubstring("SMTP 535"))
		g.Expect(message).NotTo(ContainSubstring("wrong-password"))
		g.Expect(warningsWithReason(g, ns, "AuthenticationFailed")).To(ContainElement(HavePrefix("Programme prog: ")))
		for _, p := range listPairings(g, ns) {
			g.Expect(condition(p.Status.Conditions, "EmailSent")).To(Equal("EmailSent=False/AuthenticationFailed"))
		}
	}).Should(Succeed())
	g.Expect(mailbox(g, relay)).To(BeEmpty())
	// Passes over the pairings, whatever starts them, do not try the refused credentials again: a
	// relay such as Microsoft 365 locks an account that keeps failing to log in.
	refusals := relay.Count("AUTH", 535)
	g.Expect(refusals).To(BeNumerically("<=", 2), "one refusal stops the other pairings from trying")
	for _, p := range listPairings(g, ns) {
		nudge(t, &p)
	}
	g.Consistently(func() int { return relay.Count("AUTH", 535) }).Should(Equal(refusals), "refused credentials are not tried again")

	// A person fixes the password and asks for a pass; the relay is busy for a while.
	g.Expect(relay.Answer("DATA", 451)).To(Succeed())
	update(t, ns, "smtp", &corev1.Secret{}, func(s *corev1.Secret) { s.Data["password"] = []byte(relayPassword) })
	nudge(t, get(g, ns, "prog", &mentoringv1alpha1.Programme{}))
	g.Eventually(func(g Gomega) {
		g.Expect(relay.Count("DATA", 451)).To(BeNumerically(">=", 4), "4xx answers are retried")
		for _, p := range listPairings(g, ns) {
			if p.Spec.MenteeRef.Name == "bob" {
				g.Expect(condition(p.Status.Conditions, "EmailSent")).To(Equal("EmailSent=False/DeliveryPending"))
				g.Expect(conditionMessage(p.Status.Conditions, "EmailSent")).To(ContainSubstring("SMTP 451 4.3.0 at DATA"))
			}
		}
	}).Should(Succeed())
	g.Expect(relay.Answer("DATA", 0)).To(Succeed())

	g.Eventually(func(g Gomega) {
		arrived := counts(mailbox(g, relay))
		for _, p := range listPairings(g, ns) {
			g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Active"))
			for _, r := range p.Status.Email.Messages {
				if r.Recipient == mentoringv1alpha1.EmailRecipient(email.Mentee) && p.Spec.MenteeRef.Name == "dee" {
					g.Expect(r.State).To(Equal(mentoringv1alpha1.DeliveryFailed))
					g.Expect(r.LastResult).To(Equal("SMTP 550 5.1.1 at RCPT"))
					g.Expect(arrived).NotTo(HaveKey(r.MessageID))
					continue
				}
				g.Expect(r.State).To(Equal(mentoringv1alpha1.DeliveryDelivered))
				g.Expect(arrived).To(HaveKeyWithValue(r.MessageID, 1))
			}
			if p.Spec.MenteeRef.Name == "dee" {
				g.Expect(condition(p.Status.Conditions, "EmailSent")).To(Equal("EmailSent=False/RecipientRefused"))
				g.Expect(conditionMessage(p.Status.Conditions, "EmailSent")).To(ContainSubstring("the mentee's introduction (SMTP 550 5.1.1 at RCPT)"))
			} else {
				g.Expect(condition(p.Status.Conditions, "EmailSent")).To(Equal("EmailSent=True/Delivered"))
			}
		}
		g.Expect(arrived).To(HaveLen(6))
		g.Expect(warningsWithReason(g, ns, "RecipientRefused")).To(ContainElement(ContainSubstring("The relay refused the mentee's")))
		programme := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
		g.Expect(condition(programme.Status.Conditions, "IntegrationsReady")).To(Equal("IntegrationsReady=True/Succeeded"))
		g.Expect(condition(programme.Status.Conditions, "Ready")).To(HavePrefix("Ready=True/"))
	}).Should(Succeed())
	for _, note := range warningsWithReason(g, ns, "RecipientRefused") {
		g.Expect(note).NotTo(ContainSubstring("dee@example.org"))
	}
}

// TestEmailTemplatesFromAConfigMap: a ConfigMap with a broken template stalls the programme and its
// pairings with TemplateInvalid, naming the key and line, and sends nothing; fixed, it takes effect
// without a nudge (the ConfigMap is watched), and the messages carry its subject.
func TestEmailTemplatesFromAConfigMap(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t)
	relay := startRelay(t)
	startManagerWith(t, ns, january2027, fastEmail)
	prog := withEmail(programme("prog"), relay)
	prog.Spec.Integrations.Email.TemplatesConfigMapRef = &mentoringv1alpha1.LocalObjectReference{Name: "prog-email"}
	templates := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "prog-email"},
		Data: map[string]string{"introduction.subject": "Meet {{.Partner.Nmae}}"}}
	create(t, ns, append(relaySecrets(relay, relayPassword), templates, prog)...)
	create(t, ns, twoPairs()...)

	g.Eventually(func(g Gomega) {
		programme := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
		g.Expect(condition(programme.Status.Conditions, "Stalled")).To(Equal("Stalled=True/TemplateInvalid"))
		g.Expect(conditionMessage(programme.Status.Conditions, "Stalled")).To(ContainSubstring("template introduction.subject, line 1"))
		pairings := listPairings(g, ns)
		g.Expect(pairings).To(HaveLen(2))
		for _, p := range pairings {
			g.Expect(condition(p.Status.Conditions, "EmailSent")).To(Equal("EmailSent=False/TemplateInvalid"))
			g.Expect(condition(p.Status.Conditions, "Stalled")).To(Equal("Stalled=True/TemplateInvalid"))
		}
	}).Should(Succeed())
	g.Expect(mailbox(g, relay)).To(BeEmpty())

	update(t, ns, "prog-email", &corev1.ConfigMap{}, func(c *corev1.ConfigMap) {
		c.Data["introduction.subject"] = "Meet {{.Partner.Name}}, your {{.Partner.Role}}"
	})
	g.Eventually(func(g Gomega) {
		expectAllDelivered(g, ns, relay, 8)
		for _, p := range listPairings(g, ns) {
			g.Expect(condition(p.Status.Conditions, "Ready")).To(Equal("Ready=True/Active"))
		}
		programme := get(g, ns, "prog", &mentoringv1alpha1.Programme{})
		g.Expect(condition(programme.Status.Conditions, "IntegrationsReady")).To(Equal("IntegrationsReady=True/Succeeded"))
	}).Should(Succeed())
	subjects := map[string]string{}
	for _, m := range mailbox(g, relay) {
		if m.method == "" {
			subjects[m.to] = m.subject
		}
	}
	g.Expect(subjects).To(HaveKeyWithValue("ada@example.org", MatchRegexp(`^Meet Person (bob|dee), your mentee$`)))
	g.Expect(subjects).To(HaveKeyWithValue("bob@example.org", MatchRegexp(`^Meet Person (ada|cy), your mentor$`)))
}
