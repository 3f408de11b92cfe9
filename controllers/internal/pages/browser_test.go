package pages_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/portal"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

func browser(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel, err := testenv.Browser(context.Background())
	must(t, err)
	t.Cleanup(cancel)
	return ctx
}

// answerCheckIn fills in the open check-in of dl-ada-bob as a person does: clicking the labels of the
// choices, typing the number of meetings and the comment, and pressing the button.
func answerCheckIn(t *testing.T, ctx context.Context, url string, meetings, usefulness, topic, comment string) {
	t.Helper()
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(url),
		chromedp.SendKeys(chromedp.CSS("#dl-ada-bob-q-meetings"), meetings),
		chromedp.Click(chromedp.CSS(`label[for="dl-ada-bob-q-usefulness-` + usefulness + `"]`)),
		chromedp.Click(chromedp.CSS(`label[for="dl-ada-bob-t-ai-` + topic + `"]`)),
		chromedp.Click(chromedp.CSS(`label[for="dl-ada-bob-q-tools-1"]`)),
	}
	if comment != "" {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS("#dl-ada-bob-comment"), comment))
	}
	steps = append(steps, chromedp.Click(chromedp.CSS(`button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".notice")))
	must(t, chromedp.Do(ctx, steps...))
}

func notice(t *testing.T, ctx context.Context) string {
	t.Helper()
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".notice")))
	must(t, err)
	return text
}

// TestAPersonAnswersInTheBrowser drives the real page in headless Chromium against a real API server:
// Ada answers on one replica, Bob on another, the replica Ada used goes away, and a new one shows her
// answers; her comment reaches the HR system's webhook and nowhere in the cluster.
func TestAPersonAnswersInTheBrowser(t *testing.T) {
	w := newWorld(t, true)
	first, second := w.startReplica(portal.Options{}), w.startReplica(portal.Options{})
	ctx := browser(t)

	answerCheckIn(t, ctx, first.URL+portal.Prefix+w.links["ada"], "3", "4", "5", "Bob showed me how he tests prompts.")
	if got := notice(t, ctx); !strings.Contains(got, "your answers are saved") {
		t.Fatalf("after sending: %q", got)
	}
	ada := w.checkIn("checkin-1", mentoringv1alpha1.RoleMentor)
	if ada == nil || *ada.Meetings != 3 || *ada.Usefulness != 4 || len(ada.Topics) != 1 || ada.Topics[0].Rating != 5 ||
		len(ada.Answers) != 1 || ada.Answers[0] != (mentoringv1alpha1.Answer{Question: "tools", Value: 1}) {
		t.Fatalf("Ada's check-in in status: %+v", ada)
	}

	answerCheckIn(t, ctx, second.URL+portal.Prefix+w.links["bob"], "2", "5", "4", "")
	if bob := w.checkIn("checkin-1", mentoringv1alpha1.RoleMentee); bob == nil || *bob.Meetings != 2 {
		t.Fatalf("Bob's check-in in status: %+v", bob)
	}
	if w.checkIn("checkin-1", mentoringv1alpha1.RoleMentor) == nil {
		t.Fatal("Bob's answers replaced Ada's")
	}

	// The comment went to the HR system with the answers, signed, and is nowhere in the Pairing.
	received := w.receiver.received()
	if len(received) != 1 {
		t.Fatalf("the HR webhook got %d events, want Ada's one with a comment", len(received))
	}
	body, _ := json.Marshal(received[0])
	if received[0]["type"] != "feedback.submitted" || !strings.Contains(string(body), `"comment":"Bob showed me how he tests prompts."`) {
		t.Errorf("HR webhook got %s", body)
	}
	if len(w.objectsHolding("Ada Lovelace")) == 0 {
		t.Fatal("the search finds not even Ada's Participant: it would prove nothing")
	}
	if found := w.objectsHolding("tests prompts"); len(found) > 0 {
		t.Errorf("the comment is stored in the cluster, in %v", found)
	}

	// The replica Ada used is gone; a new one shows her answers, ready to be changed.
	first.Stop()
	third := w.startReplica(portal.Options{})
	must(t, chromedp.Do(ctx, chromedp.Navigate(third.URL+portal.Prefix+w.links["ada"])))
	checked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("dl-ada-bob-q-usefulness-4").checked &&
		document.getElementById("dl-ada-bob-q-meetings").value === "3"`))
	must(t, err)
	button, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("button[type=submit]")))
	must(t, err)
	if !checked || button != "Update my answers" {
		t.Errorf("after a restart: answers shown %v, button %q", checked, button)
	}
	screenshots(t, ctx, third.URL+portal.Prefix+w.links["ada"], "checkin")
}

