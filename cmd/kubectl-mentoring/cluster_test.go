package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// newNamespace creates a namespace for one test.
func newNamespace(t *testing.T, env *testenv.Env) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "kubectl-mentoring-"}}
	if err := env.Client.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return ns.Name
}

// at is a fixed time of the tests, in January 2027.
func at(day, hour int) *metav1.Time {
	t := metav1.NewTime(time.Date(2027, 1, day, hour, 0, 0, 0, time.UTC))
	return &t
}

func condition(kind, reason string, status metav1.ConditionStatus) metav1.Condition {
	return metav1.Condition{Type: kind, Status: status, Reason: reason, LastTransitionTime: *at(4, 9),
		Message: fmt.Sprintf("The object is %s.", reason)}
}

// createPairing creates a pairing and then writes its status through the status subresource.
func createPairing(t *testing.T, env *testenv.Env, namespace, name, programme string, status mentoringv1alpha1.PairingStatus) {
	t.Helper()
	ctx := context.Background()
	p := &mentoringv1alpha1.Pairing{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: map[string]string{mentoringv1alpha1.ProgrammeLabel: programme}},
		Spec: mentoringv1alpha1.PairingSpec{ProgrammeRef: mentoringv1alpha1.LocalObjectReference{Name: programme},
			MentorRef: mentoringv1alpha1.LocalObjectReference{Name: "mentor-" + name},
			MenteeRef: mentoringv1alpha1.LocalObjectReference{Name: "mentee-" + name},
			Topics:    []mentoringv1alpha1.Topic{"ai"}},
	}
	if err := env.Client.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	p.Status = status
	if err := env.Client.Status().Update(ctx, p); err != nil {
		t.Fatal(err)
	}
}

func meeting(next *metav1.Time) *mentoringv1alpha1.MeetingStatus {
	return &mentoringv1alpha1.MeetingStatus{Weekday: mentoringv1alpha1.Tuesday, Start: "10:00", TimeZone: "Europe/London",
		DurationMinutes: 45, RecurrenceRule: "FREQ=WEEKLY;INTERVAL=2", NextMeeting: next}
}

