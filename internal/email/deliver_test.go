package email

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// world runs pairings' delivery passes against a real relay as the pairing controller will: each pass
// starts from what the last one left in status (its series and records), so every pass is also what a
// restarted manager does. Time is the test's: passes run at w.now and the relay's rate limit reads it.
type world struct {
	t        *testing.T
	server   *testenv.SMTPServer
	relay    *Relay
	now      time.Time
	pairings []Pairing
	series   []*Series
	records  [][]Record
}

func newWorld(t *testing.T, pairings int, configure func(*Config)) *world {
	server := testenv.SMTPForTest(t, testenv.SMTPOptions{TLS: "StartTLS", Username: relayUser, Password: relayPassword})
	w := &world{t: t, server: server, now: activePairing(t).Now}
	w.relay = relayFor(t, server, func(c *Config) {
		c.Now = func() time.Time { return w.now }
		configure(c)
	})
	for i := range pairings {
		p := activePairing(t)
		p.Name = fmt.Sprintf("pair-%d", i)
		ev := *p.Event
		ev.UID, ev.Slot = calendar.EventUID(p.Name), slot(t, p.Name)
		p.Event = &ev
		p.Mentor = &Person{Name: fmt.Sprintf("Mentor %d", i), Email: fmt.Sprintf("mentor-%d@example.org", i), Zone: p.Mentor.Zone}
		p.Mentee = &Person{Name: fmt.Sprintf("Mentee %d", i), Email: fmt.Sprintf("mentee-%d@example.org", i), Zone: p.Mentee.Zone}
		w.pairings, w.series, w.records = append(w.pairings, p), append(w.series, nil), append(w.records, nil)
	}
	return w
}

// pass runs one delivery pass over pairing i and keeps what it leaves, as status would.
func (w *world) pass(i int) Pass {
	w.t.Helper()
	p := after(w.pairings[i], w.series[i], w.records[i], w.now)
	messages, series := derive(w.t, p)
	out := Deliver(context.Background(), w.relay, Plan(DefaultPolicy, messages, RelayHealth{}, w.records[i], w.now))
	w.series[i], w.records[i] = series, out.Records
	return out
}

// settle runs passes, moving the clock to each next attempt, until nothing is pending, and returns
// what they did.
func (w *world) settle() []Pass {
	w.t.Helper()
	var passes []Pass
	for {
		var next time.Duration
		for i := range w.pairings {
			out := w.pass(i)
			passes = append(passes, out)
			if out.RetryAfter > 0 && (next == 0 || out.RetryAfter < next) {
				next = out.RetryAfter
			}
		}
		if next == 0 {
			return passes
		}
		if len(passes) > 1000 {
			w.t.Fatalf("still pending after %d passes: %+v", len(passes), w.records)
		}
		w.now = w.now.Add(next)
	}
}

// received counts the messages the relay accepted by Message-ID, and returns them by id.
func (w *world) received() (map[string]int, map[string]testenv.ReceivedMessage) {
	w.t.Helper()
	messages, err := w.server.Messages()
	if err != nil {
		w.t.Fatal(err)
	}
	count, byID := map[string]int{}, map[string]testenv.ReceivedMessage{}
	for _, m := range messages {
		parsed, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			w.t.Fatal(err)
		}
		id := strings.Trim(parsed.Header.Get("Message-ID"), "<>")
		count[id]++
		byID[id] = m
	}
	return count, byID
}

// expectEachOnce checks that every record is delivered and that the relay received each of them
// exactly once, and nothing else.
func (w *world) expectEachOnce(wantPerPairing int) {
	w.t.Helper()
	count, _ := w.received()
	total := 0
	for i, records := range w.records {
		if len(records) != wantPerPairing {
			w.t.Errorf("pairing %d has %d records, want %d: %+v", i, len(records), wantPerPairing, records)
		}
		for _, r := range records {
			if r.State != StateDelivered || count[r.MessageID] != 1 {
				w.t.Errorf("%s is %s and arrived %d times", r.MessageID, r.State, count[r.MessageID])
			}
			total++
		}
	}
	if len(count) != total {
		w.t.Errorf("the relay received %d distinct messages, the records hold %d", len(count), total)
	}
}

