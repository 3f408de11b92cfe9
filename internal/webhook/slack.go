package webhook

import "encoding/json"

// slackMessage is a Slack incoming-webhook message: a notification text and Block Kit blocks.
type slackMessage struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

// slackBlock is a header, section or context block.
type slackBlock struct {
	Type     string           `json:"type"`
	Text     *slackTextField  `json:"text,omitempty"`
	Fields   []slackTextField `json:"fields,omitempty"`
	Elements []slackTextField `json:"elements,omitempty"`
}

// slackTextField is a text object. Verbatim mrkdwn is not scanned for URLs, mentions or channel names.
type slackTextField struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Verbatim bool   `json:"verbatim,omitempty"`
}

// mrkdwn is verbatim mrkdwn text; its variable parts must already be escaped.
func mrkdwn(s string) slackTextField {
	return slackTextField{Type: "mrkdwn", Text: s, Verbatim: true}
}

// slackBody writes e as a message with a header, the summary sentence, the facts as fields, and the
// event id and time as context. Every variable text is escaped.
func slackBody(e Event) ([]byte, error) {
	summary := slackEscape(e.Data.summary(e.Type), maxSummaryRunes)
	var fields []slackTextField
	for _, f := range e.Data.facts() {
		fields = append(fields, mrkdwn("*"+f.label+"*\n"+slackEscape(f.value, maxValueRunes)))
	}
	text := mrkdwn(summary)
	return json.Marshal(slackMessage{
		Text: summary,
		Blocks: []slackBlock{
			{Type: "header", Text: &slackTextField{Type: "plain_text", Text: title(e.Type)}},
			{Type: "section", Text: &text, Fields: fields},
			{Type: "context", Elements: []slackTextField{mrkdwn(slackEscape(footer(e), maxValueRunes))}},
		},
	})
}
