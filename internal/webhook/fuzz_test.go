package webhook

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzChatMessages puts arbitrary text into every free-text field of an event and checks that every
// format still builds valid JSON, that Slack text stays literal (no link, mention or bare entity), that
// Teams text stays out of Markdown, and that what people read is the text itself, cleaned and bounded.
// The seeds run as part of go test; go test -fuzz=FuzzChatMessages explores further.
func FuzzChatMessages(f *testing.F) {
	for _, seed := range []string{
		"", "p-017", hostileText, "<!here|here>", "&lt;already escaped&gt;", "a & b < c > d",
		"\x00\x1b[31mred\x1b[0m", "\xff\xfe invalid UTF-8", strings.Repeat("ü", 400), "<@U024BE7LH>",
		"[click](javascript:alert(1))", "**{{template}}**", "\u2028line\u2029separators",
	} {
		f.Add(seed)
	}
	secret := mustSecret(f, testSecret)
	f.Fuzz(func(t *testing.T, s string) {
		e := hostileEvent()
		d := e.Data.(PairingData)
		d.Mentor, d.Mentee, d.EndReason, d.Topics = s, s, s, []string{s}
		e.Data = d

		clean := plainText(s, maxValueRunes)
		if !utf8.ValidString(clean) || utf8.RuneCountInString(clean) > maxValueRunes {
			t.Fatalf("plainText(%q) = %q: not valid or not bounded", s, clean)
		}
		if got := slackUnescape(slackEscape(s, maxValueRunes)); got != clean {
			t.Fatalf("Slack shows %q for %q, want %q", got, s, clean)
		}
		for _, f := range []Format{StandardWebhooks, CloudEvents, Slack, Teams} {
			req, err := Build(f, e, secret, t0)
			if err != nil || !json.Valid(req.Body) {
				t.Fatalf("%s: %v, valid JSON %v", f, err, json.Valid(req.Body))
			}
			switch f {
			case Slack:
				texts := slackTexts(t, req.Body)
				for _, text := range texts {
					assertSlackSafe(t, text)
				}
				if utf8.RuneCountInString(s) <= 100 && !strings.Contains(texts[0], slackEscape(s, maxValueRunes)) {
					t.Fatalf("Slack text %q lost %q", texts[0], s)
				}
			case Teams:
				markdown, plain := cardTexts(t, req.Body)
				if len(markdown) != 1 || markdown[0] != title(e.Type) {
					t.Fatalf("Teams Markdown texts %q", markdown)
				}
				for _, text := range plain {
					assertPlainText(t, text)
				}
			}
		}
	})
}
