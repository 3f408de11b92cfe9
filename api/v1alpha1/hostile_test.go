package v1alpha1_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Hostile text: what would break an iCalendar content line, a Slack message or the reading order of a
// line if the operator copied it unescaped. The operator-level tests in controllers (hostile_test.go)
// check that it is neutralised where it goes out.
const (
	icsInjection = "Eve\r\nATTENDEE:mailto:evil@x\r\nBEGIN:VALARM\nTRIGGER:-PT5M"
	slackMarkup  = "<!channel> <!here> <@U123> *bold* `code` <https://evil.example|click>"
	bidiText     = "\u202eexe.tnemtsevni\u202c \u2066isolated\u2069 \u200fmark"
	zwjText      = "\U0001F469\u200d\U0001F4BB Ada \U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466 zero\u200bwidth"
	controlText  = "bell\a escape\x1b[31m delete\x7f nul\x00 tab\t"
)

// hostileCase is a manifest at or beyond a bound, or carrying hostile text. Exactly one of reject, safe
// and gap is set: reject is the message the API server must answer with; safe says why accepting the
// manifest does no harm; gap says why accepting it does harm today, until the defect it names is fixed
// (the test logs every gap, and fails once the manifest is rejected, so that the case is moved).
type hostileCase struct {
	name     string
	manifest string
	mutate   func(*unstructured.Unstructured)
	reject   string
	safe     string
	gap      string
}

