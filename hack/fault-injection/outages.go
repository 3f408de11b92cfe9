package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// outage is a settled programme of c.outageParticipants on a control plane of its own, with one
// manager that is never restarted.
type outage struct {
	env *testenv.ProcessEnv
	d   *deployment
	mgr *testenv.ManagerProcess
}

func startOutage(ctx context.Context, c config, work, name string, dav *testenv.Radicale, r *report) (*outage, func(), error) {
	env, err := controlPlane(work, name)
	if err != nil {
		return nil, nil, err
	}
	d, err := newDeployment(ctx, env.Client, dav, name, c.outageParticipants)
	if err != nil {
		_ = env.Stop()
		return nil, nil, err
	}
	mgr, err := startManager(c, env, name)
	if err != nil {
		d.hooks.Close()
		_ = env.Stop()
		return nil, nil, err
	}
	stop := func() {
		mgr.Stop()
		d.hooks.Close()
		_ = env.Stop()
	}
	started := time.Now()
	if _, err := d.waitSettled(ctx, c.timeout, r); err != nil {
		stop()
		return nil, nil, err
	}
	fmt.Printf("Programme of %d participants settled after %s.\n", c.outageParticipants, time.Since(started).Round(100*time.Millisecond))
	return &outage{env: env, d: d, mgr: mgr}, stop, nil
}

// patchProgramme changes the programme's spec.
func (d *deployment) patchProgramme(ctx context.Context, change func(*mentoringv1alpha1.Programme)) error {
	p := &mentoringv1alpha1.Programme{}
	if err := d.c.Get(ctx, client.ObjectKey{Namespace: d.ns, Name: programmeName}, p); err != nil {
		return err
	}
	patch := client.MergeFrom(p.DeepCopy())
	change(p)
	return d.c.Patch(ctx, p, patch)
}

// meetingsWith is a condition for settleAfter: the calendar series of every active pairing contains
// each of the texts.
func meetingsWith(texts ...string) func(*state) string {
	return func(s *state) string {
		n := 0
		for _, p := range s.active() {
			content := strings.ReplaceAll(s.content[eventUID(&p)], "\r\n", "\n")
			for _, text := range texts {
				if !strings.Contains(content, text) {
					n++
					break
				}
			}
		}
		if n > 0 {
			return fmt.Sprintf("%d series lack %v", n, texts)
		}
		return ""
	}
}

// settleAfter waits until the deployment settled after an outage ended, and until says the change
// made during the outage is everywhere (it returns what is missing, or ""), and records the row.
func (o *outage) settleAfter(ctx context.Context, c config, r *report, scenario string, ended time.Time, tl *timeline, until func(*state) string) (*state, error) {
	why := ""
	delivered := time.Duration(-1)
	for {
		tl.sample(ctx, o.d, "after")
		s, err := o.d.read(ctx)
		if err == nil && delivered < 0 && !slices.ContainsFunc(s.records(), func(n mentoringv1alpha1.Notification) bool {
			return n.State == mentoringv1alpha1.DeliveryPending
		}) {
			delivered = time.Since(ended)
			r.note("%s: %s after the outage ended no delivery was pending any more in any object.", scenario, delivered.Round(100*time.Millisecond))
		}
		if err == nil {
			var done bool
			if done, why = s.settled(); done && until != nil {
				why = until(s)
				done = why == ""
			}
			if !done {
				o.d.watchStale(ctx, s, r)
			}
			if done {
				took := time.Since(ended)
				v := o.d.verify(s)
				r.add(row{scenario: scenario, settled: took, v: v})
				fmt.Println("What the conditions said (programme, then active pairings by condition reason):")
				fmt.Println(strings.Join(tl.lines, "\n"))
				if o.mgr.Starts != 1 || !o.mgr.Running() {
					r.fail("%s: the manager exited or was restarted", scenario)
				}
				return s, nil
			}
		}
		if time.Since(ended) > c.timeout {
			fmt.Println(strings.Join(tl.lines, "\n"))
			return nil, fmt.Errorf("not settled %s after the outage ended: %s", c.timeout, why)
		}
		time.Sleep(2 * time.Second)
	}
}