func TestEveryPersonGetsOneIntroductionAndOneInvitation(t *testing.T) {
	w := newWorld(t, 3, func(*Config) {})
	w.settle()
	w.expectEachOnce(4)
	_, byID := w.received()
	for i, records := range w.records {
		for _, r := range records {
			m := byID[r.MessageID]
			want := w.pairings[i].person(r.Recipient).Email
			if !slices.Equal(m.RcptTos, []string{want}) {
				t.Errorf("%s went to %v, want %s", r.MessageID, m.RcptTos, want)
			}
		}
	}
	// Further passes over the same state send nothing.
	w.now = w.now.Add(time.Hour)
	w.settle()
	w.expectEachOnce(4)
}

// TestUpdatesAndTheCancellationReachPeople moves a pairing's meeting and then ends the pairing, and
// reads each person's received invitations with ical.js: REQUEST at sequence 0, REQUEST at 1 with the
// new instants, CANCEL at 2.
func TestUpdatesAndTheCancellationReachPeople(t *testing.T) {
	w := newWorld(t, 1, func(*Config) {})
	w.settle()
	first := w.pairings[0].Event.Slot
	moved := *w.pairings[0].Event
	for seed := 0; moved.Slot.First.Equal(first.First); seed++ {
		moved.Slot = slot(t, fmt.Sprint("move-", seed))
	}
	w.pairings[0].Event = &moved
	w.now = w.now.Add(time.Hour)
	w.settle()
	w.pairings[0].Stage, w.pairings[0].EndedAt = Inactive, w.now
	w.now = w.now.Add(time.Hour)
	w.settle()

	_, byID := w.received()
	var objects [][]byte
	var ids []string
	for _, id := range slices.Sorted(func(yield func(string) bool) {
		for id := range byID {
			if !strings.HasPrefix(id, "introduction.") && !yield(id) {
				return
			}
		}
	}) {
		ids = append(ids, id)
		objects = append(objects, calendarPart(t, byID[id].Data))
	}
	if len(ids) != 6 {
		t.Fatalf("the relay received %d invitations, want 2 requests, 2 updates and 2 cancellations: %v", len(ids), ids)
	}
	for i, cal := range testenv.ICalJS(t, objects...) {
		ev := cal.Events[0]
		var wantMethod string
		var wantSequence int
		var want []time.Time
		switch {
		case strings.HasPrefix(ids[i], "cancel.2."):
			wantMethod, wantSequence, want = "CANCEL", 2, moved.Slot.Occurrences()
		case strings.HasPrefix(ids[i], "request.1."):
			wantMethod, wantSequence, want = "REQUEST", 1, moved.Slot.Occurrences()
		case strings.HasPrefix(ids[i], "request.0."):
			wantMethod, wantSequence, want = "REQUEST", 0, first.Occurrences()
		default:
			t.Fatalf("unexpected message %s", ids[i])
		}
		if cal.Method != wantMethod || ev.Sequence != wantSequence || ev.UID != moved.UID || !slices.EqualFunc(ev.Occurrences, want, time.Time.Equal) {
			t.Errorf("%s: ical.js reads %s, sequence %d, uid %s, %d meetings", ids[i], cal.Method, ev.Sequence, ev.UID, len(ev.Occurrences))
		}
	}
}

// calendarPart is the decoded text/calendar part of a received message.
func calendarPart(t *testing.T, data []byte) []byte {
	t.Helper()
	path := t.TempDir() + "/m.eml"
	if err := writeFile(path, data); err != nil {
		t.Fatal(err)
	}
	parts := pythonParse(t, path)[0].Parts
	return []byte(parts[len(parts)-1].Content)
}