// TestRefusedInTheBrowser: a forged link, a cross-site post and a comment the HR system did not take
// save nothing.
func TestRefusedInTheBrowser(t *testing.T) {
	w := newWorld(t, true)
	r := w.startReplica(portal.Options{})
	ctx := browser(t)

	must(t, chromedp.Do(ctx, chromedp.Navigate(r.URL+portal.Prefix+"Zm9yZ2VkZm9yZ2VkZm9yZ2VkZm9yZ2VkZm9yZ2VkZm8")))
	if got := notice(t, ctx); !strings.Contains(got, "does not lead to a page") {
		t.Errorf("forged link shows %q", got)
	}

	// Another site that somehow learned Ada's link (and so her form's token) posts her form.
	page, err := http.Get(r.URL + portal.Prefix + w.links["ada"])
	must(t, err)
	form := extract(t, page, `name="form" value="`)
	evil := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		_, _ = rw.Write([]byte(`<!doctype html><form method="post" action="` + r.URL + portal.Prefix + w.links["ada"] + `/dl-ada-bob/checkin-1">` +
			`<input type="hidden" name="form" value="` + form + `"><input type="hidden" name="q-usefulness" value="1">` +
			`<button id="go">Win a prize</button></form>`))
	}))
	defer evil.Close()
	must(t, chromedp.Do(ctx, chromedp.Navigate(evil.URL), chromedp.Click(chromedp.CSS("#go")), chromedp.WaitVisible(chromedp.CSS(".notice"))))
	if got := notice(t, ctx); !strings.Contains(got, "not sent from its own page") {
		t.Errorf("cross-site post shows %q", got)
	}

	// The HR system is down: Ada's answers and comment are not saved, and she keeps what she typed.
	w.receiver.answer(http.StatusServiceUnavailable)
	answerCheckIn(t, ctx, r.URL+portal.Prefix+w.links["ada"], "3", "4", "5", "A comment for HR.")
	if got := notice(t, ctx); !strings.Contains(got, "could not be passed on") {
		t.Errorf("comment not delivered shows %q", got)
	}
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("dl-ada-bob-comment").value`))
	must(t, err)
	if kept != "A comment for HR." {
		t.Errorf("the comment box holds %q after the failure", kept)
	}
	if ci := w.pairing().Status.CheckIns; len(ci) != 0 {
		t.Fatalf("refused posts saved %+v", ci)
	}
	screenshots(t, ctx, "", "refused")
}

// objectsHolding lists the objects of the world's namespace whose JSON holds text: every kind the
// operator or the page server could write to.
func (w *world) objectsHolding(text string) []string {
	w.t.Helper()
	var found []string
	for _, list := range []client.ObjectList{&mentoringv1alpha1.ProgrammeList{}, &mentoringv1alpha1.ParticipantList{},
		&mentoringv1alpha1.PairingList{}, &corev1.SecretList{}, &corev1.ConfigMapList{}, &corev1.EventList{}, &eventsv1.EventList{}} {
		must(w.t, env.Client.List(context.Background(), list, client.InNamespace(w.namespace)))
		items, err := meta.ExtractList(list)
		must(w.t, err)
		for _, item := range items {
			raw, _ := json.Marshal(item)
			if strings.Contains(string(raw), text) {
				found = append(found, fmt.Sprintf("%T %s", item, item.(client.Object).GetName()))
			}
		}
	}
	return found
}

func extract(t testing.TB, resp *http.Response, after string) string {
	t.Helper()
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	_, rest, ok := strings.Cut(string(body), after)
	value, _, ok2 := strings.Cut(rest, `"`)
	if !ok || !ok2 {
		t.Fatalf("no %q in the page", after)
	}
	return value
}

// screenshots writes the page at phone and desktop widths into $PORTAL_SCREENSHOTS, when set, for a
// person to look at; an empty url keeps the page the browser shows.
func screenshots(t *testing.T, ctx context.Context, url, name string) {
	dir := os.Getenv("PORTAL_SCREENSHOTS")
	if dir == "" {
		return
	}
	for size, wh := range map[string][2]int64{"phone": testenv.Phone, "desktop": testenv.Desktop} {
		if url == "" {
			must(t, chromedp.Do(ctx, chromedp.EmulateViewport(wh[0], wh[1])))
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			must(t, err)
			must(t, os.WriteFile(filepath.Join(dir, name+"-"+size+".png"), png, 0o644))
			continue
		}
		png, err := testenv.Screenshot(ctx, url, wh[0], wh[1])
		must(t, err)
		must(t, os.WriteFile(filepath.Join(dir, name+"-"+size+".png"), png, 0o644))
	}
}