// runCalDAVOutage takes the CalDAV server down, changes the cadence so that every series must be
// rewritten, keeps the server down for c.caldavOutage and brings it back.
func runCalDAVOutage(ctx context.Context, c config, work string, dav *testenv.Radicale, r *report) error {
	o, stop, err := startOutage(ctx, c, work, "caldav-outage", dav, r)
	if err != nil {
		return err
	}
	defer stop()
	tl := newTimeline()
	dav.Stop()
	if err := o.d.patchProgramme(ctx, func(p *mentoringv1alpha1.Programme) { p.Spec.Meetings.Cadence = mentoringv1alpha1.CadenceWeekly }); err != nil {
		_ = dav.Start()
		return err
	}
	fmt.Printf("CalDAV server down for %s; the cadence changed to Weekly.\n", c.caldavOutage)
	tl.sampleFor(ctx, o.d, "down", c.caldavOutage, 2*time.Second)
	if err := dav.Start(); err != nil {
		return err
	}
	back := time.Now()
	if _, err := o.settleAfter(ctx, c, r, fmt.Sprintf("CalDAV down %s", c.caldavOutage), back, tl, meetingsWith("INTERVAL=1")); err != nil {
		return err
	}
	if !tl.saw("IntegrationsReady=False/Unreachable", "CalendarSynced=Unreachable") {
		r.fail("caldav: the conditions never said the calendar was unreachable")
	}
	r.note("caldav: server down %s; every pairing reported CalendarSynced=False/Unreachable and the programme IntegrationsReady=False/Unreachable (Reconciling) while it was down; %s after it came back every series had the new cadence.",
		c.caldavOutage, time.Since(back).Round(100*time.Millisecond))
	return nil
}

// runWebhookOutage makes the receiver answer 500 for c.webhookFailing, then hang for c.webhookHanging,
// while five mentors pause: their pairings end and their mentees are matched again, which makes
// events to deliver. Then the receiver accepts again.
func runWebhookOutage(ctx context.Context, c config, work string, dav *testenv.Radicale, r *report) error {
	o, stop, err := startOutage(ctx, c, work, "webhook-outage", dav, r)
	if err != nil {
		return err
	}
	defer stop()
	s, err := o.d.read(ctx)
	if err != nil {
		return err
	}
	var mentors []string
	for _, p := range s.active() {
		if !slices.Contains(mentors, p.Spec.MentorRef.Name) {
			mentors = append(mentors, p.Spec.MentorRef.Name)
		}
	}
	slices.Sort(mentors)
	mentors = mentors[:min(5, len(mentors))]
	tl := newTimeline()
	o.d.hooks.Answer(testenv.WebhookFail, http.StatusInternalServerError)
	for _, name := range mentors {
		p := &mentoringv1alpha1.Participant{}
		if err := o.d.c.Get(ctx, client.ObjectKey{Namespace: o.d.ns, Name: name}, p); err != nil {
			return err
		}
		patch := client.MergeFrom(p.DeepCopy())
		p.Spec.Paused = true
		if err := o.d.c.Patch(ctx, p, patch); err != nil {
			return err
		}
	}
	fmt.Printf("Receiver answers 500 for %s, then hangs for %s; mentors %v paused.\n", c.webhookFailing, c.webhookHanging, mentors)
	tl.sampleFor(ctx, o.d, "500", c.webhookFailing, 2*time.Second)
	o.d.hooks.Answer(testenv.WebhookHang, 0)
	tl.sampleFor(ctx, o.d, "hanging", c.webhookHanging, 2*time.Second)
	o.d.hooks.Answer(testenv.WebhookAccept, 0)
	back := time.Now()
	scenario := fmt.Sprintf("webhook 500 %s, hang %s", c.webhookFailing, c.webhookHanging)
	s, err = o.settleAfter(ctx, c, r, scenario, back, tl, nil)
	if err != nil {
		return err
	}
	stats := o.d.hooks.Stats()
	if !tl.saw(`lastFailure="HTTP 500"`) {
		r.fail("webhook: the programme never reported HTTP 500")
	}
	if !tl.saw(`lastFailure="timeout"`) {
		r.fail("webhook: the programme never reported a timeout while the receiver hung")
	}
	if !tl.saw("IntegrationsReady=False/DeliveryPending") {
		r.fail("webhook: IntegrationsReady never said deliveries were pending")
	}
	ended := 0
	for _, p := range s.pairings {
		if p.Status.Ended != nil {
			ended++
		}
	}
	r.note("webhook: %d mentors paused (%d pairings ended); %d requests answered 500 and %d hung until the operator timed out; the conditions said HTTP 500, then timeout; %s after the receiver answered again every event was delivered (%d distinct, %d duplicate deliveries).",
		len(mentors), ended, stats.Failed, stats.Hung, time.Since(back).Round(100*time.Millisecond), stats.Distinct, stats.Duplicates)
	return nil
}

