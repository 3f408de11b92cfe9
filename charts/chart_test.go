package charts

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	psa "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

const (
	chart     = "reverse-mentoring-operator"
	release   = "reverse-mentoring-operator" // so that the chart's object names are config/default's
	namespace = "reverse-mentoring-system"
)

// helmBinary builds Helm from the Go module proxy with hack/helm.sh, or finds the one it built before.
var helmBinary = sync.OnceValues(func() (string, error) {
	var stderr bytes.Buffer
	script := exec.Command("../hack/helm.sh")
	script.Stderr = &stderr
	out, err := script.Output()
	if err != nil {
		return "", fmt.Errorf("hack/helm.sh: %w\n%s", err, stderr.String())
	}
	return strings.TrimSpace(string(out)), nil
})

// helm runs Helm with its caches and configuration in a temporary folder and returns its output.
func helm(t *testing.T, args ...string) (string, error) {
	t.Helper()
	binary, err := helmBinary()
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "HELM_CACHE_HOME="+home+"/cache", "HELM_CONFIG_HOME="+home+"/config",
		"HELM_DATA_HOME="+home+"/data")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if err != nil {
		return stdout.String() + stderr.String(), err
	}
	return stdout.String(), nil
}

// render runs `helm template` on the chart with extra flags, such as --set, and returns its objects.
func render(t *testing.T, flags ...string) []object {
	t.Helper()
	out, err := helm(t, append([]string{"template", release, chart, "--namespace", namespace}, flags...)...)
	if err != nil {
		t.Fatalf("helm template %v: %v\n%s", flags, err, out)
	}
	return parse(t, []byte(out))
}

// object is one Kubernetes object of a rendered manifest, as JSON.
type object struct {
	Kind, Name string
	json       []byte
}

// parse splits a multi-document YAML stream into objects, skipping empty documents.
func parse(t *testing.T, stream []byte) []object {
	t.Helper()
	var objects []object
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(stream)))
	for {
		document, err := reader.Read()
		if err == io.EOF {
			return objects
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := yaml.YAMLToJSON(document)
		if err != nil {
			t.Fatalf("%v in\n%s", err, document)
		}
		var header struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(data, &header); err != nil {
			t.Fatal(err)
		}
		if header.Kind != "" {
			objects = append(objects, object{Kind: header.Kind, Name: header.Metadata.Name, json: data})
		}
	}
}

// find returns the object of that kind and name, as JSON.
func find(t *testing.T, objects []object, kind, name string) []byte {
	t.Helper()
	for _, o := range objects {
		if o.Kind == kind && o.Name == name {
			return o.json
		}
	}
	t.Fatalf("no %s %s among %v", kind, name, names(objects))
	return nil
}

// decode decodes the object of that kind and name into into, rejecting fields its type does not have.
func decode(t *testing.T, objects []object, kind, name string, into any) {
	t.Helper()
	decoder := json.NewDecoder(bytes.NewReader(find(t, objects, kind, name)))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(into); err != nil {
		t.Fatalf("%s %s: %v", kind, name, err)
	}
}

// names lists objects as "Kind/name", sorted.
func names(objects []object) []string {
	var list []string
	for _, o := range objects {
		list = append(list, o.Kind+"/"+o.Name)
	}
	slices.Sort(list)
	return list
}

// kustomizeDefault builds config/default as `kubectl apply -k config/default` does.
func kustomizeDefault(t *testing.T) []object {
	t.Helper()
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), "../config/default")
	if err != nil {
		t.Fatal(err)
	}
	stream, err := resources.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	return parse(t, stream)
}

// chartObjects are the objects the chart renders with default values.
var chartObjects = []string{
	"ClusterRole/mentoring-admin",
	"ClusterRole/mentoring-editor",
	"ClusterRole/mentoring-viewer",
	"ClusterRole/reverse-mentoring-operator",
	"ClusterRole/reverse-mentoring-operator-metrics-auth",
	"ClusterRole/reverse-mentoring-operator-metrics-reader",
	"ClusterRoleBinding/reverse-mentoring-operator",
	"ClusterRoleBinding/reverse-mentoring-operator-metrics-auth",
	"Deployment/reverse-mentoring-operator",
	"Role/reverse-mentoring-operator-leader-election",
	"RoleBinding/reverse-mentoring-operator-leader-election",
	"Service/reverse-mentoring-operator-feed",
	"Service/reverse-mentoring-operator-metrics",
	"ServiceAccount/reverse-mentoring-operator",
}

