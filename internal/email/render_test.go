package email

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// layout is what the page reports about how it lays out in the browser.
type layout struct {
	// Overflow is how many CSS pixels the page is wider than the window.
	Overflow int
	// SmallestText is the smallest font size, in CSS pixels, of an element that holds text.
	SmallestText float64
	// Text is what the page shows.
	Text string
}

const measure = `(() => {
  let smallest = 1000;
  for (const el of document.body.querySelectorAll('*')) {
    if ([...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim() !== '')) {
      smallest = Math.min(smallest, parseFloat(getComputedStyle(el).fontSize));
    }
  }
  return {overflow: document.documentElement.scrollWidth - window.innerWidth, smallestText: smallest, text: document.body.innerText};
})()`

// TestTheHTMLMessagesReadWellOnAPhoneAndADesktop renders each kind of HTML body in headless Chromium
// at phone and desktop widths and checks that nothing is wider than the window, no text is smaller
// than 13 pixels, and the headline and the meeting are shown. Set EMAIL_SCREENSHOTS to a folder to
// keep the screenshots and look at them.
func TestTheHTMLMessagesReadWellOnAPhoneAndADesktop(t *testing.T) {
	p := activePairing(t)
	p.Mentor.Name = "Dr. Maximiliane Wolkenstein-Oberhausen" // a long name must wrap, not overflow
	active, series := derive(t, p)
	ended := after(p, series, delivered(active, p.Now), p.Now.Add(time.Hour))
	ended.Stage = Inactive
	cancelled, _ := derive(t, ended)
	pages := map[string]struct {
		html string
		want []string
	}{
		"introduction": {active[1].HTML, []string{"Meet Dr. Maximiliane Wolkenstein-Oberhausen, your mentor", "Thursday 14 January 2027, 09:30–10:15", "A short agenda for it", "confidential"}},
		"invitation":   {active[3].HTML, []string{"Meetings with Dr. Maximiliane Wolkenstein-Oberhausen, your mentor", "Thursdays 09:30–10:15, every two weeks", "Your time (America/New_York)"}},
		"cancellation": {cancelled[1].HTML, []string{"are cancelled"}},
	}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(pages[strings.TrimPrefix(r.URL.Path, "/")].html))
	}))
	defer server.Close()
	ctx, cancel, err := testenv.Browser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	keep := os.Getenv("EMAIL_SCREENSHOTS")
	for name, page := range pages {
		for size, window := range map[string][2]int64{"phone": testenv.Phone, "desktop": testenv.Desktop} {
			png, err := testenv.Screenshot(ctx, server.URL+"/"+name, window[0], window[1])
			if err != nil {
				t.Fatal(err)
			}
			if keep != "" {
				if err := os.WriteFile(filepath.Join(keep, name+"-"+size+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[layout](measure))
			if err != nil {
				t.Fatal(err)
			}
			if got.Overflow > 0 || got.SmallestText < 13 {
				t.Errorf("%s on a %s: %d pixels too wide, smallest text %.0f pixels", name, size, got.Overflow, got.SmallestText)
			}
			for _, want := range page.want {
				if !strings.Contains(got.Text, want) {
					t.Errorf("%s on a %s does not show %q:\n%s", name, size, want, got.Text)
				}
			}
		}
	}
}
