// Command checkin-load measures the whole manager under a programme's check-in (issue 19): on a local
// control plane it runs hack/shifted-manager (the manager's controllers and participant-facing server,
// on a clock six weeks ahead, so the first check-in is open) as its own process, applies a programme of
// -participants people that sends feedback.submitted events to a verifying Standard Webhooks receiver,
// and waits until it is Ready. Then everybody in a pairing opens their personal page and answers it,
// -people at the same moment, once per pairing they are in. It prints:
//
//   - the time per person (page and post) at the median and the 99th percentile, and the throughput;
//   - when the programme's status counted every answer, every pairing's health was judged, and the
//     receiver held every feedback.submitted event, from the first submission;
//   - the manager's CPU and resident memory over that time;
//   - the floor, measured on the same API server with the manager stopped: the same number of Pairing
//     status writes, each replacing status.checkIns, from as many writers. No page server can record an
//     answer with less.
//
// hack/checkin-load.sh builds the shifted manager and runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

const (
	namespace = "checkin"
	// pprofAddress is where the manager serves its profiles when -cpu-profile asks for one.
	pprofAddress = "127.0.0.1:6062"
)

// programmeKey names the measured programme.
var programmeKey = client.ObjectKey{Namespace: namespace, Name: "prog"}

func main() {
	var (
		participants, people int
		ahead                time.Duration
		manager              testenv.ManagerOptions
		profile              string
	)
	flag.IntVar(&participants, "participants", 10000, "Participants in the programme.")
	flag.IntVar(&people, "people", 16, "People submitting at the same moment.")
	flag.DurationVar(&ahead, "ahead", 6*7*24*time.Hour, "How far the shifted manager's clock runs ahead: inside the first check-in.")
	flag.StringVar(&profile, "cpu-profile", "", "Write the manager's CPU profile over the first two minutes of answers to this file (for go tool pprof).")
	manager.AddFlags(flag.CommandLine)
	flag.Parse()
	if profile != "" {
		manager.Args = append(manager.Args, "--pprof-bind-address="+pprofAddress)
	}
	if err := run(participants, people, ahead, manager, profile); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// submission is one person answering the open check-in of one of their pairings.
type submission struct {
	link, pairing string
	topics        []mentoringv1alpha1.Topic
}

func run(n, people int, ahead time.Duration, manager testenv.ManagerOptions, profile string) error {
	env, err := testenv.StartProcessEnv()
	if err != nil {
		return err
	}
	defer func() { _ = env.Stop() }()
	ctx := context.Background()
	receiver := testenv.StartWebhookReceiver()
	receiver.Ahead = ahead
	defer receiver.Close()
	feedAddr, err := testenv.FreeLoopbackAddr()
	if err != nil {
		return err
	}
	manager.Args = append(manager.Args, "--ahead="+ahead.String(), "--feed-bind-address="+feedAddr)
	logs := filepath.Join(os.TempDir(), "checkin-load-manager.log")
	mgr, err := env.StartManager(manager, logs)
	if err != nil {
		return err
	}
	defer mgr.Kill()
	if err := mgr.WaitMetrics(time.Minute); err != nil {
		return fmt.Errorf("%w (manager log: %s)", err, logs)
	}

	started := time.Now()
	if err := testenv.CreateAll(ctx, env.Client, namespace, programme(n, receiver.URL), 16); err != nil {
		return err
	}
	if err := testenv.WaitReady(ctx, env.Client, programmeKey, 30*time.Minute); err != nil {
		return fmt.Errorf("%w (manager log: %s)", err, logs)
	}
	fmt.Printf("%d participants settled in %.1f s.\n", n, time.Since(started).Seconds())
	var work []submission
	if err := waitFor(5*time.Minute, func() (bool, error) {
		var err error
		work, err = submissions(ctx, env.Client)
		return work != nil, err
	}); err != nil {
		return fmt.Errorf("not every paired participant got a personal link: %w", err)
	}
	pairings := len(work) / 2
	quiet(mgr.Pid())

	// Everybody answers, people at a time; the manager's resident memory is sampled meanwhile.
	cpuBefore := testenv.CPUSeconds(map[string]int{"manager": mgr.Pid()})
	stopSampling := sampleRSS(mgr)
	profiled := make(chan error, 1)
	if profile != "" {
		go func() { profiled <- testenv.WriteCPUProfile(pprofAddress, profile, 120) }()
	}
	first := time.Now()
	latencies, err := answerAll(work, people)
	if err != nil {
		return err
	}
	submitted := time.Since(first)
	var counted, judged, delivered time.Duration
	if err := waitFor(30*time.Minute, func() (bool, error) {
		p, err := getProgramme(ctx, env.Client)
		if err != nil || p.Status.Measurement == nil {
			return false, err
		}
		m := p.Status.Measurement
		if counted == 0 && int(m.Responses) == len(work) {
			counted = time.Since(first)
		}
		if judged == 0 && int(m.PairingsByHealth.OnTrack) == pairings {
			judged = time.Since(first)
		}
		return counted > 0 && judged > 0, nil
	}); err != nil {
		return fmt.Errorf("the programme did not count every answer: %w (manager log: %s)", err, logs)
	}
	// The pairing's outbox sends the latest state of a round, so a pairing whose two people answered
	// close together may send one event with both answers: wait for each pairing's last one.
	expected, err := lastFeedbackEvents(ctx, env.Client)
	if err != nil {
		return err
	}
	if err := waitFor(30*time.Minute, func() (bool, error) {
		received := receiver.Received()
		for _, id := range expected {
			if _, ok := received[id]; !ok {
				return false, nil
			}
		}
		delivered = time.Since(first)
		return true, nil
	}); err != nil {
		return fmt.Errorf("not every pairing's feedback.submitted event arrived: %w (manager log: %s)", err, logs)
	}
	cpu := testenv.CPUSeconds(map[string]int{"manager": mgr.Pid()})
	phasePeak := stopSampling()
	_, overallPeak, _ := mgr.RSS()
	fmt.Printf("%d submissions (%d pairings), %d people at a time: sent in %s (%.0f a second)\n",
		len(work), pairings, people, submitted.Round(100*time.Millisecond), float64(len(work))/submitted.Seconds())
	fmt.Printf("  time per person (page and post): p50 %s, p99 %s\n", testenv.Quantile(latencies, 0.5), testenv.Quantile(latencies, 0.99))
	if profile != "" {
		if err := <-profiled; err != nil {
			return err
		}
	}
	stats := receiver.Stats()
	fmt.Printf("  from the first submission: every answer counted in the programme's status after %s, every pairing judged after %s, every pairing's last feedback.submitted event received after %s (%d events, %d duplicates)\n",
		counted.Round(100*time.Millisecond), judged.Round(100*time.Millisecond), delivered.Round(100*time.Millisecond), stats.Distinct, stats.Duplicates)
	// Only the manager's: testenv.CPUSeconds finds kube-apiserver and etcd by name, and another
	// control plane on the machine would be counted instead.
	fmt.Printf("  manager CPU over that time: %.1f s (%.1f ms a submission)\n",
		cpu["manager"]-cpuBefore["manager"], 1000*(cpu["manager"]-cpuBefore["manager"])/float64(len(work)))
	fmt.Printf("  manager resident memory: peak %d MiB while answers came in, %d MiB over the whole run (with the rollout)\n",
		phasePeak>>20, overallPeak>>20)

	mgr.Stop()
	floor, err := statusFloor(ctx, env.Client, work, people)
	if err != nil {
		return err
	}
	fmt.Printf("  floor, with the manager stopped: %d Pairing status writes from %d writers in %s (%.0f a second): the operator took %.1f× as long to count every answer\n",
		len(work), people, floor.Round(100*time.Millisecond), float64(len(work))/floor.Seconds(), counted.Seconds()/floor.Seconds())
	return nil
}

// programme is the measured programme, its webhook's Secret and its n participants.
func programme(n int, receiverURL string) []client.Object {
	today := time.Now().UTC()
	date := func(t time.Time) mentoringv1alpha1.Date { return mentoringv1alpha1.Date(t.Format(time.DateOnly)) }
	p := testenv.PopulationProgramme("prog", mentoringv1alpha1.ProgrammeSchedule{
		Start: date(today), EnrolmentDeadline: date(today.AddDate(0, 0, 60)), End: date(today.AddDate(0, 0, 182)), TimeZone: "UTC"})
	p.Spec.Measurement = &mentoringv1alpha1.Measurement{}
	p.Spec.Integrations = &mentoringv1alpha1.Integrations{Webhooks: []mentoringv1alpha1.Webhook{{
		Name: "hr", Format: mentoringv1alpha1.WebhookStandard, Events: []mentoringv1alpha1.EventType{mentoringv1alpha1.EventFeedbackSubmitted},
		URLSecretRef:     mentoringv1alpha1.SecretKeyReference{Name: "hr", Key: "url"},
		SigningSecretRef: &mentoringv1alpha1.SecretKeyReference{Name: "hr", Key: "secret"},
	}}}
	objects := []client.Object{p, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "hr"},
		StringData: map[string]string{"url": receiverURL, "secret": testenv.WebhookSecret}}}
	people := testenv.Population("prog", n)
	for i := range people {
		objects = append(objects, &people[i])
	}
	return objects
}

