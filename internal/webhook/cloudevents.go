package webhook

import (
	"encoding/json"
	"time"
)

// cloudEventTypePrefix turns an event type into a CloudEvents type, such as
// dev.reverse-mentoring.pairing.proposed.
const cloudEventTypePrefix = "dev.reverse-mentoring."

// cloudEvent is a CloudEvents 1.0 event in the structured JSON format.
type cloudEvent struct {
	SpecVersion     string    `json:"specversion"`
	ID              string    `json:"id"`
	Source          string    `json:"source"`
	Type            string    `json:"type"`
	Subject         string    `json:"subject"`
	Time            time.Time `json:"time"`
	DataContentType string    `json:"datacontenttype"`
	Data            Payload   `json:"data"`
}

// cloudEventBody writes e as a CloudEvent whose source is the programme, such as
// /namespaces/hr/programmes/spring, and whose subject is the object, such as pairings/spring-abc123.
func cloudEventBody(e Event) ([]byte, error) {
	return json.Marshal(cloudEvent{
		SpecVersion:     "1.0",
		ID:              e.ID,
		Source:          "/namespaces/" + e.Object.Namespace + "/programmes/" + e.Object.Programme,
		Type:            cloudEventTypePrefix + string(e.Type),
		Subject:         e.Object.Kind.resource() + "/" + e.Object.Name,
		Time:            e.Time.UTC(),
		DataContentType: "application/json",
		Data:            e.Data,
	})
}
