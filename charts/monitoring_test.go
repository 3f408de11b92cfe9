package charts

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/prometheus/promql/parser"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	// The manager serves controller-runtime's registry, in which the controllers and the programme
	// gauges register their metrics.
	_ "github.com/reverse-mentoring-dev/reverse-mentoring-operator/controllers"
	_ "github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/metrics"
)

// monitoring renders the chart with the dashboard and the rules and returns both.
func monitoring(t *testing.T, flags ...string) (dashboard map[string]any, rules prometheusRule) {
	t.Helper()
	objects := render(t, append([]string{"--set", "grafanaDashboard.enabled=true", "--set", "prometheusRule.enabled=true"}, flags...)...)
	var configMap struct {
		Metadata struct {
			Labels map[string]string `json:"labels"`
		} `json:"metadata"`
		Data map[string]string `json:"data"`
	}
	if err := json.Unmarshal(find(t, objects, "ConfigMap", release+"-dashboard"), &configMap); err != nil {
		t.Fatal(err)
	}
	if configMap.Metadata.Labels["grafana_dashboard"] != "1" {
		t.Errorf("dashboard ConfigMap labels %v lack grafana_dashboard: \"1\", which Grafana's sidecar looks for", configMap.Metadata.Labels)
	}
	if err := json.Unmarshal([]byte(configMap.Data["reverse-mentoring-operator.json"]), &dashboard); err != nil {
		t.Fatalf("the dashboard is not JSON: %v", err)
	}
	decode(t, objects, "PrometheusRule", release, &rules)
	return dashboard, rules
}

// prometheusRule is the part of a monitoring.coreos.com/v1 PrometheusRule the tests read; decode rejects
// any other field, so a typo in the template fails.
type prometheusRule struct {
	APIVersion string         `json:"apiVersion"`
	Kind       string         `json:"kind"`
	Metadata   map[string]any `json:"metadata"`
	Spec       struct {
		Groups []struct {
			Name  string `json:"name"`
			Rules []struct {
				Alert       string            `json:"alert"`
				Expr        string            `json:"expr"`
				For         string            `json:"for,omitempty"`
				Labels      map[string]string `json:"labels"`
				Annotations map[string]string `json:"annotations"`
			} `json:"rules"`
		} `json:"groups"`
	} `json:"spec"`
}

func TestMonitoringRendersOnlyWhenEnabled(t *testing.T) {
	for _, o := range render(t) {
		if o.Kind == "PrometheusRule" || o.Kind == "ConfigMap" {
			t.Errorf("%s/%s rendered with the default values", o.Kind, o.Name)
		}
	}
	_, rules := monitoring(t, "--set", "prometheusRule.minMatchRatePercent=65", "--set", "prometheusRule.labels.release=prometheus")
	if rules.APIVersion != "monitoring.coreos.com/v1" || rules.Metadata["labels"].(map[string]any)["release"] != "prometheus" {
		t.Errorf("PrometheusRule %s with metadata %v, want monitoring.coreos.com/v1 and the release=prometheus label", rules.APIVersion, rules.Metadata)
	}
	var alerts []string
	for _, g := range rules.Spec.Groups {
		for _, r := range g.Rules {
			alerts = append(alerts, r.Alert)
			if r.Alert == "MentoringMatchRateLow" && !strings.Contains(r.Expr, "< 65 / 100") {
				t.Errorf("MentoringMatchRateLow: %s, want the threshold of prometheusRule.minMatchRatePercent", r.Expr)
			}
			if r.Labels["severity"] == "" || r.Annotations["summary"] == "" {
				t.Errorf("alert %s has no severity or summary", r.Alert)
			}
		}
	}
	for _, want := range []string{"MentoringProgrammeStalled", "MentoringMatchRateLow", "MentoringDeliveryFailing"} {
		if !slices.Contains(alerts, want) {
			t.Errorf("alerts %v lack %s", alerts, want)
		}
	}
	// The dashboard and rules group by the programme's namespace label, which Prometheus keeps only
	// when the ServiceMonitor honours the scraped labels.
	var monitor struct {
		Spec struct {
			Endpoints []struct {
				HonorLabels bool `json:"honorLabels"`
			} `json:"endpoints"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(find(t, render(t, "--set", "serviceMonitor.enabled=true"), "ServiceMonitor", release), &monitor); err != nil {
		t.Fatal(err)
	}
	if len(monitor.Spec.Endpoints) != 1 || !monitor.Spec.Endpoints[0].HonorLabels {
		t.Errorf("ServiceMonitor endpoints %+v, want honorLabels: true", monitor.Spec.Endpoints)
	}
	if out, err := helm(t, "lint", "--strict", chart, "--set", "grafanaDashboard.enabled=true", "--set", "prometheusRule.enabled=true"); err != nil {
		t.Errorf("helm lint with the dashboard and rules: %v\n%s", err, out)
	}
}

// exported are the names of the metrics in the registry the manager serves, with the series names of
// histograms (_bucket, _sum, _count).
func exported(t *testing.T) map[string]bool {
	t.Helper()
	registry, ok := ctrlmetrics.Registry.(prometheus.Collector)
	if !ok {
		t.Fatalf("controller-runtime's registry is a %T, which does not describe its metrics", ctrlmetrics.Registry)
	}
	descs := make(chan *prometheus.Desc)
	go func() {
		registry.Describe(descs)
		close(descs)
	}()
	fqName := regexp.MustCompile(`fqName: "([^"]+)"`)
	names := map[string]bool{}
	for d := range descs {
		m := fqName.FindStringSubmatch(d.String())
		if m == nil {
			t.Fatalf("cannot read the name of %s", d)
		}
		for _, suffix := range []string{"", "_bucket", "_sum", "_count"} {
			names[m[1]+suffix] = true
		}
	}
	return names
}

