package testenv_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// TestBrowserRendersALoopbackPage proves the browser helper works: it reads a heading a page on
// loopback writes with JavaScript, and takes a PNG screenshot at phone width.
func TestBrowserRendersALoopbackPage(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`<!doctype html><h1 id="h">static</h1><script>document.getElementById("h").textContent = "scripted"</script>`))
	}))
	defer server.Close()
	ctx, cancel, err := testenv.Browser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(server.URL)); err != nil {
		t.Fatal(err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#h")))
	if err != nil {
		t.Fatal(err)
	}
	if heading != "scripted" {
		t.Fatalf("heading %q, want the text the page's script wrote", heading)
	}
	png, err := testenv.Screenshot(ctx, server.URL, testenv.Phone[0], testenv.Phone[1])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("screenshot is not a PNG")
	}
}
