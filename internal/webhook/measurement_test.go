package webhook

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/measure"
)

func feedbackData() FeedbackData {
	return FeedbackData{Programme: "spring", Pairing: "spring-abc123", Mentor: "p-017", Mentee: "p-004", Round: "checkin-2"}
}

func responses() []measure.Response {
	three, four := 3, 4
	return []measure.Response{
		{Round: "checkin-2", Role: measure.Mentee, Submitted: t0.Add(time.Hour), Meetings: &three, Topics: map[string]int{"ai": 4}},
		{Round: "checkin-1", Role: measure.Mentor, Submitted: t0},
		{Round: "checkin-2", Role: measure.Mentor, Submitted: t0.Add(2 * time.Hour), Usefulness: &four, Answers: map[string]int{"energy": 5}},
	}
}

// TestIDsComeFromDeclaredNames: the same declared object gets the same id whenever the event happened
// (a rebuilt cluster dates it differently); another object, round or type gets another.
func TestIDsComeFromDeclaredNames(t *testing.T) {
	obj := pairingObject()
	other := obj
	other.Name = "spring-def456"
	elsewhere := obj
	elsewhere.Namespace = "sales"
	id := NewEvent(obj, CheckInDue, "checkin-1", t0, checkInData()).ID
	if got := NewEvent(obj, CheckInDue, "checkin-1", t0.Add(time.Hour), checkInData()).ID; got != id {
		t.Errorf("id %s for the same round dated later, want %s", got, id)
	}
	for _, e := range []Event{
		NewEvent(other, CheckInDue, "checkin-1", t0, checkInData()),
		NewEvent(elsewhere, CheckInDue, "checkin-1", t0, checkInData()),
		NewEvent(obj, CheckInDue, "checkin-2", t0, checkInData()),
		NewEvent(obj, PairingNeedsAttention, "checkin-1", t0, checkInData()),
	} {
		if e.ID == id {
			t.Errorf("%s %s about %s/%s shares id %s", e.Type, e.Data, e.Object.Namespace, e.Object.Name, id)
		}
	}
}

func TestFeedbackEventCarriesTheRoundsAnswers(t *testing.T) {
	e := FeedbackEvent(pairingObject(), feedbackData(), responses())
	d := e.Data.(FeedbackData)
	if len(d.Responses) != 2 || d.Responses[0].Role != "Mentor" || d.Responses[1].Participant != "p-004" {
		t.Fatalf("responses %+v, want the round's two, the mentor's first", d.Responses)
	}
	if !e.Time.Equal(t0.Add(2 * time.Hour)) {
		t.Errorf("event time %v, want the latest submission", e.Time)
	}
	reordered := responses()
	slices.Reverse(reordered)
	if again := FeedbackEvent(pairingObject(), feedbackData(), reordered); again.ID != e.ID || !reflect.DeepEqual(again.Data, e.Data) {
		t.Errorf("the same answers in another order give %s, want %s", again.ID, e.ID)
	}
	resubmitted := responses()
	resubmitted[0].Submitted = t0.Add(3 * time.Hour)
	if again := FeedbackEvent(pairingObject(), feedbackData(), resubmitted); again.ID == e.ID {
		t.Error("a second submission keeps the event id; the receiver would drop it as a duplicate")
	}
}

func TestFeedbackNeverGoesToAChatChannel(t *testing.T) {
	e := FeedbackEvent(pairingObject(), feedbackData(), responses())
	for _, f := range []Format{Slack, Teams} {
		if slices.Contains(EventsFor(f, nil), FeedbackSubmitted) || slices.Contains(EventsFor(f, []EventType{FeedbackSubmitted, CheckInDue}), FeedbackSubmitted) {
			t.Errorf("%s webhooks receive feedback.submitted", f)
		}
		if _, err := Build(f, e, Secret{}, t0); err == nil || !strings.Contains(err.Error(), "never sent to a") {
			t.Errorf("Build(%s, feedback.submitted) = %v, want a refusal", f, err)
		}
	}
	if got := EventsFor(StandardWebhooks, nil); len(got) != 10 || !slices.Contains(got, FeedbackSubmitted) {
		t.Errorf("a StandardWebhooks receiver without a list gets %v, want all 10 events", got)
	}
}

// TestFeedbackBody pins the JSON receivers read: answers by name, the comment only when given.
func TestFeedbackBody(t *testing.T) {
	e := FeedbackEvent(pairingObject(), feedbackData(), responses())
	data := e.Data.(FeedbackData)
	data.Responses[1].Comment = "Learned a lot about prompts."
	e.Data = data
	req, err := Build(StandardWebhooks, e, mustSecret(t, testSecret), t0)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Type string
		Data struct {
			Round     string
			Responses []map[string]any
		}
	}
	if err := json.Unmarshal(req.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Type != "feedback.submitted" || body.Data.Round != "checkin-2" {
		t.Fatalf("body %s", req.Body)
	}
	mentor, mentee := body.Data.Responses[0], body.Data.Responses[1]
	if _, ok := mentor["comment"]; ok || mentor["usefulness"] != 4.0 || mentor["answers"].(map[string]any)["energy"] != 5.0 {
		t.Errorf("mentor's answers %v", mentor)
	}
	if mentee["comment"] != "Learned a lot about prompts." || mentee["topics"].(map[string]any)["ai"] != 4.0 {
		t.Errorf("mentee's answers %v", mentee)
	}
}

func TestChatMessagesOfMeasurementEvents(t *testing.T) {
	for _, e := range allEvents()[len(allEvents())-2:] {
		req, err := Build(Slack, e, Secret{}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(req.Body), "http") {
			t.Errorf("%s message holds a link: %s", e.Type, req.Body)
		}
		want := map[EventType]string{CheckInDue: "check-in 1 is open until", PairingNeedsAttention: "needs attention: No meeting"}[e.Type]
		if !strings.Contains(string(req.Body), want) {
			t.Errorf("%s message lacks %q: %s", e.Type, want, req.Body)
		}
	}
}

func TestOutcomeOfASummary(t *testing.T) {
	rate := 90
	s := measure.Summary{Responses: 9, ResponsesDue: 10, ResponseRatePercent: &rate,
		Usefulness: map[measure.Role]string{measure.Mentee: "4.2"},
		Topics:     []measure.TopicFigure{{Topic: "ai", Learned: "4.0"}}}
	o := OutcomeOf(s)
	if o.UsefulnessMentees != "4.2" || o.UsefulnessMentors != "" || o.Topics[0].Learned != "4.0" || *o.ResponseRatePercent != 90 {
		t.Fatalf("outcome %+v", o)
	}
	d := ProgrammeData{Programme: "spring", Pairings: 17, Outcome: o}
	if got := d.summary(ProgrammeCompleted); got != "Programme spring completed with 17 pairings; 90% of check-ins answered." {
		t.Errorf("summary %q", got)
	}
}