// grafanaVariables are the Grafana variables the dashboard's queries use, with a value PromQL accepts.
var grafanaVariables = strings.NewReplacer("$__rate_interval", "5m", "${datasource}", "prometheus")

// labelValues matches Grafana's label_values(selector, label) variable query.
var labelValues = regexp.MustCompile(`^label_values\((.+),\s*[a-z_]+\)$`)

func TestMonitoringQueriesParseAndNameExportedMetrics(t *testing.T) {
	dashboard, rules := monitoring(t)
	queries := map[string]string{}
	for _, p := range dashboard["panels"].([]any) {
		panel := p.(map[string]any)
		targets, _ := panel["targets"].([]any)
		if panel["type"] != "row" && len(targets) == 0 {
			t.Errorf("panel %s has no query", panel["title"])
		}
		for _, target := range targets {
			target := target.(map[string]any)
			queries[fmt.Sprintf("panel %s, query %s", panel["title"], target["refId"])] = target["expr"].(string)
		}
	}
	for _, v := range dashboard["templating"].(map[string]any)["list"].([]any) {
		variable := v.(map[string]any)
		if variable["type"] != "query" {
			continue
		}
		query := variable["query"].(map[string]any)["query"].(string)
		m := labelValues.FindStringSubmatch(query)
		if m == nil {
			t.Errorf("variable %s: %q is not label_values(selector, label)", variable["name"], query)
			continue
		}
		queries["variable "+variable["name"].(string)] = m[1]
	}
	for _, g := range rules.Spec.Groups {
		for _, r := range g.Rules {
			queries["alert "+r.Alert] = r.Expr
		}
	}
	if len(queries) < 20 {
		t.Fatalf("found only %d queries in the dashboard and rules: %v", len(queries), queries)
	}

	names := exported(t)
	for _, want := range []string{"mentoring_participants", "mentoring_external_requests_total", "workqueue_depth"} {
		if !names[want] {
			t.Fatalf("the registry lacks %s; it has %v", want, names)
		}
	}
	for where, query := range queries {
		expr, err := parser.NewParser(parser.Options{}).ParseExpr(grafanaVariables.Replace(query))
		if err != nil {
			t.Errorf("%s: %q does not parse: %v", where, query, err)
			continue
		}
		used := 0
		parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
			if vs, ok := node.(*parser.VectorSelector); ok {
				used++
				if !names[vs.Name] {
					t.Errorf("%s names %s, which the manager does not export", where, vs.Name)
				}
			}
			return nil
		})
		if used == 0 {
			t.Errorf("%s: %q names no metric", where, query)
		}
	}
}
