package webhook_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/webhook"
)

// A controller's delivery pass over one Pairing: derive the events its state implies, plan against the
// records from its status, send what is due, and write the records back.
func Example() {
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()
	sender, err := webhook.NewSender(webhook.Options{AllowLoopback: true})
	if err != nil {
		panic(err)
	}
	defer sender.Close()
	secret, err := webhook.ParseSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		panic(err)
	}

	pairing := webhook.Object{Namespace: "hr", Programme: "spring", Kind: webhook.KindPairing, Name: "spring-abc123"}
	created := time.Date(2027, 1, 11, 9, 0, 0, 0, time.UTC)
	data := webhook.PairingData{Programme: "spring", Pairing: "spring-abc123", Mentor: "p-017", Mentee: "p-004"}
	events := []webhook.Event{webhook.NewEvent(pairing, webhook.PairingProposed, "", created, data)}
	targets := []webhook.Target{{Name: "hr"}}
	var status []webhook.Record // from the Pairing's status.notifications

	now := created.Add(time.Second)
	step := webhook.Policy{}.Plan(events, targets, status, now)
	for d := range step.Due() {
		req, err := webhook.Build(webhook.StandardWebhooks, d.Event, secret, time.Now())
		if err != nil {
			panic(err)
		}
		step.Report(d, sender.Send(context.Background(), receiver.URL, req))
	}
	status = step.Records() // to the Pairing's status.notifications
	_, pending := step.NextAttempt()

	for _, r := range status {
		fmt.Println(r.Webhook, r.Event, r.ID, r.State, r.Attempts, r.LastResult)
	}
	fmt.Println("pending:", pending)
	// Output:
	// hr pairing.proposed evt_yiqjzig36pbwcxtmi4ylayptoz Delivered 1 HTTP 204
	// pending: false
}