// runAPIServerOutage changes the cadence so that every series and event must be written again, and a
// second later stops kube-apiserver for c.apiserverOutage, keeping etcd. The manager runs throughout.
func runAPIServerOutage(ctx context.Context, c config, work string, dav *testenv.Radicale, r *report) error {
	o, stop, err := startOutage(ctx, c, work, "apiserver-outage", dav, r)
	if err != nil {
		return err
	}
	defer stop()
	tl := newTimeline()
	if err := o.d.patchProgramme(ctx, func(p *mentoringv1alpha1.Programme) {
		p.Spec.Meetings.Cadence = mentoringv1alpha1.CadenceMonthly
		p.Spec.Meetings.DurationMinutes = 45
	}); err != nil {
		return err
	}
	tl.sampleFor(ctx, o.d, "change", time.Second, 500*time.Millisecond)
	before, err := o.mgr.Metrics()
	if err != nil {
		return err
	}
	if err := o.env.StopAPIServer(); err != nil {
		return err
	}
	fmt.Printf("kube-apiserver down for %s (etcd keeps running); the cadence changed to Monthly a second before.\n", c.apiserverOutage)
	tl.sampleFor(ctx, o.d, "down", c.apiserverOutage, 5*time.Second)
	during, err := o.mgr.Metrics()
	if err != nil {
		return fmt.Errorf("the manager's metrics while the API server was down: %w", err)
	}
	if err := o.env.StartAPIServer(); err != nil {
		return err
	}
	back := time.Now()
	s, err := o.settleAfter(ctx, c, r, fmt.Sprintf("kube-apiserver down %s", c.apiserverOutage), back, tl,
		meetingsWith("INTERVAL=4", "DURATION:PT45M"))
	if err != nil {
		return err
	}
	errs := during.Total("controller_runtime_reconcile_errors_total") - before.Total("controller_runtime_reconcile_errors_total")
	p := s.programme
	r.note("apiserver: down %s with work in flight; the manager kept running (%d reconcile errors while down, nothing can be written to status then) and %s after the API server came back everything was written with the new cadence; programme %s.",
		c.apiserverOutage, int(errs), time.Since(back).Round(100*time.Millisecond), conditionLine(p.Status.Conditions))
	return nil
}

func conditionLine(conditions []metav1.Condition) string {
	var parts []string
	for _, t := range []string{"Ready", "IntegrationsReady", "Matched"} {
		if c := meta.FindStatusCondition(conditions, t); c != nil {
			parts = append(parts, fmt.Sprintf("%s=%s/%s", t, c.Status, c.Reason))
		}
	}
	return strings.Join(parts, " ")
}
