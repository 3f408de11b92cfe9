package testenv

import (
	"context"
	"fmt"
	"os"

	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium, which hack/test-deps.sh installs; no test downloads a browser.
const chromiumPath = "/usr/bin/chromium"

// Browser starts headless Chromium with an empty profile and no network beyond what the page asks
// for (no background services, no component updates), and returns a chromedp context for it. Cancel
// the returned function to close the browser.
func Browser(parent context.Context) (context.Context, context.CancelFunc, error) {
	if _, err := os.Stat(chromiumPath); err != nil {
		return nil, nil, fmt.Errorf("chromium is not installed: apt-get install -y chromium (%w)", err)
	}
	profile, err := os.MkdirTemp("", "chromium-profile-")
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(profile)
		return nil, nil, fmt.Errorf("starting chromium: %w", err)
	}
	return ctx, func() {
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	}, nil
}

// Screenshot loads url in a window width × height CSS pixels wide and returns a PNG of the whole page.
func Screenshot(ctx context.Context, url string, width, height int64) ([]byte, error) {
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height), chromedp.Navigate(url)); err != nil {
		return nil, err
	}
	return chromedp.Run(ctx, chromedp.FullScreenshot(100))
}

// Phone and desktop are the window sizes pages are looked at in: a common phone and a laptop.
var (
	Phone   = [2]int64{390, 844}
	Desktop = [2]int64{1280, 800}
)