// submissions lists, for every active pairing, its mentor's and its mentee's answer; none until every
// paired participant's personal link is in place.
func submissions(ctx context.Context, c client.Client) ([]submission, error) {
	var (
		participants mentoringv1alpha1.ParticipantList
		pairings     mentoringv1alpha1.PairingList
		secrets      corev1.SecretList
	)
	for _, list := range []client.ObjectList{&participants, &pairings, &secrets} {
		if err := c.List(ctx, list, client.InNamespace(namespace)); err != nil {
			return nil, err
		}
	}
	urls := map[string]string{}
	for _, secret := range secrets.Items {
		urls[secret.Name] = string(secret.Data["url"])
	}
	links := map[string]string{}
	for _, p := range participants.Items {
		if p.Status.PersonalLink != nil {
			links[p.Name] = urls[p.Status.PersonalLink.SecretRef.Name]
		}
	}
	var work []submission
	for _, p := range testenv.ActivePairings(pairings.Items) {
		for _, person := range []string{p.Spec.MentorRef.Name, p.Spec.MenteeRef.Name} {
			if links[person] == "" {
				return nil, nil
			}
			work = append(work, submission{link: links[person], pairing: p.Name, topics: p.Spec.Topics})
		}
	}
	return work, nil
}

// answerAll makes every submission, people at a time, and returns how long each took.
func answerAll(work []submission, people int) ([]time.Duration, error) {
	var (
		mu        sync.Mutex
		latencies []time.Duration
	)
	err := testenv.Parallel(people, work, func(s submission) error {
		start := time.Now()
		if err := submit(s); err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		latencies = append(latencies, time.Since(start))
		return nil
	})
	return latencies, err
}

