package webhook

import "encoding/json"

// teamsMessage is the message a Teams workflow posts: one Adaptive Card attachment.
type teamsMessage struct {
	Type        string            `json:"type"`
	Attachments []teamsAttachment `json:"attachments"`
}

// teamsAttachment carries an Adaptive Card.
type teamsAttachment struct {
	ContentType string       `json:"contentType"`
	Content     adaptiveCard `json:"content"`
}

// adaptiveCard is an Adaptive Card 1.4, the newest version every Teams client renders.
type adaptiveCard struct {
	Schema  string        `json:"$schema"`
	Type    string        `json:"type"`
	Version string        `json:"version"`
	Body    []cardElement `json:"body"`
}

// cardElement is a TextBlock, a RichTextBlock or a TextRun. Adaptive Cards read a TextBlock's text as
// Markdown but never a TextRun's, so every variable text goes into TextRuns, where it cannot form links
// or formatting.
type cardElement struct {
	Type     string        `json:"type"`
	Text     string        `json:"text,omitempty"`
	Size     string        `json:"size,omitempty"`
	Weight   string        `json:"weight,omitempty"`
	IsSubtle bool          `json:"isSubtle,omitempty"`
	Wrap     bool          `json:"wrap,omitempty"`
	Inlines  []cardElement `json:"inlines,omitempty"`
}

// textRun is a run of plain text of at most n runes.
func textRun(s string, n int) cardElement {
	return cardElement{Type: "TextRun", Text: plainText(s, n)}
}

// richText is a paragraph of plain-text runs.
func richText(runs ...cardElement) cardElement {
	return cardElement{Type: "RichTextBlock", Inlines: runs}
}

// teamsBody writes e as a card with a heading, the summary sentence, one line per fact, and the event id
// and time.
func teamsBody(e Event) ([]byte, error) {
	body := []cardElement{
		{Type: "TextBlock", Text: title(e.Type), Size: "Medium", Weight: "Bolder", Wrap: true},
		richText(textRun(e.Data.summary(e.Type), maxSummaryRunes)),
	}
	for _, f := range e.Data.facts() {
		label := textRun(f.label+": ", maxValueRunes)
		label.Weight = "Bolder"
		body = append(body, richText(label, textRun(f.value, maxValueRunes)))
	}
	context := textRun(footer(e), maxValueRunes)
	context.IsSubtle = true
	body = append(body, richText(context))
	return json.Marshal(teamsMessage{
		Type: "message",
		Attachments: []teamsAttachment{{
			ContentType: "application/vnd.microsoft.card.adaptive",
			Content: adaptiveCard{
				Schema:  "http://adaptivecards.io/schemas/adaptive-card.json",
				Type:    "AdaptiveCard",
				Version: "1.4",
				Body:    body,
			},
		}},
	})
}