func TestHelmLint(t *testing.T) {
	for _, flags := range [][]string{
		nil,
		{"--strict"},
		{"--strict", "--set", "serviceMonitor.enabled=true"},
		{"--strict", "--set", "watchNamespaces={a,b}", "--set", "feed.ingress.enabled=true", "--set", "feed.ingress.host=m.example.org"},
		{"--strict", "--set", "feed.httpRoute.enabled=true", "--set", "feed.httpRoute.parentRefs[0].name=public"},
	} {
		if out, err := helm(t, append([]string{"lint", chart}, flags...)...); err != nil {
			t.Errorf("helm lint %v: %v\n%s", flags, err, out)
		}
	}
}

func TestHelmTemplateRendersTheOperator(t *testing.T) {
	objects := render(t, "--set", "concurrency=8", "--set", "feed.baseURL=https://mentoring.example.org")
	if got := names(objects); !slices.Equal(got, chartObjects) {
		t.Errorf("rendered %v, want %v", got, chartObjects)
	}

	var deployment appsv1.Deployment
	decode(t, objects, "Deployment", release, &deployment)
	pod := deployment.Spec.Template.Spec
	if pod.ServiceAccountName != release {
		t.Errorf("serviceAccountName = %q, want %q", pod.ServiceAccountName, release)
	}
	manager := pod.Containers[0]
	if want := "ghcr.io/reverse-mentoring-dev/reverse-mentoring-operator:0.1.0"; manager.Image != want {
		t.Errorf("image = %q, want %q (the chart's appVersion)", manager.Image, want)
	}
	if want := []string{"/manager"}; !slices.Equal(manager.Command, want) {
		t.Errorf("command = %q, want %q", manager.Command, want)
	}
	wantArgs := []string{"--leader-elect", "--metrics-bind-address=:8443", "--health-probe-bind-address=:8081", "--concurrency=8",
		"--feed-bind-address=:8082", "--feed-base-url=https://mentoring.example.org"}
	if !slices.Equal(manager.Args, wantArgs) {
		t.Errorf("args = %q, want %q", manager.Args, wantArgs)
	}
	for name, probe := range map[string]*corev1.Probe{"/healthz": manager.LivenessProbe, "/readyz": manager.ReadinessProbe} {
		if probe == nil || probe.HTTPGet == nil || probe.HTTPGet.Path != name || probe.HTTPGet.Port.String() != "probes" {
			t.Errorf("probe %s = %+v, want an HTTP GET of %s on the port named probes", name, probe, name)
		}
	}
	if !slices.Contains(manager.Ports, corev1.ContainerPort{Name: "probes", ContainerPort: 8081, Protocol: corev1.ProtocolTCP}) {
		t.Errorf("ports = %+v, want probes on 8081", manager.Ports)
	}
	if user := pod.SecurityContext.RunAsUser; user == nil || *user != 65532 {
		t.Errorf("runAsUser = %v, want 65532", user)
	}
	if readOnly := manager.SecurityContext.ReadOnlyRootFilesystem; readOnly == nil || !*readOnly {
		t.Error("readOnlyRootFilesystem is not true")
	}

	var service corev1.Service
	decode(t, objects, "Service", release+"-metrics", &service)
	if len(service.Spec.Ports) != 1 || service.Spec.Ports[0].Name != "https" || service.Spec.Ports[0].Port != 8443 {
		t.Errorf("metrics Service ports = %+v, want https on 8443", service.Spec.Ports)
	}
	if !reflect.DeepEqual(service.Spec.Selector, deployment.Spec.Selector.MatchLabels) {
		t.Errorf("metrics Service selects %v, the Deployment's pods are %v", service.Spec.Selector, deployment.Spec.Selector.MatchLabels)
	}
}

// restrictedViolations says how pod violates the latest restricted Pod Security Standard, or "" if it
// does not.
func restrictedViolations(t *testing.T, pod corev1.PodTemplateSpec) string {
	t.Helper()
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	restricted := psa.LevelVersion{Level: psa.LevelRestricted, Version: psa.LatestVersion()}
	result := policy.AggregateCheckResults(evaluator.EvaluatePod(restricted, &pod.ObjectMeta, &pod.Spec))
	if result.Allowed {
		return ""
	}
	return result.ForbiddenDetail()
}