// formPattern finds each form on a personal page: its action (which names the pairing and the round)
// and its token.
var formPattern = regexp.MustCompile(`(?s)action="([^"]+)".*?name="form" value="([^"]+)"`)

// submit opens the person's page, finds the pairing's open form and posts the answers, as a browser
// would: a same-origin form post.
func submit(s submission) error {
	resp, err := http.Get(s.link)
	if err != nil {
		return err
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the page answered %d: %v", resp.StatusCode, err)
	}
	var form [][]byte
	for _, f := range formPattern.FindAllSubmatch(page, -1) {
		if strings.Contains(string(f[1]), "/"+s.pairing+"/") {
			form = f
		}
	}
	if form == nil {
		return fmt.Errorf("the page has no open form for pairing %s", s.pairing)
	}
	values := url.Values{"form": {string(form[2])}, "q-meetings": {"3"}, "q-usefulness": {"4"}}
	for _, t := range s.topics {
		values.Set("t-"+string(t), "4")
	}
	target, err := url.Parse(s.link)
	if err != nil {
		return err
	}
	target.Path = string(form[1])
	req, err := http.NewRequest(http.MethodPost, target.String(), strings.NewReader(values.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err = noRedirects.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("the post for pairing %s answered %d", s.pairing, resp.StatusCode)
	}
	return nil
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// statusFloor writes, for every submission, its pairing's status.checkIns with one answer more, from
// writers at a time, and returns how long that took.
func statusFloor(ctx context.Context, c client.Client, work []submission, writers int) (time.Duration, error) {
	var mu sync.Mutex
	written := map[string]int{}
	start := time.Now()
	err := testenv.Parallel(writers, work, func(s submission) error {
		mu.Lock()
		written[s.pairing]++
		role := mentoringv1alpha1.RoleMentor
		if written[s.pairing] == 2 {
			role = mentoringv1alpha1.RoleMentee
		}
		mu.Unlock()
		p := &mentoringv1alpha1.Pairing{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: s.pairing}}
		p.Status.CheckIns = []mentoringv1alpha1.CheckIn{{Round: "checkin-1", Role: role, SubmittedTime: metav1.Now(),
			Meetings: ptr(3), Usefulness: ptr(4)}}
		return c.Status().Patch(ctx, p, client.Merge)
	})
	return time.Since(start), err
}

// lastFeedbackEvents are the ids of the feedback.submitted events of every pairing's answers as its
// status holds them.
func lastFeedbackEvents(ctx context.Context, c client.Client) ([]string, error) {
	var pairings mentoringv1alpha1.PairingList
	if err := c.List(ctx, &pairings, client.InNamespace(namespace)); err != nil {
		return nil, err
	}
	var ids []string
	for i := range pairings.Items {
		p := &pairings.Items[i]
		if len(p.Status.CheckIns) > 0 {
			ids = append(ids, planner.FeedbackEvent(p, p.Status.CheckIns[0].Round, nil).ID)
		}
	}
	return ids, nil
}

func ptr(v int32) *int32 { return &v }

func getProgramme(ctx context.Context, c client.Client) (*mentoringv1alpha1.Programme, error) {
	p := &mentoringv1alpha1.Programme{}
	return p, c.Get(ctx, programmeKey, p)
}

// waitFor polls done every 250 ms until it is true, fails, or timeout passes.
func waitFor(timeout time.Duration, done func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	for {
		ok, err := done()
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("gave up after %s", timeout)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// quiet waits, for five minutes at most, until the manager used less than a tenth of a core over five
// seconds: the rollout's work is done before the answers start.
func quiet(pid int) {
	for range 60 {
		before := testenv.CPUSeconds(map[string]int{"manager": pid})["manager"]
		time.Sleep(5 * time.Second)
		if testenv.CPUSeconds(map[string]int{"manager": pid})["manager"]-before < 0.5 {
			return
		}
	}
}

// sampleRSS samples the manager's resident memory every 200 ms until stop, which returns the largest
// sample.
func sampleRSS(mgr *testenv.ManagerProcess) (stop func() int64) {
	var (
		mu      sync.Mutex
		largest int64
	)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			if now, _, err := mgr.RSS(); err == nil {
				mu.Lock()
				largest = max(largest, now)
				mu.Unlock()
			}
			select {
			case <-done:
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	return func() int64 {
		close(done)
		<-finished
		mu.Lock()
		defer mu.Unlock()
		return largest
	}
}