func TestATemporaryFailureIsRetriedWithBackoff(t *testing.T) {
	w := newWorld(t, 1, func(*Config) {})
	if err := w.server.Answer("DATA", 451); err != nil {
		t.Fatal(err)
	}
	out := w.pass(0)
	if len(out.Attempts) != 1 || out.Attempts[0].Message != "SMTP 451 4.3.0 at DATA" || out.RetryAfter < 2*time.Second || out.RetryAfter > 10*time.Second {
		t.Fatalf("after a 451: %d attempts, %+v, retry after %v", len(out.Attempts), out.Attempts, out.RetryAfter)
	}
	for _, r := range out.Records {
		if r.State != StatePending {
			t.Errorf("%s is %s after a 451", r.MessageID, r.State)
		}
	}
	w.now = w.now.Add(out.RetryAfter)
	if again := w.pass(0); len(again.Attempts) != 1 || again.RetryAfter <= out.RetryAfter {
		t.Errorf("the second failure: %d attempts, retry after %v (before: %v): no backoff", len(again.Attempts), again.RetryAfter, out.RetryAfter)
	}
	if err := w.server.AnswerNormally(); err != nil {
		t.Fatal(err)
	}
	w.settle()
	w.expectEachOnce(4)
	if got := w.server.Count("DATA", 451); got != 2 {
		t.Errorf("the relay answered 451 %d times, want 2", got)
	}
}

func TestRefusedCredentialsStallDeliveryAndLoseNothing(t *testing.T) {
	w := newWorld(t, 1, func(c *Config) { c.Password = "wrong" })
	out := w.pass(0)
	if out.Problem != ProblemAuthentication || out.ProblemResult != "SMTP 535 5.7.8 at AUTH" || len(out.Refused) != 0 || out.RetryAfter == 0 {
		t.Fatalf("after a 535: %+v", out)
	}
	w.now = w.now.Add(10 * time.Minute)
	w.pass(0)
	// A person fixes the Secret: the controllers make a new Relay from it.
	fixed := relayFor(t, w.server, func(c *Config) { c.Now = func() time.Time { return w.now } })
	w.relay = fixed
	w.settle()
	w.expectEachOnce(4)
}

func TestARefusedRecipientIsReportedForThatRecipient(t *testing.T) {
	w := newWorld(t, 1, func(*Config) {})
	if err := w.server.RefuseRecipient(w.pairings[0].Mentee.Email, 550); err != nil {
		t.Fatal(err)
	}
	var refused []Record
	for _, out := range w.settle() {
		refused = append(refused, out.Refused...)
	}
	if len(refused) != 2 || refused[0].Recipient != Mentee || refused[1].Recipient != Mentee || refused[0].LastResult != "SMTP 550 5.1.1 at RCPT" {
		t.Fatalf("refused: %+v", refused)
	}
	count, _ := w.received()
	for _, r := range w.records[0] {
		wantState, wantCount := StateDelivered, 1
		if r.Recipient == Mentee {
			wantState, wantCount = StateFailed, 0
		}
		if r.State != wantState || count[r.MessageID] != wantCount {
			t.Errorf("%s/%s is %s and arrived %d times", r.Recipient, r.Kind, r.State, count[r.MessageID])
		}
	}
}

// TestARelayDownForMinutesDeliversEveryMessageOnce takes the relay down while ten pairings become
// active, keeps it down for twenty minutes of retries, brings it back, and checks every message
// arrives exactly once, identified by its Message-ID.
func TestARelayDownForMinutesDeliversEveryMessageOnce(t *testing.T) {
	w := newWorld(t, 10, func(*Config) {})
	w.server.Stop()
	for end := w.now.Add(20 * time.Minute); w.now.Before(end); w.now = w.now.Add(time.Minute) {
		for i := range w.pairings {
			if out := w.pass(i); len(out.Attempts) > 0 && out.Attempts[0].Message != "connection refused" {
				t.Fatalf("with the relay down: %+v", out.Attempts[0])
			}
		}
	}
	attempts := int32(0)
	for _, r := range w.records[0] {
		if r.State != StatePending {
			t.Fatalf("after twenty minutes down: %+v", r)
		}
		attempts += r.Attempts
	}
	if attempts < 5 {
		t.Fatalf("twenty minutes down made %d attempts: no retries", attempts)
	}
	if err := w.server.Start(); err != nil {
		t.Fatal(err)
	}
	w.settle()
	w.expectEachOnce(4)
}