func TestDeploymentsMeetTheRestrictedPodSecurityStandard(t *testing.T) {
	var chartDeployment, kustomizeDeployment appsv1.Deployment
	decode(t, render(t), "Deployment", release, &chartDeployment)
	decode(t, kustomizeDefault(t), "Deployment", release, &kustomizeDeployment)
	for name, pod := range map[string]corev1.PodTemplateSpec{
		"the chart's Deployment":      chartDeployment.Spec.Template,
		"config/default's Deployment": kustomizeDeployment.Spec.Template,
	} {
		if violations := restrictedViolations(t, pod); violations != "" {
			t.Errorf("%s violates the restricted Pod Security Standard: %s", name, violations)
		}
	}

	// The check itself must catch a pod that may run as root.
	insecure := chartDeployment.Spec.Template.DeepCopy()
	insecure.Spec.SecurityContext.RunAsNonRoot = nil
	insecure.Spec.SecurityContext.RunAsUser = nil
	if restrictedViolations(t, *insecure) == "" {
		t.Error("the restricted check allowed a pod without runAsNonRoot")
	}
}

func TestSchemaRejectsBadValues(t *testing.T) {
	for _, flags := range [][]string{
		{"--set", "concurrency=many"},
		{"--set", "concurrency=0"},
		{"--set-string", "serviceMonitor.enabled=true"},
		{"--set", "image.pullPolicy=Sometimes"},
		{"--set", "resources.requests.cpu=lots"},
		{"--set", "replicas=2"},
		{"--set", "watchNamespaces={Mentoring}"},
		{"--set", "feed.ingress.host=https://mentoring.example.org"},
	} {
		out, err := helm(t, append([]string{"template", release, chart}, flags...)...)
		if err == nil || !strings.Contains(out, "values don't meet the specifications of the schema") {
			t.Errorf("helm template %v: err = %v, want a schema error; output:\n%s", flags, err, out)
		}
	}
}

func TestChartCRDsAreCopiesOfConfig(t *testing.T) {
	generated, err := filepath.Glob("../config/crd/bases/*.yaml")
	if err != nil || len(generated) == 0 {
		t.Fatalf("no CRDs in config/crd/bases (%v)", err)
	}
	copies, err := filepath.Glob(chart + "/crds/*")
	if err != nil {
		t.Fatal(err)
	}
	base := func(paths []string) (names []string) {
		for _, p := range paths {
			names = append(names, filepath.Base(p))
		}
		return names
	}
	if !slices.Equal(base(copies), base(generated)) {
		t.Fatalf("chart CRDs %v, config/crd/bases has %v: run hack/sync-chart-crds.sh", base(copies), base(generated))
	}
	for _, path := range generated {
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(chart, "crds", filepath.Base(path)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from config/crd/bases: run hack/sync-chart-crds.sh", filepath.Base(path))
		}
	}
}

