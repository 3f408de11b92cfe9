package webhook

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Format is the body format of a webhook, spelled as in the API's WebhookFormat.
type Format string

// The formats.
const (
	// StandardWebhooks is a JSON body {type, timestamp, data} signed as the Standard Webhooks
	// specification describes.
	StandardWebhooks Format = "StandardWebhooks"
	// CloudEvents is a CloudEvents 1.0 structured JSON body, signed like StandardWebhooks.
	CloudEvents Format = "CloudEvents"
	// Slack is a Slack incoming-webhook message.
	Slack Format = "Slack"
	// Teams is a message carrying an Adaptive Card, for a Microsoft Teams workflow.
	Teams Format = "Teams"
)

// The Standard Webhooks headers, sent with every signed request.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// encoder writes an event's body in one format.
type encoder struct {
	body        func(Event) ([]byte, error)
	contentType string
	// needsSecret is true for the formats whose receivers verify a signature.
	needsSecret bool
}

var encoders = map[Format]encoder{
	StandardWebhooks: {standardBody, "application/json", true},
	CloudEvents:      {cloudEventBody, "application/cloudevents+json; charset=utf-8", true},
	Slack:            {slackBody, "application/json", false},
	Teams:            {teamsBody, "application/json", false},
}

// Request is the body and headers of one delivery attempt.
type Request struct {
	Header http.Header
	Body   []byte
}

// Build is the request that delivers e in format f, signed with secret at attempt time now (the
// webhook-timestamp receivers check against their clock). StandardWebhooks and CloudEvents need a
// secret; Slack and Teams messages are signed too when one is given.
func Build(f Format, e Event, secret Secret, now time.Time) (Request, error) {
	enc, ok := encoders[f]
	if !ok {
		return Request{}, fmt.Errorf("unknown webhook format %q", f)
	}
	if e.Data == nil {
		return Request{}, fmt.Errorf("event %s has no data", e.ID)
	}
	if !enc.needsSecret && e.Type == FeedbackSubmitted {
		return Request{}, fmt.Errorf("event %s carries individual answers and is never sent to a %s channel", e.ID, f)
	}
	if enc.needsSecret && secret.IsZero() {
		return Request{}, fmt.Errorf("the %s format needs a signing secret", f)
	}
	body, err := enc.body(e)
	if err != nil {
		return Request{}, fmt.Errorf("encoding %s event %s as %s: %w", e.Type, e.ID, f, err)
	}
	h := http.Header{}
	h.Set("Content-Type", enc.contentType)
	if !secret.IsZero() {
		timestamp := strconv.FormatInt(now.Unix(), 10)
		h.Set(HeaderID, e.ID)
		h.Set(HeaderTimestamp, timestamp)
		h.Set(HeaderSignature, secret.sign(e.ID, timestamp, body))
	}
	return Request{Header: h, Body: body}, nil
}

// standardMessage is the Standard Webhooks body.
type standardMessage struct {
	Type      EventType `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      Payload   `json:"data"`
}

func standardBody(e Event) ([]byte, error) {
	return json.Marshal(standardMessage{Type: e.Type, Timestamp: e.Time.UTC(), Data: e.Data})
}
