package webhook

import (
	"encoding/json"
	"strings"
	"testing"
)

// slackTexts decodes a Slack message and returns its notification text and every text of its blocks.
func slackTexts(t testing.TB, body []byte) []string {
	t.Helper()
	var m slackMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("Slack body is not JSON: %v", err)
	}
	texts := []string{m.Text}
	for _, b := range m.Blocks {
		if b.Text != nil {
			texts = append(texts, b.Text.Text)
		}
		for _, f := range append(b.Fields, b.Elements...) {
			texts = append(texts, f.Text)
		}
	}
	return texts
}

func TestSlackMessage(t *testing.T) {
	req, err := Build(Slack, pairingEvents()[0], Secret{}, t0)
	if err != nil {
		t.Fatal(err)
	}
	var m slackMessage
	if err := json.Unmarshal(req.Body, &m); err != nil {
		t.Fatal(err)
	}
	if want := "Pairing spring-abc123 proposed: mentor p-017 with mentee p-004 (score 82)."; m.Text != want {
		t.Errorf("text = %q, want %q", m.Text, want)
	}
	types := []string{}
	for _, b := range m.Blocks {
		types = append(types, b.Type)
	}
	if got := strings.Join(types, ","); got != "header,section,context" {
		t.Errorf("blocks = %s, want header,section,context", got)
	}
	section := m.Blocks[1]
	if len(section.Fields) != 6 || section.Fields[2].Text != "*Mentor*\np-017" || !section.Text.Verbatim {
		t.Errorf("section = %+v: want 6 verbatim fields, the third *Mentor*\\np-017", section)
	}
}

func TestSlackEscapesHostileText(t *testing.T) {
	req, err := Build(Slack, hostileEvent(), Secret{}, t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range slackTexts(t, req.Body) {
		assertSlackSafe(t, text)
	}
	// The reader still sees what was written, on one line.
	want := "Pairing spring-abc123 ended: <!channel> <@U123> <https://evil.example|click here> [link](https://evil.example) **bold** &amp; &lt;  # heading   ."
	if got := slackUnescape(slackTexts(t, req.Body)[0]); got != want {
		t.Errorf("unescaped text:\n got %q\nwant %q", got, want)
	}
}

// assertSlackSafe fails when Slack would read text as anything but literal characters: a < or > (which
// open and close links and mentions), an & that does not start one of the three entities, or what
// assertPlainText refuses.
func assertSlackSafe(t testing.TB, text string) {
	t.Helper()
	if strings.ContainsAny(text, "<>") {
		t.Errorf("Slack text %q holds < or >", text)
	}
	rest := text
	for i := strings.IndexByte(rest, '&'); i >= 0; i = strings.IndexByte(rest, '&') {
		rest = rest[i:]
		if !strings.HasPrefix(rest, "&amp;") && !strings.HasPrefix(rest, "&lt;") && !strings.HasPrefix(rest, "&gt;") {
			t.Errorf("Slack text %q holds a bare &", text)
		}
		rest = rest[1:]
	}
	if label, value, ok := strings.Cut(text, "\n"); ok && strings.HasPrefix(label, "*") {
		text = value // a field: the fixed label in bold, a line break, the value
	}
	assertPlainText(t, slackUnescape(text))
}

// slackUnescape is what Slack shows for escaped text.
func slackUnescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// cardTexts walks a Teams message and returns the texts of its TextBlocks (read as Markdown) and of
// its TextRuns (read as plain text).
func cardTexts(t testing.TB, body []byte) (markdown, plain []string) {
	t.Helper()
	var m teamsMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("Teams body is not JSON: %v", err)
	}
	var walk func([]cardElement)
	walk = func(elements []cardElement) {
		for _, e := range elements {
			switch e.Type {
			case "TextBlock":
				markdown = append(markdown, e.Text)
			case "TextRun":
				plain = append(plain, e.Text)
			}
			walk(e.Inlines)
		}
	}
	for _, a := range m.Attachments {
		walk(a.Content.Body)
	}
	return markdown, plain
}

func TestTeamsCardKeepsVariableTextOutOfMarkdown(t *testing.T) {
	req, err := Build(Teams, hostileEvent(), Secret{}, t0)
	if err != nil {
		t.Fatal(err)
	}
	markdown, plain := cardTexts(t, req.Body)
	if len(markdown) != 1 || markdown[0] != "Pairing ended" {
		t.Errorf("Markdown texts = %q, want only the fixed title", markdown)
	}
	found := false
	for _, text := range plain {
		assertPlainText(t, text)
		found = found || strings.Contains(text, "<https://evil.example|click here> [link](https://evil.example)")
	}
	if !found {
		t.Errorf("the hostile text does not appear literally in a TextRun: %q", plain)
	}
}

// assertPlainText fails on a character that breaks a line or reorders text, or on more runes than a
// summary may have.
func assertPlainText(t testing.TB, text string) {
	t.Helper()
	if strings.ContainsFunc(text, func(r rune) bool {
		return r < ' ' || (r >= 0x7f && r < 0xa0) || r == 0x2028 || r == 0x2029 || r == 0x202e
	}) {
		t.Errorf("text %q holds a control character", text)
	}
	if n := len([]rune(text)); n > maxSummaryRunes {
		t.Errorf("text of %d runes is not bounded", n)
	}
}

func TestTeamsCardsPassTheAdaptiveCardsLibrary(t *testing.T) {
	events := append(allEvents(), hostileEvent())
	messages := make([][]byte, len(events))
	for i, e := range events {
		req, err := Build(Teams, e, Secret{}, t0)
		if err != nil {
			t.Fatal(err)
		}
		messages[i] = req.Body
	}
	for i, problems := range checkCards(t, messages) {
		if len(problems) > 0 {
			t.Errorf("%s card: %q\n%s", events[i].Type, problems, messages[i])
		}
	}
}

func TestCardCheckerFindsProblems(t *testing.T) {
	// The checker must be able to fail: a misspelt property, an unknown element, a bad value, a wrong
	// version, no card.
	bad := []string{
		`{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{"$schema":"http://adaptivecards.io/schemas/adaptive-card.json","type":"AdaptiveCard","version":"1.4","body":[{"type":"TextBlock","txt":"typo"}]}}]}`,
		`{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{"$schema":"http://adaptivecards.io/schemas/adaptive-card.json","type":"AdaptiveCard","version":"1.4","body":[{"type":"Marquee","text":"x"}]}}]}`,
		`{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{"$schema":"http://adaptivecards.io/schemas/adaptive-card.json","type":"AdaptiveCard","version":"1.4","body":[{"type":"RichTextBlock","inlines":[{"type":"TextRun","text":"x","weight":"Boldest"}]}]}}]}`,
		`{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{"$schema":"http://adaptivecards.io/schemas/adaptive-card.json","type":"AdaptiveCard","version":"9.9","body":[]}}]}`,
		`{"type":"message","attachments":[]}`,
	}
	messages := make([][]byte, len(bad))
	for i, m := range bad {
		messages[i] = []byte(m)
	}
	for i, problems := range checkCards(t, messages) {
		if len(problems) == 0 {
			t.Errorf("card.js found no problem in %s", bad[i])
		}
	}
}