func TestChartClusterRoleHasTheGeneratedRules(t *testing.T) {
	data, err := os.ReadFile("../config/rbac/role.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var generated, rendered rbacv1.ClusterRole
	if err := yaml.UnmarshalStrict(data, &generated); err != nil {
		t.Fatal(err)
	}
	if len(generated.Rules) == 0 {
		t.Fatal("config/rbac/role.yaml has no rules")
	}
	decode(t, render(t), "ClusterRole", release, &rendered)
	if !reflect.DeepEqual(rendered.Rules, generated.Rules) {
		t.Errorf("chart ClusterRole rules differ from config/rbac/role.yaml: run hack/sync-chart-crds.sh\nchart:  %+v\nconfig: %+v",
			rendered.Rules, generated.Rules)
	}
}

func TestServiceMonitorRendersOnlyWhenEnabled(t *testing.T) {
	for _, o := range render(t) {
		if o.Kind == "ServiceMonitor" {
			t.Error("a ServiceMonitor rendered with serviceMonitor.enabled=false")
		}
	}
	objects := render(t, "--set", "serviceMonitor.enabled=true", "--set", "serviceMonitor.labels.release=prometheus")
	var monitor struct {
		APIVersion string `json:"apiVersion"`
		Metadata   struct {
			Labels map[string]string `json:"labels"`
		} `json:"metadata"`
		Spec struct {
			Endpoints []struct {
				Port   string `json:"port"`
				Scheme string `json:"scheme"`
			} `json:"endpoints"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(find(t, objects, "ServiceMonitor", release), &monitor); err != nil {
		t.Fatal(err)
	}
	if monitor.APIVersion != "monitoring.coreos.com/v1" || monitor.Metadata.Labels["release"] != "prometheus" ||
		len(monitor.Spec.Endpoints) != 1 || monitor.Spec.Endpoints[0].Port != "https" || monitor.Spec.Endpoints[0].Scheme != "https" {
		t.Errorf("ServiceMonitor = %+v, want the release=prometheus label and one https endpoint on the port named https", monitor)
	}
}

func TestKustomizeDefaultInstallsWhatTheChartDoes(t *testing.T) {
	installed := kustomizeDefault(t)

	want := append([]string{
		"CustomResourceDefinition/pairings.mentoring.reverse-mentoring.dev",
		"CustomResourceDefinition/participants.mentoring.reverse-mentoring.dev",
		"CustomResourceDefinition/programmes.mentoring.reverse-mentoring.dev",
		"Namespace/" + namespace,
	}, chartObjects...)
	slices.Sort(want)
	if got := names(installed); !slices.Equal(got, want) {
		t.Errorf("config/default has %v, want %v", got, want)
	}
	for _, o := range installed {
		var meta struct {
			Metadata struct {
				Namespace string `json:"namespace"`
			} `json:"metadata"`
			Subjects []rbacv1.Subject `json:"subjects"`
		}
		if err := json.Unmarshal(o.json, &meta); err != nil {
			t.Fatal(err)
		}
		namespaced := slices.Contains([]string{"Deployment", "Role", "RoleBinding", "Service", "ServiceAccount"}, o.Kind)
		if namespaced != (meta.Metadata.Namespace == namespace) {
			t.Errorf("%s/%s is in namespace %q", o.Kind, o.Name, meta.Metadata.Namespace)
		}
		for _, s := range meta.Subjects {
			if s.Kind != "ServiceAccount" || s.Name != release || s.Namespace != namespace {
				t.Errorf("%s/%s binds %+v, want the manager's ServiceAccount", o.Kind, o.Name, s)
			}
		}
	}

	// The chart renders the same permissions and the same manager as config/default.
	rendered := render(t)
	for _, name := range []string{release, release + "-metrics-auth", release + "-metrics-reader", "mentoring-viewer", "mentoring-editor", "mentoring-admin"} {
		var fromChart, fromConfig rbacv1.ClusterRole
		decode(t, rendered, "ClusterRole", name, &fromChart)
		decode(t, installed, "ClusterRole", name, &fromConfig)
		if !reflect.DeepEqual(fromChart.Rules, fromConfig.Rules) {
			t.Errorf("ClusterRole %s: chart rules %+v, config/rbac rules %+v", name, fromChart.Rules, fromConfig.Rules)
		}
		for label, value := range fromChart.Labels {
			if strings.HasPrefix(label, "rbac.authorization.k8s.io/") && fromConfig.Labels[label] != value {
				t.Errorf("ClusterRole %s: the chart aggregates it with %s=%s, config/rbac does not", name, label, value)
			}
		}
	}
	var chartRole, configRole rbacv1.Role
	decode(t, rendered, "Role", release+"-leader-election", &chartRole)
	decode(t, installed, "Role", release+"-leader-election", &configRole)
	if !reflect.DeepEqual(chartRole.Rules, configRole.Rules) {
		t.Errorf("leader election Role: chart rules %+v, config/rbac rules %+v", chartRole.Rules, configRole.Rules)
	}

	var chartDeployment, configDeployment appsv1.Deployment
	decode(t, rendered, "Deployment", release, &chartDeployment)
	decode(t, installed, "Deployment", release, &configDeployment)
	chartPod, configPod := chartDeployment.Spec.Template.Spec, configDeployment.Spec.Template.Spec
	if !equality.Semantic.DeepEqual(chartPod.SecurityContext, configPod.SecurityContext) {
		t.Errorf("pod securityContext: chart %+v, config/manager %+v", chartPod.SecurityContext, configPod.SecurityContext)
	}
	chartManager, configManager := chartPod.Containers[0], configPod.Containers[0]
	if chartManager.Image != configManager.Image {
		t.Errorf("the chart runs image %s, config/default %s", chartManager.Image, configManager.Image)
	}
	chartManager.ImagePullPolicy = ""
	if !equality.Semantic.DeepEqual(chartManager, configManager) {
		t.Errorf("manager container: chart %+v\nconfig/manager %+v", chartManager, configManager)
	}
}

// managerArg returns the value of the manager's flag in a rendering, or "" without it.
func managerArg(t *testing.T, objects []object, flag string) string {
	t.Helper()
	var deployment appsv1.Deployment
	decode(t, objects, "Deployment", release, &deployment)
	for _, arg := range deployment.Spec.Template.Spec.Containers[0].Args {
		if value, found := strings.CutPrefix(arg, "--"+flag+"="); found {
			return value
		}
	}
	return ""
}

func TestWatchNamespacesGrantRolesInThoseNamespacesOnly(t *testing.T) {
	objects := render(t, "--set", "watchNamespaces={mentoring,hr-pilot}")
	if got := managerArg(t, objects, "watch-namespaces"); got != "mentoring,hr-pilot" {
		t.Errorf("--watch-namespaces=%q, want mentoring,hr-pilot", got)
	}
	var generated rbacv1.ClusterRole
	decode(t, render(t), "ClusterRole", release, &generated)
	roles := map[string]bool{}
	for _, o := range objects {
		var meta struct {
			Metadata struct {
				Namespace string `json:"namespace"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(o.json, &meta); err != nil {
			t.Fatal(err)
		}
		switch {
		case o.Kind == "ClusterRole" && o.Name == release, o.Kind == "ClusterRoleBinding" && o.Name == release:
			t.Errorf("%s/%s is rendered with watchNamespaces: the manager would keep cluster-wide access to Secrets", o.Kind, o.Name)
		case o.Kind == "Role" && o.Name == release:
			var role rbacv1.Role
			if err := json.Unmarshal(o.json, &role); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(role.Rules, generated.Rules) {
				t.Errorf("Role in %s: rules %+v, want config/rbac/role.yaml's", meta.Metadata.Namespace, role.Rules)
			}
			roles[meta.Metadata.Namespace] = true
		}
	}
	if !reflect.DeepEqual(roles, map[string]bool{"mentoring": true, "hr-pilot": true}) {
		t.Errorf("the controllers' Roles are in %v, want mentoring and hr-pilot", roles)
	}
	if got := managerArg(t, render(t), "watch-namespaces"); got != "" {
		t.Errorf("without watchNamespaces the manager has --watch-namespaces=%s", got)
	}
}

func TestFeedIsReachableOnlyWhereConfigured(t *testing.T) {
	inCluster := "http://" + release + "-feed." + namespace + ".svc:8082"
	for _, tc := range []struct {
		flags   []string
		baseURL string
		kind    string // the object that exposes the feed server, if any
	}{
		{baseURL: inCluster},
		{flags: []string{"--set", "feed.baseURL=https://calendars.example.org"}, baseURL: "https://calendars.example.org"},
		{flags: []string{"--set", "feed.ingress.enabled=true", "--set", "feed.ingress.host=mentoring.example.org", "--set", "feed.ingress.tlsSecretName=mentoring-tls"},
			baseURL: "https://mentoring.example.org", kind: "Ingress"},
		{flags: []string{"--set", "feed.httpRoute.enabled=true", "--set", "feed.httpRoute.parentRefs[0].name=public", "--set", "feed.httpRoute.hostnames={mentoring.example.org}"},
			baseURL: "https://mentoring.example.org", kind: "HTTPRoute"},
	} {
		objects := render(t, tc.flags...)
		if got := managerArg(t, objects, "feed-base-url"); got != tc.baseURL {
			t.Errorf("%v: --feed-base-url=%s, want %s", tc.flags, got, tc.baseURL)
		}
		for _, kind := range []string{"Ingress", "HTTPRoute"} {
			exposed := slices.ContainsFunc(objects, func(o object) bool { return o.Kind == kind })
			if exposed != (kind == tc.kind) {
				t.Errorf("%v: %s rendered = %v", tc.flags, kind, exposed)
			}
		}
		if tc.kind == "" {
			continue
		}
		// Both send only /feeds/ and the personal pages' /p/ to the feed Service's port.
		data := string(find(t, objects, tc.kind, release+"-feed"))
		for _, want := range []string{`"/feeds/"`, `"/p/"`, `"name":"` + release + `-feed"`, "mentoring.example.org"} {
			if !strings.Contains(data, want) {
				t.Errorf("%s lacks %s: %s", tc.kind, want, data)
			}
		}
	}
}
