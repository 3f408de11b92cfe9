package v1alpha1_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// hrWebhook is a StandardWebhooks receiver and chatWebhook a Slack channel.
var (
	hrWebhook = map[string]any{"name": "hr", "format": "StandardWebhooks",
		"urlSecretRef": map[string]any{"name": "hr-url"}, "signingSecretRef": map[string]any{"name": "hr-secret"}}
	chatWebhook = map[string]any{"name": "chat", "format": "Slack", "urlSecretRef": map[string]any{"name": "chat-url"}}
)

func TestMeasurementRules(t *testing.T) {
	withMeasurement := func(measurement map[string]any, webhooks ...any) func(*unstructured.Unstructured) {
		return func(u *unstructured.Unstructured) {
			set("spec.measurement", measurement)(u)
			if len(webhooks) > 0 {
				set("spec.integrations", map[string]any{"webhooks": webhooks})(u)
			}
		}
	}
	rejected := []struct {
		name    string
		mutate  func(*unstructured.Unstructured)
		message string
	}{
		{"comments to a webhook that does not exist", withMeasurement(map[string]any{"commentsWebhook": "hr"}),
			"measurement.commentsWebhook must name a StandardWebhooks or CloudEvents webhook"},
		{"comments to a chat channel", withMeasurement(map[string]any{"commentsWebhook": "chat"}, chatWebhook),
			"comments go to the HR system, never to a chat channel"},
		{"answers to a chat channel", set("spec.integrations", map[string]any{"webhooks": []any{
			map[string]any{"name": "chat", "format": "Teams", "urlSecretRef": map[string]any{"name": "u"}, "events": []any{"feedback.submitted"}}}}),
			"feedback.submitted carries individual answers"},
		{"weekly check-ins over two years", func(u *unstructured.Unstructured) {
			set("spec.schedule.end", "2029-01-10")(u)
			withMeasurement(map[string]any{"checkIns": map[string]any{"every": int64(1)}})(u)
		}, "a programme has at most 60 check-ins: raise measurement.checkIns.every"},
		{"a question named like a default one", withMeasurement(map[string]any{"questions": []any{
			map[string]any{"name": "usefulness", "text": "Useful?", "type": "Scale"}}}),
			"are the default questions' names"},
		{"a question answered in words", withMeasurement(map[string]any{"questions": []any{
			map[string]any{"name": "tools", "text": "Which tools?", "type": "Text"}}}),
			`Unsupported value: "Text"`},
		{"check-ins every hundred weeks", withMeasurement(map[string]any{"checkIns": map[string]any{"every": int64(100)}}),
			"should be less than or equal to 52"},
	}
	ns := namespace(t)
	for i, tc := range rejected {
		t.Run(tc.name, func(t *testing.T) {
			obj := decode(t, validProgramme)
			obj.SetNamespace(ns)
			obj.SetName(fmt.Sprintf("measure-invalid-%d", i))
			tc.mutate(obj)
			expectRejected(t, env.Client.Create(context.Background(), obj), tc.message)
		})
	}

	accepted := map[string]func(*unstructured.Unstructured){
		// 60 check-ins counted in biweekly meetings: every meeting over about 2.3 years.
		"check-ins after every biweekly meeting over two years": func(u *unstructured.Unstructured) {
			set("spec.schedule.end", "2029-01-10")(u)
			withMeasurement(map[string]any{"checkIns": map[string]any{"every": int64(1), "unit": "Meetings"}})(u)
		},
		"comments to the HR system, chat without answers": withMeasurement(map[string]any{"commentsWebhook": "hr"}, hrWebhook, chatWebhook),
	}
	for name, mutate := range accepted {
		t.Run(name, func(t *testing.T) {
			obj := decode(t, validProgramme)
			obj.SetNamespace(ns)
			obj.SetName("")
			obj.SetGenerateName("measure-valid-")
			mutate(obj)
			if err := env.Client.Create(context.Background(), obj); err != nil {
				t.Fatalf("rejected: %v", err)
			}
		})
	}
}

func TestMeasurementDefaults(t *testing.T) {
	obj := decode(t, validProgramme)
	obj.SetNamespace(namespace(t))
	set("spec.measurement", map[string]any{})(obj)
	if err := env.Client.Create(context.Background(), obj); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"spec.measurement.checkIns.every": int64(4),
		"spec.measurement.checkIns.unit":  "Weeks",
		"spec.measurement.midpointSurvey": true,
		"spec.measurement.endSurvey":      true,
	}
	for path, value := range want {
		got, found, err := unstructured.NestedFieldNoCopy(obj.Object, strings.Split(path, ".")...)
		if err != nil || !found || got != value {
			t.Errorf("%s = %v (found %v); want %v", path, got, found, value)
		}
	}
}
