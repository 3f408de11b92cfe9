package email

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/calendar"
)

// kinds lists messages as "Recipient/Kind/Method", in order.
func kinds(messages []Message) []string {
	var out []string
	for _, m := range messages {
		out = append(out, strings.TrimSuffix(string(m.Recipient)+"/"+string(m.Kind)+"/"+string(m.Method), "/"))
	}
	return out
}

// delivered is every message delivered: the records a pass that sent them all leaves.
func delivered(messages []Message, at time.Time) []Record {
	var out []Record
	for _, m := range messages {
		out = append(out, Record{Recipient: m.Recipient, Kind: m.Kind, MessageID: m.ID, State: StateDelivered, Attempts: 1,
			FirstAttemptTime: at, LastAttemptTime: at})
	}
	return out
}

func TestAnActivePairingIntroducesAndInvitesEachPerson(t *testing.T) {
	p := activePairing(t)
	messages, series := derive(t, p)
	want := []string{"Mentor/Introduction", "Mentee/Introduction", "Mentor/Invitation/REQUEST", "Mentee/Invitation/REQUEST"}
	if got := kinds(messages); !slices.Equal(got, want) {
		t.Fatalf("messages %v, want %v", got, want)
	}
	if series == nil || series.Sequence != 0 || series.Cancelled || series.UID != p.Event.UID || !series.First.Equal(p.Event.Slot.First) {
		t.Fatalf("series %+v", series)
	}
	for _, m := range messages {
		if m.To.Email != p.person(m.Recipient).Email || m.From != p.From {
			t.Errorf("%s goes from %v to %v", m.ID, m.From, m.To)
		}
	}
	again, _ := derive(t, p)
	for i := range messages {
		if again[i].ID != messages[i].ID || again[i].Subject != messages[i].Subject || again[i].HTML != messages[i].HTML ||
			string(again[i].Calendar) != string(messages[i].Calendar) {
			t.Fatalf("a second pass over the same state derives %s differently", messages[i].ID)
		}
	}
}

// TestMessageIDsComeFromDeclaredNamesOnly checks that every part of the identity changes the id and
// nothing else does: a rebuilt cluster, where every metadata.uid and creation time is new but the
// manifests are the same, derives the same Message-IDs.
func TestMessageIDsComeFromDeclaredNamesOnly(t *testing.T) {
	base := Identity{Namespace: "mentoring", Programme: "digital-leaders", Pairing: "ada-grace", Recipient: Mentor, Kind: Invitation, Method: "REQUEST", Sequence: 2}
	id := base.MessageID()
	if !strings.HasPrefix(id, "request.2.") || !strings.HasSuffix(id, "@mentoring.reverse-mentoring.dev") || len(id) > 128 {
		t.Fatalf("Message-ID %q", id)
	}
	changes := map[string]func(*Identity){
		"namespace":  func(i *Identity) { i.Namespace = "other" },
		"programme":  func(i *Identity) { i.Programme = "other" },
		"pairing":    func(i *Identity) { i.Pairing = "other" },
		"occurrence": func(i *Identity) { i.Occurrence = "2" },
		"recipient":  func(i *Identity) { i.Recipient = Mentee },
		"kind":       func(i *Identity) { i.Kind = Introduction },
		"method":     func(i *Identity) { i.Method = "CANCEL" },
		"sequence":   func(i *Identity) { i.Sequence = 3 },
	}
	seen := map[string]string{id: "base"}
	for name, change := range changes {
		changed := base
		change(&changed)
		if other, dup := seen[changed.MessageID()]; dup {
			t.Errorf("changing the %s gives the id of %s", name, other)
		}
		seen[changed.MessageID()] = name
	}
	// A different slot seed, stamp or time of the pass is not part of the identity.
	p := activePairing(t)
	first, _ := derive(t, p)
	p.Now = p.Now.Add(72 * time.Hour)
	p.Event.Stamp = p.Now
	second, _ := derive(t, p)
	for i := range first {
		if first[i].ID != second[i].ID {
			t.Errorf("%s became %s at another time", first[i].ID, second[i].ID)
		}
	}
}

func TestAMovedMeetingIsAnUpdateWithAHigherSequence(t *testing.T) {
	p := activePairing(t)
	first, series := derive(t, p)
	sent := delivered(first, p.Now)

	unchanged, same := derive(t, after(p, series, sent, p.Now.Add(time.Hour)))
	if same.Sequence != 0 || !same.Stamp.Equal(series.Stamp) || unchanged[2].ID != first[2].ID {
		t.Fatalf("an unchanged series became sequence %d, stamp %v, id %s", same.Sequence, same.Stamp, unchanged[2].ID)
	}

	moved := after(p, series, sent, p.Now.Add(48*time.Hour))
	ev := *p.Event
	moved.Event = &ev
	for seed := 0; moved.Event.Slot.First.Equal(p.Event.Slot.First); seed++ {
		moved.Event.Slot = slot(t, fmt.Sprint("seed-", seed))
	}
	messages, next := derive(t, moved)
	if next.Sequence != 1 || !next.Stamp.Equal(moved.Now) || !next.First.Equal(moved.Event.Slot.First) {
		t.Fatalf("the moved series is %+v", next)
	}
	for i, m := range messages {
		if m.Kind == Introduction && m.ID != first[i].ID {
			t.Errorf("the introduction %s changed id when the meeting moved", m.ID)
		}
		if m.Kind == Invitation && (m.Method != calendar.MethodRequest || !strings.HasPrefix(m.ID, "request.1.") ||
			!strings.Contains(string(m.Calendar), "SEQUENCE:1\r\n") || !strings.HasPrefix(m.Subject, "Updated invitation")) {
			t.Errorf("the moved series' invitation is %s %q", m.ID, m.Subject)
		}
	}

	// The CalDAV copy's sequence is the floor: an email series never lags behind it.
	ahead, aheadEvent := moved, *moved.Event
	aheadEvent.Sequence, ahead.Event = 5, &aheadEvent
	if _, s := derive(t, ahead); s.Sequence != 5 {
		t.Errorf("with the CalDAV event at sequence 5 the email series is at %d", s.Sequence)
	}
}

