package webhook

import (
	"encoding/json"
	"reflect"
	"testing"

	cloudevents "github.com/cloudevents/sdk-go/v2/event"
)

// TestCloudEventsParseWithTheSDK reads every event's CloudEvents body with the CloudEvents SDK and checks
// it validates, carries the attributes receivers route by, the same data as the Standard Webhooks body,
// and a valid signature.
func TestCloudEventsParseWithTheSDK(t *testing.T) {
	secret := mustSecret(t, testSecret)
	for _, e := range allEvents() {
		t.Run(string(e.Type), func(t *testing.T) {
			req, err := Build(CloudEvents, e, secret, t0)
			if err != nil {
				t.Fatal(err)
			}
			if ct := req.Header.Get("Content-Type"); ct != "application/cloudevents+json; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			if err := verifySpec(testSecret, req.Header, req.Body, t0); err != nil {
				t.Errorf("signature: %v", err)
			}
			var ce cloudevents.Event
			if err := json.Unmarshal(req.Body, &ce); err != nil {
				t.Fatalf("the SDK cannot read the body: %v\n%s", err, req.Body)
			}
			if err := ce.Validate(); err != nil {
				t.Errorf("the SDK finds the event invalid: %v", err)
			}
			want := map[string]string{
				"specversion":     "1.0",
				"id":              e.ID,
				"source":          "/namespaces/hr/programmes/spring",
				"type":            "dev.reverse-mentoring." + string(e.Type),
				"subject":         e.Object.Kind.resource() + "/" + e.Object.Name,
				"time":            e.Time.Format("2006-01-02T15:04:05Z07:00"),
				"datacontenttype": "application/json",
			}
			got := map[string]string{
				"specversion": ce.SpecVersion(), "id": ce.ID(), "source": ce.Source(), "type": ce.Type(),
				"subject": ce.Subject(), "time": ce.Time().Format("2006-01-02T15:04:05Z07:00"), "datacontenttype": ce.DataContentType(),
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("attributes:\n got %v\nwant %v", got, want)
			}
			standard, err := Build(StandardWebhooks, e, secret, t0)
			if err != nil {
				t.Fatal(err)
			}
			var sw struct{ Data any }
			var data any
			if err := json.Unmarshal(standard.Body, &sw); err != nil {
				t.Fatal(err)
			}
			if err := ce.DataAs(&data); err != nil || !reflect.DeepEqual(data, sw.Data) {
				t.Errorf("data = %v (%v), want the Standard Webhooks data %v", data, err, sw.Data)
			}
		})
	}
}
