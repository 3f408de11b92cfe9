package webhook

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestSignatureMatchesTheSpecificationsExample(t *testing.T) {
	// The example of the Standard Webhooks reference libraries, also what the standardwebhooks npm
	// package computes.
	secret := mustSecret(t, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	got := secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", []byte(`{"test": 2432232314}`))
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("sign = %q, want %q", got, want)
	}
}

func TestParseSecret(t *testing.T) {
	for _, tc := range []struct {
		name, in, key, err string
	}{
		{"whsec and base64", "whsec_c2VjcmV0LWtleQ==", "secret-key", ""},
		{"raw bytes", "raw secret", "raw secret", ""},
		{"newline from a file", "whsec_c2VjcmV0LWtleQ==\n", "secret-key", ""},
		{"whsec and not base64", "whsec_not*base64!", "", "signing secret starts with whsec_ but the rest is not base64"},
		{"empty", " \n", "", "signing secret is empty"},
		{"whsec and nothing", "whsec_", "", "signing secret is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSecret(tc.in)
			if got := fmt.Sprint(err); tc.err != "" && got != tc.err {
				t.Fatalf("error = %q, want %q", got, tc.err)
			}
			if tc.err == "" && (err != nil || string(s.key) != tc.key) {
				t.Fatalf("ParseSecret = %q, %v; want %q", s.key, err, tc.key)
			}
		})
	}
}

func TestSecretNeverPrints(t *testing.T) {
	s := mustSecret(t, "raw-secret-value")
	holder := struct{ S Secret }{s}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		if out := fmt.Sprintf(verb, holder); strings.Contains(out, "raw-secret") || strings.Contains(out, "7261772d") {
			t.Errorf("Sprintf(%s) = %s: shows the secret", verb, out)
		}
	}
}

func TestBuildStandardWebhooks(t *testing.T) {
	e := pairingEvents()[2]
	attempt := t0.Add(90 * time.Second)
	req, err := Build(StandardWebhooks, e, mustSecret(t, testSecret), attempt)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"pairing.meeting_scheduled","timestamp":"2027-01-11T11:00:00Z","data":{"programme":"spring",` +
		`"pairing":"spring-abc123","mentor":"p-017","mentee":"p-004","score":82,"topics":["ai","social-media"],` +
		`"meeting":{"next":"2027-01-12T10:00:00Z","durationMinutes":45,"recurrenceRule":"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270630T235959Z"}}}`
	if string(req.Body) != want {
		t.Errorf("body:\n got %s\nwant %s", req.Body, want)
	}
	wantHeaders := map[string]string{"Content-Type": "application/json", "webhook-id": e.ID, "webhook-timestamp": "1799658090"}
	for name, value := range wantHeaders {
		if got := req.Header.Get(name); got != value {
			t.Errorf("header %s = %q, want %q", name, got, value)
		}
	}
	if err := verifySpec(testSecret, req.Header, req.Body, attempt); err != nil {
		t.Errorf("the specification's verification: %v", err)
	}
	if err := verifySpec(testSecret, req.Header, append(req.Body, ' '), attempt); err == nil {
		t.Error("a changed body still verifies")
	}
}

func TestPayloadsCarryNoPersonalData(t *testing.T) {
	// Every field any payload has, by JSON name: a new field must be added here on purpose.
	allowed := map[string]bool{
		"programme": true, "pairing": true, "mentor": true, "mentee": true, "score": true, "topics": true,
		"meeting": true, "next": true, "durationMinutes": true, "recurrenceRule": true, "endReason": true,
		"participants": true, "pairings": true, "unmatched": true, "matchRatePercent": true,
		"averageScore": true, "participant": true, "reason": true, "round": true, "kind": true, "opens": true,
		"closes": true, "health": true, "cause": true, "message": true,
	}
	for _, e := range allEvents() {
		req, err := Build(StandardWebhooks, e, mustSecret(t, testSecret), t0)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Data map[string]any }
		if err := json.Unmarshal(req.Body, &body); err != nil {
			t.Fatal(err)
		}
		for _, name := range jsonKeys(body.Data) {
			if !allowed[name] {
				t.Errorf("%s payload has field %q, not on the list of allowed fields", e.Type, name)
			}
		}
	}
}

// jsonKeys lists the object keys at every depth of a decoded JSON value.
func jsonKeys(v any) []string {
	var keys []string
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			keys = append(append(keys, k), jsonKeys(child)...)
		}
	case []any:
		for _, child := range v {
			keys = append(keys, jsonKeys(child)...)
		}
	}
	return keys
}

func TestBuildRefusesWhatItCannotSend(t *testing.T) {
	e := pairingEvents()[0]
	for _, tc := range []struct {
		name   string
		format Format
		event  Event
		want   string
	}{
		{"standard webhooks without a secret", StandardWebhooks, e, "the StandardWebhooks format needs a signing secret"},
		{"cloudevents without a secret", CloudEvents, e, "the CloudEvents format needs a signing secret"},
		{"unknown format", Format("Email"), e, `unknown webhook format "Email"`},
		{"no data", Slack, Event{ID: e.ID, Type: e.Type}, "event " + e.ID + " has no data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Build(tc.format, tc.event, Secret{}, t0); fmt.Sprint(err) != tc.want {
				t.Errorf("error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestChatFormatsAreSignedOnlyWithASecret(t *testing.T) {
	e := pairingEvents()[0]
	for _, f := range []Format{Slack, Teams} {
		unsigned, err := Build(f, e, Secret{}, t0)
		if err != nil || unsigned.Header.Get(HeaderSignature) != "" {
			t.Errorf("%s without a secret: %v, signature %q; want no signature", f, err, unsigned.Header.Get(HeaderSignature))
		}
		signed, err := Build(f, e, mustSecret(t, testSecret), t0)
		if err != nil || verifySpec(testSecret, signed.Header, signed.Body, t0) != nil {
			t.Errorf("%s with a secret: %v; want a valid signature", f, err)
		}
		if ct := signed.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s Content-Type = %q", f, ct)
		}
	}
}