func TestAnEndedPairingCancelsTheSeriesForThoseWhoWereInvited(t *testing.T) {
	p := activePairing(t)
	first, series := derive(t, p)
	sent := delivered(first, p.Now)
	ended := after(p, series, sent, p.Now.Add(24*time.Hour))
	ended.Stage, ended.EndedAt = Inactive, ended.Now.Add(-time.Hour)

	messages, cancelled := derive(t, ended)
	if got, want := kinds(messages), []string{"Mentor/Invitation/CANCEL", "Mentee/Invitation/CANCEL"}; !slices.Equal(got, want) {
		t.Fatalf("messages %v, want %v", got, want)
	}
	if !cancelled.Cancelled || cancelled.Sequence != 1 || !cancelled.Stamp.Equal(ended.EndedAt) {
		t.Fatalf("the cancelled series is %+v", cancelled)
	}
	for _, m := range messages {
		ics := string(m.Calendar)
		if !strings.Contains(ics, "METHOD:CANCEL\r\n") || !strings.Contains(ics, "STATUS:CANCELLED\r\n") || !strings.Contains(ics, "UID:"+p.Event.UID) {
			t.Errorf("the cancellation to the %s is\n%s", m.Recipient, ics)
		}
	}
	// The next pass keeps the same cancellation, so a pending one is retried with the same id.
	again, same := derive(t, after(ended, cancelled, sent, ended.Now.Add(time.Hour)))
	if same.Sequence != 1 || again[0].ID != messages[0].ID {
		t.Errorf("the next pass plans sequence %d, id %s", same.Sequence, again[0].ID)
	}

	// The mentee left: only the mentor, who is still there, is told.
	left := ended
	left.Mentee = nil
	messages, _ = derive(t, left)
	if got := kinds(messages); !slices.Equal(got, []string{"Mentor/Invitation/CANCEL"}) || !strings.Contains(messages[0].Subject, "your mentee") {
		t.Errorf("after the mentee left: %v %q", got, messages[0].Subject)
	}

	// Nobody is told of a series they never received.
	unsent := ended
	unsent.Records = []Record{{Recipient: Mentor, Kind: Invitation, MessageID: first[2].ID, State: StateDelivered}}
	if messages, _ = derive(t, unsent); !slices.Equal(kinds(messages), []string{"Mentor/Invitation/CANCEL"}) {
		t.Errorf("with only the mentor's invitation delivered: %v", kinds(messages))
	}
}

func TestACompletedPairingSendsNothingMore(t *testing.T) {
	p := activePairing(t)
	first, series := derive(t, p)
	done := after(p, series, delivered(first, p.Now), programmeEnd.Add(time.Hour))
	done.Stage = Completed
	messages, kept := derive(t, done)
	if len(messages) != 0 || kept.Cancelled || kept.Sequence != 0 {
		t.Errorf("a completed pairing plans %v and series %+v", kinds(messages), kept)
	}
}

func TestAPairingWithoutAMeetingIsIntroducedAndTold(t *testing.T) {
	p := activePairing(t)
	p.Event = nil
	messages, series := derive(t, p)
	if got := kinds(messages); series != nil || !slices.Equal(got, []string{"Mentor/Introduction", "Mentee/Introduction"}) {
		t.Fatalf("messages %v, series %+v", got, series)
	}
	if !strings.Contains(messages[0].Text, "No time that suits you both has been found yet") {
		t.Errorf("the introduction does not say the meeting is not yet known:\n%s", messages[0].Text)
	}
}

func TestTheIntroductionSaysWhatTheIssueAsks(t *testing.T) {
	p := activePairing(t)
	messages, _ := derive(t, p)
	mentee := messages[1]
	for _, want := range []string{
		"Meet Ada Lovelace, your mentor",
		"Time zone: Europe/London",
		"Topics you share: AI and social media",
		"Ada Lovelace knows about AI and social media, which you want to learn.",
		"Your free time overlaps every week",
		"You work in different departments",
		"Thursday 14 January 2027, 09:30–10:15", // the reader's zone, not the mentor's
		"America/New_York",
		"agree on ground rules for open, honest conversation",
		"here Ada Lovelace mentors Grace Hopper",
		"the more junior person is the mentor",
		"every two weeks for 45 minutes until 30 June 2027",
		"confidential",
		p.Purpose,
	} {
		if !strings.Contains(strings.ToLower(mentee.Text), strings.ToLower(want)) {
			t.Errorf("the mentee's introduction lacks %q:\n%s", want, mentee.Text)
		}
		if !strings.Contains(strings.ToLower(visibleText(mentee.HTML)), strings.ToLower(want)) {
			t.Errorf("the mentee's HTML introduction lacks %q", want)
		}
	}
	if strings.Contains(mentee.Text, "generation") || strings.Contains(mentee.HTML, "diversity") {
		t.Errorf("the introduction tells of a diversity attribute")
	}
	if mentor := messages[0].Text; !strings.Contains(mentor, "You know about AI and social media, which Grace Hopper wants to learn.") ||
		!strings.Contains(mentor, "Thursday 14 January 2027, 14:30–15:15 (Europe/London)") {
		t.Errorf("the mentor's introduction:\n%s", mentor)
	}
}

// visibleText is an HTML body's text without its tags.
func visibleText(body string) string {
	return html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(body, ""))
}