// TestAMessageSentButNotRecordedIsSentAgainUnderTheSameID is the one window of at-least-once: a
// manager killed after the relay took a message but before its status was written sends it again on
// restart, with the same Message-ID, so the recipient's mail program can tell.
func TestAMessageSentButNotRecordedIsSentAgainUnderTheSameID(t *testing.T) {
	w := newWorld(t, 1, func(*Config) {})
	sent := map[string]bool{}
	for _, r := range w.pass(0).Records {
		sent[r.MessageID] = r.State == StateDelivered
	}
	w.records[0], w.series[0] = nil, nil // the status write was lost with the manager
	w.settle()
	count, _ := w.received()
	for _, r := range w.records[0] {
		want := 1
		if sent[r.MessageID] {
			want = 2
		}
		if count[r.MessageID] != want {
			t.Errorf("%s arrived %d times, want %d under the same id", r.MessageID, count[r.MessageID], want)
		}
	}
	if len(count) != 4 {
		t.Errorf("%d distinct Message-IDs arrived, want 4", len(count))
	}
}

func TestTheRateLimitSpacesMessagesWithoutCountingAttempts(t *testing.T) {
	w := newWorld(t, 2, func(c *Config) { c.PerMinute = 6 })
	start := w.now
	out := w.pass(0)
	if len(out.Attempts) != 1 || out.RetryAfter != 10*time.Second {
		t.Fatalf("the first pass at 6 a minute: %d attempts, retry after %v", len(out.Attempts), out.RetryAfter)
	}
	other := w.pass(1)
	if len(other.Attempts) != 0 || other.RetryAfter != 20*time.Second {
		t.Fatalf("another pairing waiting for the relay: %d attempts, retry after %v (want its own turn, after the first's)", len(other.Attempts), other.RetryAfter)
	}
	for _, r := range other.Records {
		if r.Attempts != 0 || !r.FirstAttemptTime.IsZero() {
			t.Errorf("waiting for the rate limit counted an attempt: %+v", r)
		}
	}
	w.settle()
	w.expectEachOnce(4)
	if took := w.now.Sub(start); took < 70*time.Second {
		t.Errorf("8 messages at 6 a minute took %v", took)
	}
}

// TestNoAddressOrNameLeavesForStatusOrLogs runs passes through every kind of failure and checks that
// nothing a controller writes to status, events, logs or metric labels (records, results, problems)
// holds an address, a name or a credential: addresses go only to the relay.
func TestNoAddressOrNameLeavesForStatusOrLogs(t *testing.T) {
	w := newWorld(t, 2, func(*Config) {})
	var passes []Pass
	faults := []func() error{
		func() error { return w.server.Answer("AUTH", 535) },
		func() error { return w.server.Answer("MAIL", 550) },
		func() error { return w.server.Answer("DATA", 451) },
		func() error { return w.server.RefuseRecipient(w.pairings[0].Mentee.Email, 550) },
		func() error { w.server.Stop(); return nil },
	}
	for _, fault := range faults {
		if err := w.server.AnswerNormally(); err != nil {
			t.Fatal(err)
		}
		if err := fault(); err != nil {
			t.Fatal(err)
		}
		for i := range w.pairings {
			passes = append(passes, w.pass(i))
		}
		w.now = w.now.Add(time.Hour)
	}
	if err := w.server.Start(); err != nil {
		t.Fatal(err)
	}
	if err := w.server.AnswerNormally(); err != nil {
		t.Fatal(err)
	}
	passes = append(passes, w.settle()...)
	var said []string
	for _, p := range passes {
		said = append(said, string(p.Problem), p.ProblemResult)
		for _, r := range append(p.Records, p.Refused...) {
			said = append(said, r.MessageID, r.LastResult)
		}
		for _, a := range p.Attempts {
			said = append(said, a.Message, a.Class())
		}
	}
	text := strings.Join(said, "\n")
	for _, p := range w.pairings {
		for _, personal := range []string{p.Mentor.Email, p.Mentee.Email, p.Mentor.Name, p.Mentee.Name, "example.org", relayPassword} {
			if strings.Contains(text, personal) {
				t.Errorf("%q reaches status or logs", personal)
			}
		}
	}
	for _, want := range []string{"SMTP 535 5.7.8 at AUTH", "SMTP 550 5.1.1 at MAIL", "SMTP 451 4.3.0 at DATA", "SMTP 550 5.1.1 at RCPT", "connection refused"} {
		if !strings.Contains(text, want) {
			t.Errorf("the failures did not all happen: %q is missing", want)
		}
	}
}
