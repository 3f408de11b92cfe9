package charts

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/testenv"
)

// operatorUser is the chart's ServiceAccount as the API server names it.
const operatorUser = "system:serviceaccount:" + namespace + ":" + release

// TestChartInstallsOnAControlPlane installs the chart as a platform team would: into a namespace that
// enforces the restricted Pod Security Standard, on a control plane with kube-controller-manager, whose
// ReplicaSet controller must get the manager's pods admitted and whose aggregation controller must add
// the mentoring roles to view and edit. Then it runs the manager with the Deployment's flags and a token
// of the chart's ServiceAccount through a programme with calendar feeds and manual approval: nothing may
// be forbidden, a user bound to view lists programmes but cannot read feed Secrets, and one bound to edit
// approves a pairing. Last, with watchNamespaces the ClusterRole is gone and the manager serves only the
// watched namespace, unable to read a Secret elsewhere.
func TestChartInstallsOnAControlPlane(t *testing.T) {
	ctrllog.SetLogger(logr.Discard())
	g := NewWithT(t)
	g.SetDefaultEventuallyTimeout(2 * time.Minute)
	g.SetDefaultEventuallyPollingInterval(250 * time.Millisecond)
	dir := t.TempDir()
	cluster, err := testenv.StartCluster(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cluster.Stop() })
	admin := cluster.Client
	ctx := context.Background()

	create(t, admin, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace, Labels: map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest"}}})
	if out, err := helm(t, "install", release, chart, "--namespace", namespace, "--kubeconfig", cluster.KubeconfigFile); err != nil {
		t.Fatalf("helm install: %v\n%s", err, out)
	}

	// The ReplicaSet controller makes the manager's pod, and Pod Security admits it.
	var deployment appsv1.Deployment
	g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: namespace, Name: release}, &deployment)).To(Succeed())
	g.Eventually(func(g Gomega) {
		var pods corev1.PodList
		g.Expect(admin.List(ctx, &pods, client.InNamespace(namespace), client.MatchingLabels(deployment.Spec.Selector.MatchLabels))).To(Succeed())
		g.Expect(pods.Items).To(HaveLen(1), "the Deployment's pod; ReplicaSets: %s", replicaSetFailures(ctx, admin))
		g.Expect(pods.Items[0].Spec.ServiceAccountName).To(Equal(release))
	}).Should(Succeed())
	// Admission is really enforced: a pod that may run as root is refused.
	rootPod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "root", Namespace: namespace},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "scratch"}}}}
	if err := admin.Create(ctx, rootPod); !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "restricted") {
		t.Errorf("a pod that violates the restricted standard: err = %v, want it refused by Pod Security", err)
	}

	// The manager, with the Deployment's flags and the ServiceAccount's token, runs a programme.
	token := serviceAccountToken(t, cluster)
	binary, err := testenv.BuildManager(dir)
	if err != nil {
		t.Fatal(err)
	}
	manager := startManager(t, binary, managerArgs(t, &deployment), kubeconfigWithToken(t, cluster.Config, token))
	ns := "mentoring"
	create(t, admin, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	prog, people := programme("digital", true)
	create(t, admin, append([]client.Object{prog}, people...)...)
	var pending mentoringv1alpha1.Pairing
	g.Eventually(func(g Gomega) {
		expectReady(g, admin, ns, "digital")
		var pairings mentoringv1alpha1.PairingList
		g.Expect(admin.List(ctx, &pairings, client.InNamespace(ns))).To(Succeed())
		g.Expect(pairings.Items).NotTo(BeEmpty())
		pending = pairings.Items[0]
		g.Expect(meta.FindStatusCondition(pending.Status.Conditions, "Ready")).To(HaveField("Reason", mentoringv1alpha1.ReasonAwaitingApproval))
		g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: ns, Name: pending.Spec.MenteeRef.Name + "-calendar-feed"}, &corev1.Secret{})).To(Succeed())
	}).Should(Succeed())

	// People: view lists programmes but reads no feed Secret; edit approves a pairing.
	create(t, admin, binding(ns, "viewer", "view"), binding(ns, "editor", "edit"))
	viewer, editor := impersonating(t, cluster.Config, "viewer"), impersonating(t, cluster.Config, "editor")
	g.Eventually(func(g Gomega) {
		var programmes mentoringv1alpha1.ProgrammeList
		g.Expect(viewer.List(ctx, &programmes, client.InNamespace(ns))).To(Succeed(), "the aggregation controller adds mentoring-viewer to view")
		g.Expect(programmes.Items).To(HaveLen(1))
	}).Should(Succeed())
	err = viewer.Get(ctx, client.ObjectKey{Namespace: ns, Name: pending.Spec.MenteeRef.Name + "-calendar-feed"}, &corev1.Secret{})
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "a viewer reads a feed Secret: %v", err)
	g.Eventually(func(g Gomega) {
		approved := pending.DeepCopy()
		approved.Spec.Approved = true
		g.Expect(editor.Patch(ctx, approved, client.MergeFrom(&pending))).To(Succeed(), "the aggregation controller adds mentoring-editor to edit")
	}).Should(Succeed())
	g.Eventually(func(g Gomega) {
		var p mentoringv1alpha1.Pairing
		g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(&pending), &p)).To(Succeed())
		g.Expect(meta.FindStatusCondition(p.Status.Conditions, "Ready")).To(HaveField("Reason", mentoringv1alpha1.ReasonActive))
	}).Should(Succeed())
	manager.stop(t)
	expectNothingForbidden(t, cluster)

	// watchNamespaces: Roles in the watched namespace instead of the ClusterRole.
	watched := "hr-pilot"
	create(t, admin, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: watched}})
	if out, err := helm(t, "upgrade", release, chart, "--namespace", namespace, "--kubeconfig", cluster.KubeconfigFile,
		"--set", "watchNamespaces={"+watched+"}"); err != nil {
		t.Fatalf("helm upgrade: %v\n%s", err, out)
	}
	err = admin.Get(ctx, client.ObjectKey{Name: release}, &rbacv1.ClusterRole{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "the controllers' ClusterRole is removed: %v", err)
	g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: namespace, Name: release}, &deployment)).To(Succeed())
	manager = startManager(t, binary, managerArgs(t, &deployment), kubeconfigWithToken(t, cluster.Config, token))
	prog, people = programme("pilot", false)
	for _, o := range append([]client.Object{prog}, people...) {
		o.SetNamespace(watched)
		create(t, admin, o)
	}
	g.Eventually(func(g Gomega) { expectReady(g, admin, watched, "pilot") }).Should(Succeed())

	asOperator, err := client.New(withToken(cluster.Config, token), client.Options{Scheme: scheme.Scheme})
	g.Expect(err).NotTo(HaveOccurred())
	err = asOperator.Get(ctx, client.ObjectKey{Namespace: ns, Name: pending.Spec.MenteeRef.Name + "-calendar-feed"}, &corev1.Secret{})
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "with watchNamespaces the operator reads a Secret elsewhere: %v", err)
	manager.stop(t)
	expectNothingForbidden(t, cluster)

	// The audit log does record refusals: the test's own request above is there.
	events, err := cluster.Audit(operatorUser)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(slices.ContainsFunc(events, func(e testenv.AuditEvent) bool {
		return e.Code() == http.StatusForbidden && e.ObjectRef != nil && e.ObjectRef.Resource == "secrets" && e.ObjectRef.Namespace == ns
	})).To(BeTrue(), "the audit log lacks the refused read of a Secret in %s", ns)
}