// TestHostileManifests sends manifests at and beyond every bound of the API, and hostile text, to the
// real API server. A manifest beyond a bound is rejected with the bound's message; one at the bound is
// accepted; hostile text that is accepted is stored unchanged (the operator neutralises it on the way
// out, see the reason given with each case). None of these cases repeats TestInvalidManifestsAreRejected.
func TestHostileManifests(t *testing.T) {
	cases := append(append(programmeBounds(), participantBounds()...), pairingBounds()...)
	ns := namespace(t)
	accepted, rejected, gaps := 0, 0, 0
	for i, tc := range cases {
		if set := btoi(tc.reject != "") + btoi(tc.safe != "") + btoi(tc.gap != ""); set != 1 {
			t.Fatalf("case %q must either expect a rejection, or say why it is safe or harmful to accept", tc.name)
		}
		t.Run(tc.name, func(t *testing.T) {
			obj := decode(t, tc.manifest)
			obj.SetNamespace(ns)
			obj.SetName(fmt.Sprintf("hostile-%d", i))
			tc.mutate(obj)
			sent := obj.DeepCopy()
			err := env.Client.Create(context.Background(), obj)
			if tc.reject != "" {
				expectRejected(t, err, tc.reject)
				rejected++
				return
			}
			if err != nil {
				t.Fatalf("rejected: %v\nwant it accepted: %s", truncated(err.Error()), tc.safe+tc.gap)
			}
			if tc.gap != "" {
				t.Logf("accepted, and harmful: %s", tc.gap)
				gaps++
			}
			stored := &unstructured.Unstructured{}
			stored.SetGroupVersionKind(obj.GroupVersionKind())
			if err := env.Client.Get(context.Background(), client.ObjectKeyFromObject(obj), stored); err != nil {
				t.Fatal(err)
			}
			if path, ok := holds(stored.Object["spec"], sent.Object["spec"], "spec"); !ok {
				t.Fatalf("the API server changed %s: the operator would not see what was sent", path)
			}
			accepted++
		})
	}
	t.Logf("%d hostile manifests: %d rejected at admission, %d accepted unchanged (%d of them harmful today)", len(cases), rejected, accepted, gaps)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// programmeBounds are the Programme's bounds and hostile values.
func programmeBounds() []hostileCase {
	return []hostileCase{
		{name: "programme name of 63 characters", manifest: validProgramme, mutate: name(strings.Repeat("p", 63)),
			safe: "pairings carry the name in a label and in their own names, which 63 characters fit"},
		{name: "programme name of 64 characters", manifest: validProgramme, mutate: name(strings.Repeat("p", 64)),
			reject: "a programme's name has at most 63 characters"},
		{name: "programme name of 254 characters", manifest: validProgramme, mutate: name(strings.Repeat("p", 254)),
			reject: "must be no more than 253 characters"},
		{name: "purpose of 1000 characters on one line", manifest: validProgramme, mutate: set("spec.purpose", strings.Repeat("x", 1000)),
			safe: "calendar descriptions fold lines at 75 octets"},
		{name: "purpose of 1000 four-byte emoji", manifest: validProgramme, mutate: set("spec.purpose", strings.Repeat("\U0001F680", 1000)),
			safe: "the bound counts characters, and 4000 bytes is still small; folding never splits a character"},
		{name: "purpose of 1001 characters", manifest: validProgramme, mutate: set("spec.purpose", strings.Repeat("x", 1001)),
			reject: "spec.purpose: Too long: may not be more than 1000 bytes"},
		{name: "purpose breaking an iCalendar line", manifest: validProgramme, mutate: set("spec.purpose", icsInjection),
			safe: "the calendar description is iCalendar TEXT: line breaks become \\n, so no property can be injected"},
		{name: "purpose with Slack markup and mentions", manifest: validProgramme, mutate: set("spec.purpose", slackMarkup),
			safe: "the purpose is in no webhook payload"},
		{name: "purpose with bidirectional overrides and zero-width joiners", manifest: validProgramme, mutate: set("spec.purpose", bidiText+" "+zwjText),
			safe: "shown only in calendar descriptions, as text"},
		{name: "purpose with control characters", manifest: validProgramme, mutate: set("spec.purpose", controlText),
			safe: "iCalendar TEXT drops control characters other than tab"},
		{name: "32 topics", manifest: validProgramme, mutate: set("spec.topics", topicList(32)),
			safe: "at the bound"},
		{name: "33 topics", manifest: validProgramme, mutate: set("spec.topics", topicList(33)),
			reject: "spec.topics: Too many: 33: must have at most 32 items"},
		{name: "topic of 63 characters", manifest: validProgramme, mutate: set("spec.topics", []any{strings.Repeat("t", 63)}),
			safe: "at the bound"},
		{name: "topic of 64 characters", manifest: validProgramme, mutate: set("spec.topics", []any{strings.Repeat("t", 64)}),
			reject: "spec.topics[0]: Too long: may not be more than 63 bytes"},
		{name: "topic written twice", manifest: validProgramme, mutate: set("spec.topics", []any{"ai", "ai"}),
			reject: `spec.topics[1]: Duplicate value: "ai"`},
		{name: "topic with an emoji", manifest: validProgramme, mutate: set("spec.topics", []any{"ai-\U0001F916"}),
			reject: "a topic is lower case letters, digits and dashes"},
		{name: "programme running from year 1 to year 9999", manifest: validProgramme, mutate: func(u *unstructured.Unstructured) {
			set("spec.schedule.start", "0001-01-01")(u)
			set("spec.schedule.end", "9999-12-31")(u)
			set("spec.schedule.enrolmentDeadline", "9999-12-31")(u)
		}, reject: "schedule dates must lie between 2000-01-01 and 2099-12-31"},
		{name: "programme running longer than five years", manifest: validProgramme, mutate: set("spec.schedule.end", "2041-06-30"),
			reject: "a programme runs for at most five years: split a longer one into cohorts"},
		{name: "programme running five years", manifest: validProgramme, mutate: set("spec.schedule.end", "2032-01-10"),
			safe: "five years of weekly meetings and clock changes are a few hundred calendar lines"},
		{name: "programme starting before 2000", manifest: validProgramme, mutate: set("spec.schedule.start", "1999-12-31"),
			reject: "schedule dates must lie between 2000-01-01 and 2099-12-31"},
		{name: "date of year 10000", manifest: validProgramme, mutate: set("spec.schedule.end", "10000-01-01"),
			reject: "spec.schedule.end: Too long: may not be more than 10 bytes"},
		{name: "time zone of 64 characters", manifest: validProgramme, mutate: set("spec.schedule.timeZone", "Europe/"+strings.Repeat("x", 57)),
			safe: "the form is right; the controller finds no such zone and reports the programme Stalled"},
		{name: "time zone of 65 characters", manifest: validProgramme, mutate: set("spec.schedule.timeZone", "Europe/"+strings.Repeat("x", 58)),
			reject: "spec.schedule.timeZone: Too long: may not be more than 64 bytes"},
		{name: "time zone walking up the file system", manifest: validProgramme, mutate: set("spec.schedule.timeZone", "../../etc/passwd"),
			reject: "must be an IANA time zone name"},
		{name: "meetings of 240 minutes", manifest: validProgramme, mutate: set("spec.meetings", map[string]any{"durationMinutes": int64(240)}),
			safe: "at the bound"},
		{name: "meetings of 245 minutes", manifest: validProgramme, mutate: set("spec.meetings", map[string]any{"durationMinutes": int64(245)}),
			reject: "spec.meetings.durationMinutes in body should be less than or equal to 240"},
		{name: "meetings of 17 minutes", manifest: validProgramme, mutate: set("spec.meetings", map[string]any{"durationMinutes": int64(17)}),
			reject: "spec.meetings.durationMinutes in body should be a multiple of 5"},
		{name: "meetings of minus 15 minutes", manifest: validProgramme, mutate: set("spec.meetings", map[string]any{"durationMinutes": int64(-15)}),
			reject: "spec.meetings.durationMinutes in body should be greater than or equal to 15"},
		{name: "meetings longer than an int64", manifest: validProgramme, mutate: set("spec.meetings", map[string]any{"durationMinutes": 1e40}),
			reject: "spec.meetings.durationMinutes in body must be of type int32"},
		{name: "ten mentees per mentor", manifest: validProgramme, mutate: set("spec.matching.maxMenteesPerMentor", int64(10)),
			safe: "at the bound"},
		{name: "eleven mentees per mentor", manifest: validProgramme, mutate: set("spec.matching.maxMenteesPerMentor", int64(11)),
			reject: "spec.matching.maxMenteesPerMentor in body should be less than or equal to 10"},
		{name: "the largest int64 as mentees per mentor", manifest: validProgramme, mutate: set("spec.matching.maxMenteesPerMentor", int64(1<<63-1)),
			reject: "spec.matching.maxMenteesPerMentor in body should be less than or equal to 10"},
		{name: "seniority gap of 19", manifest: validProgramme, mutate: set("spec.matching.minSeniorityGap", int64(19)),
			safe: "at the bound"},
		{name: "negative seniority gap", manifest: validProgramme, mutate: set("spec.matching.minSeniorityGap", int64(-1)),
			reject: "spec.matching.minSeniorityGap in body should be greater than or equal to 0"},
		{name: "weight of 101", manifest: validProgramme, mutate: set("spec.matching.weights", map[string]any{"topicFit": int64(101)}),
			reject: "spec.matching.weights.topicFit in body should be less than or equal to 100"},
		{name: "negative weight", manifest: validProgramme, mutate: set("spec.matching.weights", map[string]any{"availability": int64(-100)}),
			reject: "spec.matching.weights.availability in body should be greater than or equal to 0"},
		{name: "every weight at 100", manifest: validProgramme, mutate: set("spec.matching.weights", map[string]any{
			"topicFit": int64(100), "availability": int64(100), "crossDepartment": int64(100), "seniorityGap": int64(100)}),
			safe: "the score is a weighted mean, so it stays within 0 to 100"},
		{name: "8 diversity goals", manifest: validProgramme, mutate: set("spec.matching.diversity", diversityList(8)),
			safe: "at the bound"},
		{name: "9 diversity goals", manifest: validProgramme, mutate: set("spec.matching.diversity", diversityList(9)),
			reject: "spec.matching.diversity: Too many: 9: must have at most 8 items"},
		{name: "diversity weight of 101", manifest: validProgramme, mutate: set("spec.matching.diversity", []any{
			map[string]any{"attribute": "generation", "prefer": "Different", "weight": int64(101)}}),
			reject: "spec.matching.diversity[0].weight in body should be less than or equal to 100"},
		{name: "8 webhooks", manifest: validProgramme, mutate: set("spec.integrations", map[string]any{"webhooks": webhookList(8)}),
			safe: "at the bound"},
		{name: "9 webhooks", manifest: validProgramme, mutate: set("spec.integrations", map[string]any{"webhooks": webhookList(9)}),
			reject: "spec.integrations.webhooks: Too many: 9: must have at most 8 items"},
		{name: "webhook named twice", manifest: validProgramme, mutate: set("spec.integrations", map[string]any{"webhooks": []any{
			webhookList(1)[0], webhookList(1)[0]}}),
			reject: `spec.integrations.webhooks[1]: Duplicate value: {"name":"w0"}`},
		{name: "webhook name of 63 characters", manifest: validProgramme, mutate: set("spec.integrations", map[string]any{"webhooks": []any{
			webhook(strings.Repeat("w", 63))}}),
			safe: "at the bound; the name is a metric label and a status key, bounded like a label value"},
		{name: "webhook name of 64 characters", manifest: validProgramme, mutate: set("spec.integrations", map[string]any{"webhooks": []any{
			webhook(strings.Repeat("w", 64))}}),
			reject: "spec.integrations.webhooks[0].name: Too long: may not be more than 63 bytes"},
		{name: "webhook name with Slack markup", manifest: validProgramme, mutate: set("spec.integrations", map[string]any{"webhooks": []any{
			webhook("<!channel>")}}),
			reject: `spec.integrations.webhooks[0].name in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'`},
		{name: "all 10 webhook events", manifest: validProgramme, mutate: set("spec.integrations", map[string]any{"webhooks": []any{
			webhookWithEvents(allEvents...)}}),
			safe: "at the bound"},
		{name: "11 webhook events", manifest: validProgramme, mutate: set("spec.integrations", map[string]any{"webhooks": []any{
			webhookWithEvents(append(allEvents, "pairing.proposed")...)}}),
			reject: "spec.integrations.webhooks[0].events: Too many: 11: must have at most 10 items"},
		{name: "webhook URL Secret name of 254 characters", manifest: validProgramme, mutate: set("spec.integrations", map[string]any{"webhooks": []any{
			map[string]any{"name": "chat", "format": "Slack", "urlSecretRef": map[string]any{"name": strings.Repeat("s", 254)}}}}),
			reject: "spec.integrations.webhooks[0].urlSecretRef.name: Too long: may not be more than 253 bytes"},
		{name: "webhook URL Secret key walking up the file system", manifest: validProgramme, mutate: set("spec.integrations", map[string]any{"webhooks": []any{
			map[string]any{"name": "chat", "format": "Slack", "urlSecretRef": map[string]any{"name": "chat", "key": "../token"}}}}),
			reject: `spec.integrations.webhooks[0].urlSecretRef.key in body should match '^[-._a-zA-Z0-9]+$'`},
		{name: "webhook whose URL Secret aims at the metadata address", manifest: validProgramme, mutate: set("spec.integrations", map[string]any{"webhooks": []any{
			map[string]any{"name": "chat", "format": "Slack", "urlSecretRef": map[string]any{"name": "metadata-url"}}}}),
			safe: "the URL is in a Secret that admission cannot see: the operator refuses the address before any request (controllers TestHostileURLsAreRefused)"},
		{name: "CalDAV URL of 2048 characters", manifest: validProgramme, mutate: set("spec.integrations", caldav("https://dav.example.org/"+strings.Repeat("c", 2024))),
			safe: "at the bound"},
		{name: "CalDAV URL of 2049 characters", manifest: validProgramme, mutate: set("spec.integrations", caldav("https://dav.example.org/"+strings.Repeat("c", 2025))),
			reject: "spec.integrations.calendar.caldav.url: Too long: may not be more than 2048 bytes"},
		{name: "CalDAV URL at the IPv4 metadata address", manifest: validProgramme, mutate: set("spec.integrations", caldav("http://169.254.169.254/latest/meta-data/")),
			safe: "a valid URL: the operator refuses the address before any request (controllers TestHostileURLsAreRefused)"},
		{name: "CalDAV URL at the IPv6 metadata address", manifest: validProgramme, mutate: set("spec.integrations", caldav("http://[fd00:ec2::254]/")),
			safe: "a valid URL: the operator refuses the address before any request (controllers TestHostileURLsAreRefused)"},
		{name: "CalDAV URL with a header injected", manifest: validProgramme, mutate: set("spec.integrations", caldav("https://dav.example.org/\r\nX-Injected: 1")),
			reject: "caldav.url must be an http or https URL"},
		{name: "CalDAV URL of the file scheme", manifest: validProgramme, mutate: set("spec.integrations", caldav("file:///var/run/secrets/kubernetes.io/serviceaccount/token")),
			reject: "caldav.url must be an http or https URL"},
		{name: "every bound of a programme at once", manifest: validProgramme, mutate: func(u *unstructured.Unstructured) {
			name(strings.Repeat("q", 63))(u)
			set("spec.purpose", strings.Repeat("\U0001F680", 1000))(u)
			set("spec.topics", topicList(32))(u)
			set("spec.matching.diversity", diversityList(8))(u)
			webhooks := webhookList(8)
			webhooks[0] = webhookWithEvents(allEvents...)
			set("spec.integrations", map[string]any{"webhooks": webhooks, "calendar": map[string]any{"feed": true, "organizer": email(254),
				"caldav": map[string]any{"url": "https://dav.example.org/" + strings.Repeat("c", 2024), "credentialsSecretRef": map[string]any{"name": "dav"}}}})(u)
		}, safe: "the CEL rules over the longest lists stay within the API server's cost budget"},
		{name: "organizer email breaking an iCalendar line", manifest: validProgramme, mutate: set("spec.integrations", map[string]any{"calendar": map[string]any{
			"feed": true, "organizer": "office\r\nATTENDEE:mailto:evil@example.org"}}),
			reject: "must be an email address such as ada@example.org"},
		{name: "organizer email of 255 characters", manifest: validProgramme, mutate: set("spec.integrations", map[string]any{"calendar": map[string]any{
			"feed": true, "organizer": email(255)}}),
			reject: "spec.integrations.calendar.organizer: Too long: may not be more than 254 bytes"},
		{name: "email sender name breaking a mail header", manifest: validProgramme, mutate: emailIntegration("fromName", "Office\r\nBcc: eve@example.org"),
			safe: "names go into mail headers on one line, control characters as spaces and non-ASCII encoded (internal/email TestPythonReadsEveryMessage)"},
		{name: "email sender name with bidirectional overrides", manifest: validProgramme, mutate: emailIntegration("fromName", bidiText),
			safe: "mail headers take bidirectional controls as spaces"},
		{name: "email sender name of 129 characters", manifest: validProgramme, mutate: emailIntegration("fromName", strings.Repeat("n", 129)),
			reject: "spec.integrations.email.fromName: Too long: may not be more than 128 bytes"},
		{name: "email relay address of 262 characters", manifest: validProgramme, mutate: emailIntegration("address", strings.Repeat("a", 257)+".o:25"),
			reject: "spec.integrations.email.address: Too long: may not be more than 261 bytes"},
		{name: "email relay address with a path", manifest: validProgramme, mutate: emailIntegration("address", "smtp.example.org:587/relay"),
			reject: "address is host:port, such as smtp.office365.com:587"},
		{name: "email rate above 6000 a minute", manifest: validProgramme, mutate: emailIntegration("maxMessagesPerMinute", int64(6001)),
			reject: "spec.integrations.email.maxMessagesPerMinute: Invalid value: 6001"},
	}
}

// emailIntegration is a valid email integration with one field set to value.
func emailIntegration(field string, value any) func(*unstructured.Unstructured) {
	email := map[string]any{"address": "smtp.example.org:587", "from": "office@example.org"}
	email[field] = value
	return set("spec.integrations", map[string]any{"email": email})
}

// participantBounds are the Participant's bounds and hostile values.
func participantBounds() []hostileCase {
	return []hostileCase{
		{name: "participant name of 63 characters", manifest: validParticipant, mutate: name(strings.Repeat("a", 63)),
			safe: "pairings carry the name in their labels, which 63 characters fit"},
		{name: "participant name of 64 characters", manifest: validParticipant, mutate: name(strings.Repeat("a", 64)),
			reject: "a participant's name has at most 63 characters: pairings carry it in a label"},
		{name: "display name of 128 characters", manifest: validParticipant, mutate: set("spec.displayName", strings.Repeat("d", 128)),
			safe: "at the bound; calendar lines fold at 75 octets"},
		{name: "display name of 128 emoji", manifest: validParticipant, mutate: set("spec.displayName", strings.Repeat("\U0001F9D1", 128)),
			safe: "the bound counts characters; folding never splits a character"},
		{name: "display name of 129 characters", manifest: validParticipant, mutate: set("spec.displayName", strings.Repeat("d", 129)),
			reject: "spec.displayName: Too long: may not be more than 128 bytes"},
		{name: "display name breaking an iCalendar line", manifest: validParticipant, mutate: set("spec.displayName", icsInjection),
			safe: "written as a quoted CN parameter, where line breaks become spaces (controllers TestHostileTextIsNeutralised)"},
		{name: "display name closing the CN parameter", manifest: validParticipant, mutate: set("spec.displayName", `Eve";ROLE=CHAIR;X="`),
			safe: "double quotes become single quotes inside the quoted CN, so no parameter can be added"},
		{name: "display name with Slack mentions", manifest: validParticipant, mutate: set("spec.displayName", slackMarkup),
			safe: "display names are in no webhook payload (controllers TestHostileTextIsNeutralised)"},
		{name: "display name with bidirectional overrides", manifest: validParticipant, mutate: set("spec.displayName", bidiText),
			safe: "shown only as a calendar attendee's name, never in chat messages"},
		{name: "display name with zero-width joiners", manifest: validParticipant, mutate: set("spec.displayName", zwjText),
			safe: "emoji sequences are ordinary text"},
		{name: "display name with control characters", manifest: validParticipant, mutate: set("spec.displayName", controlText),
			safe: "the calendar encoder drops control characters from a CN"},
		{name: "email of 254 characters", manifest: validParticipant, mutate: set("spec.email", email(254)),
			safe: "at the bound"},
		{name: "email of 255 characters", manifest: validParticipant, mutate: set("spec.email", email(255)),
			reject: "spec.email: Too long: may not be more than 254 bytes"},
		{name: "email breaking an iCalendar line", manifest: validParticipant, mutate: set("spec.email", "ada\r\nATTENDEE:mailto:evil@example.org"),
			reject: "must be an email address such as ada@example.org"},
		{name: "email with two at signs", manifest: validParticipant, mutate: set("spec.email", "ada@example.org\r\nATTENDEE:mailto:evil@example.org"),
			reject: "must be an email address such as ada@example.org"},
		{name: "employee id of 64 characters", manifest: validParticipant, mutate: set("spec.employeeId", strings.Repeat("e", 64)),
			safe: "at the bound"},
		{name: "employee id of 65 characters", manifest: validParticipant, mutate: set("spec.employeeId", strings.Repeat("e", 65)),
			reject: "spec.employeeId: Too long: may not be more than 64 bytes"},
		{name: "department of 128 characters", manifest: validParticipant, mutate: set("spec.department", strings.Repeat("d", 128)),
			safe: "at the bound"},
		{name: "department of 129 characters", manifest: validParticipant, mutate: set("spec.department", strings.Repeat("d", 129)),
			reject: "spec.department: Too long: may not be more than 128 bytes"},
		{name: "department with Slack markup and overrides", manifest: validParticipant, mutate: set("spec.department", slackMarkup+bidiText),
			safe: "departments are compared by the matcher and written nowhere"},
		{name: "20 managers", manifest: validParticipant, mutate: set("spec.managementChain", managerList(20)),
			safe: "at the bound"},
		{name: "21 managers", manifest: validParticipant, mutate: set("spec.managementChain", managerList(21)),
			reject: "spec.managementChain: Too many: 21: must have at most 20 items"},
		{name: "manager of 255 characters", manifest: validParticipant, mutate: set("spec.managementChain", []any{email(255)}),
			reject: "spec.managementChain[0]: Too long: may not be more than 254 bytes"},
		{name: "21 availability windows", manifest: validParticipant, mutate: set("spec.availability", windowList(21)),
			safe: "at the bound"},
		{name: "22 availability windows", manifest: validParticipant, mutate: set("spec.availability", windowList(22)),
			reject: "spec.availability: Too many: 22: must have at most 21 items"},
		{name: "availability on 8 days", manifest: validParticipant, mutate: set("spec.availability", []any{map[string]any{
			"days": []any{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Monday"}, "start": "09:00", "end": "10:00"}}),
			reject: "spec.availability[0].days: Too many: 8: must have at most 7 items"},
		{name: "availability ending at midnight", manifest: validParticipant, mutate: set("spec.availability", []any{map[string]any{
			"days": []any{"Sunday"}, "start": "23:59", "end": "24:00"}}),
			safe: "at the bound: a one-minute window fits no meeting, so it only lowers the overlap"},
		{name: "availability start of six characters", manifest: validParticipant, mutate: set("spec.availability", []any{map[string]any{
			"days": []any{"Sunday"}, "start": "009:00", "end": "10:00"}}),
			reject: "spec.availability[0].start: Too long: may not be more than 5 bytes"},
		{name: "32 topics of expertise", manifest: validParticipant, mutate: set("spec.expertise", expertiseList(32)),
			safe: "at the bound"},
		{name: "33 topics of expertise", manifest: validParticipant, mutate: set("spec.expertise", expertiseList(33)),
			reject: "spec.expertise: Too many: 33: must have at most 32 items"},
		{name: "expertise level of minus one", manifest: validParticipant, mutate: set("spec.expertise", []any{map[string]any{"topic": "ai", "level": int64(-1)}}),
			reject: "spec.expertise[0].level in body should be greater than or equal to 1"},
		{name: "32 goals", manifest: menteeManifest, mutate: set("spec.goals", goalList(32)),
			safe: "at the bound"},
		{name: "33 goals", manifest: menteeManifest, mutate: set("spec.goals", goalList(33)),
			reject: "spec.goals: Too many: 33: must have at most 32 items"},
		{name: "goal named twice", manifest: menteeManifest, mutate: set("spec.goals", []any{
			map[string]any{"topic": "ai", "priority": int64(1)}, map[string]any{"topic": "ai", "priority": int64(5)}}),
			reject: `spec.goals[1]: Duplicate value: {"topic":"ai"}`},
		{name: "goal priority larger than an int64", manifest: menteeManifest, mutate: set("spec.goals", []any{
			map[string]any{"topic": "ai", "priority": 1e40}}),
			reject: "spec.goals[0].priority in body must be of type int32"},
		{name: "16 attributes", manifest: validParticipant, mutate: set("spec.attributes", attributeList(16)),
			safe: "at the bound"},
		{name: "17 attributes", manifest: validParticipant, mutate: set("spec.attributes", attributeList(17)),
			reject: "spec.attributes: Too many: 17: must have at most 16 items"},
		{name: "attribute value of 63 emoji with joiners", manifest: validParticipant, mutate: set("spec.attributes", []any{map[string]any{
			"name": "generation", "value": strings.Repeat("\u200d", 62) + "\U0001F9D1"}}),
			safe: "attribute values are compared by the matcher and written nowhere else"},
		{name: "attribute value of 64 characters", manifest: validParticipant, mutate: set("spec.attributes", []any{map[string]any{
			"name": "generation", "value": strings.Repeat("v", 64)}}),
			reject: "spec.attributes[0].value: Too long: may not be more than 63 bytes"},
		{name: "attribute name with unicode", manifest: validParticipant, mutate: set("spec.attributes", []any{map[string]any{
			"name": "g\u00e9n\u00e9ration", "value": "x"}}),
			reject: `spec.attributes[0].name in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'`},
		{name: "seniority larger than an int64", manifest: validParticipant, mutate: set("spec.seniority", 1e40),
			reject: "spec.seniority in body must be of type int32"},
		{name: "the smallest int64 as seniority", manifest: validParticipant, mutate: set("spec.seniority", int64(-1<<63)),
			reject: "spec.seniority in body should be greater than or equal to 1"},
		{name: "negative capacity", manifest: validParticipant, mutate: set("spec.capacity", int64(-3)),
			reject: "spec.capacity in body should be greater than or equal to 1"},
		{name: "every bound of a mentor at once", manifest: validParticipant, mutate: func(u *unstructured.Unstructured) {
			name(strings.Repeat("m", 63))(u)
			set("spec.displayName", strings.Repeat("\U0001F9D1", 128))(u)
			set("spec.email", email(254))(u)
			set("spec.employeeId", strings.Repeat("e", 64))(u)
			set("spec.department", strings.Repeat("d", 128))(u)
			set("spec.managementChain", managerList(20))(u)
			set("spec.availability", windowList(21))(u)
			set("spec.expertise", expertiseList(32))(u)
			set("spec.attributes", attributeList(16))(u)
			set("spec.capacity", int64(10))(u)
		}, safe: "the CEL rules over the longest lists stay within the API server's cost budget"},
	}
}

// pairingBounds are the Pairing's bounds.
func pairingBounds() []hostileCase {
	return []hostileCase{
		{name: "pairing name of 253 characters", manifest: validPairing, mutate: name(strings.Repeat("p", 253)),
			safe: "a pairing's name is in no label; its calendar event is named after its UID"},
		{name: "mentor reference of 254 characters", manifest: validPairing, mutate: set("spec.mentorRef.name", strings.Repeat("m", 254)),
			reject: "spec.mentorRef.name: Too long: may not be more than 253 bytes"},
		{name: "mentee reference with Slack markup", manifest: validPairing, mutate: set("spec.menteeRef.name", "<!channel>"),
			reject: "spec.menteeRef.name in body should match"},
		{name: "32 pairing topics", manifest: validPairing, mutate: set("spec.topics", topicList(32)),
			safe: "at the bound"},
		{name: "33 pairing topics", manifest: validPairing, mutate: set("spec.topics", topicList(33)),
			reject: "spec.topics: Too many: 33: must have at most 32 items"},
	}
}

const menteeManifest = `
apiVersion: mentoring.reverse-mentoring.dev/v1alpha1
kind: Participant
metadata: {name: bob}
spec:
  programmeRef: {name: p}
  role: Mentee
  displayName: Bob
  email: bob@example.org
  seniority: 15
  timezone: America/New_York
  goals:
    - {topic: ai, priority: 5}
`

var allEvents = []string{"pairing.proposed", "pairing.activated", "pairing.meeting_scheduled", "pairing.ended",
	"programme.matched", "programme.completed", "participant.unmatched", "checkin.due", "pairing.needs_attention",
	"feedback.submitted"}

// name returns a mutation that renames the object.
func name(n string) func(*unstructured.Unstructured) {
	return func(u *unstructured.Unstructured) { u.SetName(n) }
}

// email returns an address of exactly n characters.
func email(n int) string {
	const domain = "@example.org"
	return strings.Repeat("a", n-len(domain)) + domain
}

// list returns n items made by item.
func list(n int, item func(i int) any) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = item(i)
	}
	return out
}

func topicList(n int) []any { return list(n, func(i int) any { return fmt.Sprintf("topic-%02d", i) }) }

func managerList(n int) []any {
	return list(n, func(i int) any { return fmt.Sprintf("manager-%02d@example.org", i) })
}

func windowList(n int) []any {
	days := []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	return list(n, func(i int) any {
		return map[string]any{"days": []any{days[i%7]}, "start": fmt.Sprintf("%02d:00", 8+i/7*3), "end": fmt.Sprintf("%02d:00", 10+i/7*3)}
	})
}

func expertiseList(n int) []any {
	return list(n, func(i int) any { return map[string]any{"topic": fmt.Sprintf("topic-%02d", i), "level": int64(1 + i%5)} })
}

func goalList(n int) []any {
	return list(n, func(i int) any {
		return map[string]any{"topic": fmt.Sprintf("topic-%02d", i), "priority": int64(1 + i%5)}
	})
}

func attributeList(n int) []any {
	return list(n, func(i int) any {
		return map[string]any{"name": fmt.Sprintf("attribute-%02d", i), "value": strings.Repeat("\U0001F9D1", 63)}
	})
}

func diversityList(n int) []any {
	return list(n, func(i int) any {
		return map[string]any{"attribute": fmt.Sprintf("attribute-%02d", i), "prefer": "Different", "weight": int64(100)}
	})
}

func webhook(name string) map[string]any {
	return map[string]any{"name": name, "format": "Slack", "urlSecretRef": map[string]any{"name": "chat-url"}}
}

func webhookList(n int) []any {
	return list(n, func(i int) any { return webhook(fmt.Sprintf("w%d", i)) })
}

// webhookWithEvents is a signed webhook, the kind that may receive every event.
func webhookWithEvents(events ...string) map[string]any {
	w := webhook("hr")
	w["format"], w["signingSecretRef"] = "StandardWebhooks", map[string]any{"name": "hr-secret"}
	w["events"] = list(len(events), func(i int) any { return events[i] })
	return w
}

func caldav(url string) map[string]any {
	return map[string]any{"calendar": map[string]any{"caldav": map[string]any{"url": url, "credentialsSecretRef": map[string]any{"name": "dav"}}}}
}

// holds reports whether got holds every value of want, unchanged (got may have more, such as defaults),
// and otherwise the path of the first difference.
func holds(got, want any, path string) (string, bool) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path, false
		}
		for k, v := range w {
			if p, ok := holds(g[k], v, path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return path, false
		}
		for i := range w {
			if p, ok := holds(g[i], w[i], fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return "", true
	}
	return path, reflect.DeepEqual(got, want)
}

// truncated keeps long API errors readable.
func truncated(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}