func TestStatus(t *testing.T) {
	env, kubeconfig := cluster(t)
	ctx := context.Background()
	namespace := newNamespace(t, env)
	programme, _ := sampleParticipants(t)
	programme.Namespace = namespace
	if err := env.Client.Create(ctx, programme); err != nil {
		t.Fatal(err)
	}
	programme.Status = mentoringv1alpha1.ProgrammeStatus{
		ObservedGeneration: programme.Generation,
		Conditions: []metav1.Condition{condition(mentoringv1alpha1.ReadyCondition, mentoringv1alpha1.ReasonEnrolling, metav1.ConditionTrue),
			condition(mentoringv1alpha1.MatchedCondition, mentoringv1alpha1.ReasonSucceeded, metav1.ConditionTrue)},
		Participants: 20, Mentors: 9, Mentees: 11, Pairings: 12, Unmatched: 1,
		MatchRatePercent: 91, AverageScore: 84, TopicCoveragePercent: 82, LastMatchTime: at(4, 9),
		UnmatchedParticipants: []mentoringv1alpha1.UnmatchedParticipant{{Name: "victor", Reason: "NoSharedTopic"}, {Name: "ishaan", Reason: "CounterpartsTaken"}},
		Webhooks: []mentoringv1alpha1.WebhookStatus{
			{Name: "teams", LastSuccessTime: at(4, 10)},
			{Name: "slack", Pending: 2, LastSuccessTime: at(4, 9), LastFailureTime: at(4, 11), LastFailure: "HTTP 503"},
			{Name: "legacy", Disabled: true, LastFailureTime: at(3, 9), LastFailure: "HTTP 410"},
		},
	}
	if err := env.Client.Status().Update(ctx, programme); err != nil {
		t.Fatal(err)
	}
	// Twelve pairings whose meetings come in an order unlike their names, two awaiting approval; an
	// ended pairing and another programme's pairing with earlier meetings that status must not show.
	days := []int{20, 12, 25, 8, 17, 30, 9, 22, 14, 27, 11, 19}
	for i, day := range days {
		stage := mentoringv1alpha1.ReasonActive
		if i >= 10 {
			stage = mentoringv1alpha1.ReasonAwaitingApproval
		}
		createPairing(t, env, namespace, fmt.Sprintf("digital-leaders-%02d", i), programme.Name, mentoringv1alpha1.PairingStatus{
			Conditions: []metav1.Condition{condition(mentoringv1alpha1.ReadyCondition, stage, metav1.ConditionTrue)},
			Meeting:    meeting(at(day, 10)),
		})
	}
	createPairing(t, env, namespace, "digital-leaders-ended", programme.Name, mentoringv1alpha1.PairingStatus{
		Conditions: []metav1.Condition{condition(mentoringv1alpha1.ReadyCondition, mentoringv1alpha1.ReasonEnded, metav1.ConditionTrue)},
		Ended:      &mentoringv1alpha1.PairingEnd{Time: *at(5, 9), Reason: mentoringv1alpha1.EndParticipantLeft},
		Meeting:    meeting(at(6, 10)),
	})
	createPairing(t, env, namespace, "elsewhere-00", "elsewhere", mentoringv1alpha1.PairingStatus{Meeting: meeting(at(5, 10))})

	out := mustRun(t, "status", programme.Name, "-n", namespace, "--kubeconfig", kubeconfig)
	for _, want := range []string{
		"Name:                digital-leaders\n",
		"Namespace:           " + namespace + "\n",
		"Stage:               Enrolling (Ready=True)\n",
		"Participants:        20 (9 mentors, 11 mentees)\n",
		"Pairings:            12 active (Active 10, AwaitingApproval 2, Ended 1)\n",
		"Unmatched mentees:   1\n",
		"Match rate:          91%\n",
		"Topic coverage:      82%\n",
		"Average score:       84\n",
		"Last match:          Mon 2027-01-04 09:00 UTC\n",
		"  Ready     True     Enrolling   The object is Enrolling.\n",
		"  victor   NoSharedTopic\n",
		"  ishaan   CounterpartsTaken\n",
		"  teams    Healthy               0         Mon 2027-01-04 10:00 UTC   <none>\n",
		"  slack    Failing               2         Mon 2027-01-04 09:00 UTC   Mon 2027-01-04 11:00 UTC (HTTP 503)\n",
		"  legacy   Disabled (410 Gone)   0         <none>                     Sun 2027-01-03 09:00 UTC (HTTP 410)\n",
		"  ... and 2 more\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	// The next ten meetings, soonest first, of this programme's pairings that have not ended.
	var want []string
	sorted := slices.Clone(days)
	slices.Sort(sorted)
	for _, day := range sorted[:10] {
		want = append(want, fmt.Sprintf("digital-leaders-%02d", slices.Index(days, day)))
	}
	section := out[strings.Index(out, "Upcoming meetings:"):strings.Index(out, "Webhook deliveries:")]
	var got []string
	for _, row := range lines(section)[2:] {
		if fields := strings.Fields(row); len(fields) == 7 {
			got = append(got, fields[4])
			if fields[5] != "mentor-"+fields[4] || fields[6] != "mentee-"+fields[4] {
				t.Errorf("meeting row %q names the wrong people", row)
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("upcoming meetings %q, want %q:\n%s", got, want, section)
	}

	if r := kubectlMentoring(t, "", "status", "missing", "-n", namespace, "--kubeconfig", kubeconfig); r.code == 0 || !strings.Contains(r.stderr, `"missing" not found`) {
		t.Errorf("status of a missing programme: exit %d, %q", r.code, r.stderr)
	}
}

func TestApprove(t *testing.T) {
	env, kubeconfig := cluster(t)
	ctx := context.Background()
	namespace := newNamespace(t, env)
	scored := mentoringv1alpha1.PairingStatus{Score: new(int32(80)), Conditions: []metav1.Condition{
		condition(mentoringv1alpha1.ReadyCondition, mentoringv1alpha1.ReasonAwaitingApproval, metav1.ConditionFalse)}}
	for _, name := range []string{"a1", "a2", "a3"} {
		createPairing(t, env, namespace, name, "alpha", scored)
	}
	createPairing(t, env, namespace, "b1", "beta", scored)
	createPairing(t, env, namespace, "a4", "alpha", mentoringv1alpha1.PairingStatus{
		Ended: &mentoringv1alpha1.PairingEnd{Time: *at(5, 9), Reason: mentoringv1alpha1.EndParticipantPaused}})
	flags := []string{"-n", namespace, "--kubeconfig", kubeconfig}
	get := func(name string) *mentoringv1alpha1.Pairing {
		t.Helper()
		var p mentoringv1alpha1.Pairing
		if err := env.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, &p); err != nil {
			t.Fatal(err)
		}
		return &p
	}
	approved := func() []string {
		var names []string
		for _, name := range []string{"a1", "a2", "a3", "a4", "b1"} {
			if get(name).Spec.Approved {
				names = append(names, name)
			}
		}
		return names
	}

	// Completion offers what approve would change.
	completion := mustRun(t, append(append([]string{"__complete", "approve", "--programme", "alpha"}, flags...), "")...)
	if want := "a1\na2\na3\n:4\n"; !strings.HasPrefix(completion, want) {
		t.Errorf("completion of approve: %q, want %q", completion, want)
	}

	before := get("a1")
	out := mustRun(t, append([]string{"approve", "a1"}, flags...)...)
	if want := "pairing/a1 approved: mentor-a1 mentors mentee-a1 in programme alpha\n"; out != want {
		t.Errorf("approve a1 printed %q, want %q", out, want)
	}
	after := get("a1")
	if !after.Spec.Approved || !slices.Equal(approved(), []string{"a1"}) {
		t.Fatalf("approved pairings: %q, want a1", approved())
	}
	after.Spec.Approved = false
	if !equality.Semantic.DeepEqual(before.Spec, after.Spec) || !equality.Semantic.DeepEqual(before.Status, after.Status) ||
		!equality.Semantic.DeepEqual(before.Labels, after.Labels) {
		t.Errorf("approve changed more than spec.approved:\n%+v\n%+v", before, after)
	}
	if !slices.ContainsFunc(after.ManagedFields, func(m metav1.ManagedFieldsEntry) bool { return m.Manager == fieldOwner }) {
		t.Errorf("no managed fields of %s: %+v", fieldOwner, after.ManagedFields)
	}
	if out := mustRun(t, append([]string{"approve", "a1"}, flags...)...); out != "pairing/a1 unchanged: already approved\n" {
		t.Errorf("approving again printed %q", out)
	}

	out = mustRun(t, append([]string{"approve", "--all", "--programme", "alpha"}, flags...)...)
	if want := "pairing/a2 approved: mentor-a2 mentors mentee-a2 in programme alpha\npairing/a3 approved: mentor-a3 mentors mentee-a3 in programme alpha\n"; out != want {
		t.Errorf("approve --all --programme alpha printed %q, want %q", out, want)
	}
	if !slices.Equal(approved(), []string{"a1", "a2", "a3"}) {
		t.Errorf("approved pairings: %q, want a1, a2 and a3", approved())
	}
	mustRun(t, append([]string{"approve", "--all"}, flags...)...)
	if !slices.Equal(approved(), []string{"a1", "a2", "a3", "b1"}) {
		t.Errorf("approved pairings: %q, want all but the ended a4", approved())
	}

	for _, args := range [][]string{{"approve"}, {"approve", "a1", "--all"}, {"approve", "a4"}, {"approve", "missing"}, {"approve", "b1", "--programme", "alpha"}} {
		if r := kubectlMentoring(t, "", append(args, flags...)...); r.code == 0 || r.stderr == "" {
			t.Errorf("%q: exit %d, stderr %q; want an error", args, r.code, r.stderr)
		}
	}
}

func TestCompletion(t *testing.T) {
	bash := mustRun(t, "completion", "bash")
	for _, want := range []string{"# bash completion V2 for kubectl-mentoring", "__start_kubectl-mentoring", "__complete"} {
		if !strings.Contains(bash, want) {
			t.Errorf("bash completion lacks %q", want)
		}
	}
	for _, shell := range []string{"zsh", "fish", "powershell"} {
		if out := mustRun(t, "completion", shell); !strings.Contains(out, "kubectl-mentoring") {
			t.Errorf("%s completion does not name the plugin", shell)
		}
	}
	if out := mustRun(t, "__complete", "plan", "-o", ""); !strings.HasPrefix(out, "table\nwide\njson\nyaml\n:4\n") {
		t.Errorf("completion of -o: %q", out)
	}

	env, kubeconfig := cluster(t)
	namespace := newNamespace(t, env)
	for _, name := range []string{"inclusion", "digital"} {
		programme, _ := sampleParticipants(t)
		programme.Name, programme.Namespace = name, namespace
		if err := env.Client.Create(context.Background(), programme); err != nil {
			t.Fatal(err)
		}
	}
	if out := mustRun(t, "__complete", "status", "-n", namespace, "--kubeconfig", kubeconfig, ""); !strings.HasPrefix(out, "digital\ninclusion\n:4\n") {
		t.Errorf("completion of status: %q", out)
	}
}