// expectNothingForbidden fails the test for every request of the manager that the API server refused.
func expectNothingForbidden(t *testing.T, cluster *testenv.Cluster) {
	t.Helper()
	events, err := cluster.Audit(operatorUser)
	if err != nil {
		t.Fatal(err)
	}
	requests := 0
	for _, e := range events {
		if !strings.HasPrefix(e.UserAgent, "manager/") {
			continue // the test's own requests with the operator's token
		}
		requests++
		if e.Code() == http.StatusForbidden || e.Code() == http.StatusUnauthorized {
			t.Errorf("the manager was refused: %s", e)
		}
	}
	if requests == 0 {
		t.Errorf("the audit log has no request of the manager among %d of %s", len(events), operatorUser)
	}
	t.Logf("%d requests of the manager, none refused", requests)
}

// programme is a programme starting today with feeds, and its participants: four mentors, six mentees.
func programme(name string, manual bool) (*mentoringv1alpha1.Programme, []client.Object) {
	today := time.Now().UTC()
	prog := testenv.PopulationProgramme(name, mentoringv1alpha1.ProgrammeSchedule{
		Start: mentoringv1alpha1.Date(today.Format(time.DateOnly)), EnrolmentDeadline: mentoringv1alpha1.Date(today.AddDate(0, 1, 0).Format(time.DateOnly)),
		End: mentoringv1alpha1.Date(today.AddDate(0, 6, 0).Format(time.DateOnly))})
	prog.Namespace = "mentoring"
	prog.Spec.Integrations = &mentoringv1alpha1.Integrations{Calendar: &mentoringv1alpha1.CalendarIntegration{Feed: true}}
	if manual {
		prog.Spec.Matching.Approval = mentoringv1alpha1.ApprovalManual
	}
	var people []client.Object
	for _, p := range testenv.Population(name, 10) {
		p.Namespace = "mentoring"
		people = append(people, &p)
	}
	return prog, people
}

// expectReady expects the programme Ready at its current generation.
func expectReady(g Gomega, c client.Client, namespace, name string) {
	var p mentoringv1alpha1.Programme
	g.Expect(c.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: name}, &p)).To(Succeed())
	ready := meta.FindStatusCondition(p.Status.Conditions, "Ready")
	g.Expect(ready).NotTo(BeNil())
	g.Expect(ready.Status).To(Equal(metav1.ConditionTrue), "Ready: %s", ready.Message)
	g.Expect(p.Status.ObservedGeneration).To(Equal(p.Generation))
}

func create(t *testing.T, c client.Client, objs ...client.Object) {
	t.Helper()
	for _, o := range objs {
		if err := c.Create(context.Background(), o); err != nil {
			t.Fatalf("creating %T %s: %v", o, o.GetName(), err)
		}
	}
}

// replicaSetFailures are the messages of the namespace's ReplicaSets' failure conditions.
func replicaSetFailures(ctx context.Context, c client.Client) string {
	var sets appsv1.ReplicaSetList
	if err := c.List(ctx, &sets, client.InNamespace(namespace)); err != nil {
		return err.Error()
	}
	var out []string
	for _, s := range sets.Items {
		for _, cond := range s.Status.Conditions {
			out = append(out, s.Name+": "+cond.Message)
		}
	}
	return fmt.Sprintf("%d, %v", len(sets.Items), out)
}

// binding binds a user to a built-in ClusterRole in the namespace.
func binding(namespace, user, role string) *rbacv1.RoleBinding {
	return &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: user, Namespace: namespace},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: user}}}
}

func impersonating(t *testing.T, cfg *rest.Config, user string) client.Client {
	t.Helper()
	c := rest.CopyConfig(cfg)
	c.Impersonate = rest.ImpersonationConfig{UserName: user, Groups: []string{"system:authenticated"}}
	out, err := client.New(c, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// serviceAccountToken asks the API server for a token of the chart's ServiceAccount, as the kubelet does
// for the manager's pod.
func serviceAccountToken(t *testing.T, cluster *testenv.Cluster) string {
	t.Helper()
	clientset, err := kubernetes.NewForConfig(cluster.Config)
	if err != nil {
		t.Fatal(err)
	}
	request := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To(int64(3600))}}
	answer, err := clientset.CoreV1().ServiceAccounts(namespace).CreateToken(context.Background(), release, request, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return answer.Status.Token
}

// withToken is cfg authenticated by a bearer token instead of the administrator's certificate.
func withToken(cfg *rest.Config, token string) *rest.Config {
	return &rest.Config{Host: cfg.Host, BearerToken: token, TLSClientConfig: rest.TLSClientConfig{CAData: cfg.CAData}}
}

// kubeconfigWithToken writes a kubeconfig that reaches the API server with a bearer token.
func kubeconfigWithToken(t *testing.T, cfg *rest.Config, token string) string {
	t.Helper()
	config := clientcmdapi.NewConfig()
	config.Clusters["c"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	config.AuthInfos["operator"] = &clientcmdapi.AuthInfo{Token: token}
	config.Contexts["c"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "operator"}
	config.CurrentContext = "c"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*config, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// managerArgs are the Deployment's manager flags, with its ports moved to free loopback ports.
func managerArgs(t *testing.T, deployment *appsv1.Deployment) (args []string) {
	t.Helper()
	for _, arg := range deployment.Spec.Template.Spec.Containers[0].Args {
		flag, _, _ := strings.Cut(arg, "=")
		switch flag {
		case "--metrics-bind-address", "--health-probe-bind-address", "--feed-bind-address":
			addr, err := testenv.FreeLoopbackAddr()
			if err != nil {
				t.Fatal(err)
			}
			arg = flag + "=" + addr
		}
		args = append(args, arg)
	}
	return args
}

type managerProcess struct {
	cmd    *exec.Cmd
	exited chan error
	log    string
}

// startManager runs the manager binary with args, outside a cluster: the Lease goes into the chart's
// namespace, as it would from the pod. It waits until /readyz answers.
func startManager(t *testing.T, binary string, args []string, kubeconfig string) *managerProcess {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "manager.log")
	logs, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	m := &managerProcess{cmd: exec.Command(binary, append(args, "--kubeconfig="+kubeconfig, "--leader-election-namespace="+namespace)...),
		exited: make(chan error, 1), log: logPath}
	m.cmd.Stdout, m.cmd.Stderr = logs, logs
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { m.exited <- m.cmd.Wait(); _ = logs.Close() }()
	t.Cleanup(func() { m.stop(t) })
	var probe string
	for _, arg := range args {
		if addr, found := strings.CutPrefix(arg, "--health-probe-bind-address="); found {
			probe = addr
		}
	}
	NewWithT(t).Eventually(func() error {
		select {
		case err := <-m.exited:
			m.exited <- err
			return StopTrying(fmt.Sprintf("the manager exited: %v\n%s", err, m.logs()))
		default:
			return testenv.Ready(probe)
		}
	}).WithTimeout(time.Minute).Should(Succeed())
	return m
}

func (m *managerProcess) logs() string {
	data, _ := os.ReadFile(m.log)
	return string(data)
}

// stop stops the manager gracefully; it fails the test if the manager had exited by itself.
func (m *managerProcess) stop(t *testing.T) {
	select {
	case err := <-m.exited:
		m.exited <- err
		if !slices.Contains([]string{"", "signal: terminated"}, fmt.Sprint(err)) && err != nil {
			t.Errorf("the manager exited: %v\n%s", err, m.logs())
		}
		return
	default:
	}
	_ = m.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-m.exited:
		m.exited <- err
	case <-time.After(30 * time.Second):
		_ = m.cmd.Process.Kill()
		m.exited <- <-m.exited
	}
}
