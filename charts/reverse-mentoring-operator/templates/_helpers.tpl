{{/* The chart name, or nameOverride. */}}
{{- define "reverse-mentoring-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The name of the release's objects: fullnameOverride, or the release name joined with the chart name. */}}
{{- define "reverse-mentoring-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels that select the manager's pods. */}}
{{- define "reverse-mentoring-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "reverse-mentoring-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "reverse-mentoring-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "reverse-mentoring-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The manager's ServiceAccount. */}}
{{- define "reverse-mentoring-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "reverse-mentoring-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The feed server's Service. */}}
{{- define "reverse-mentoring-operator.feedService" -}}
{{- include "reverse-mentoring-operator.fullname" . }}-feed
{{- end }}

{{/*
Where people's calendars reach the feed server: feed.baseURL; else the Ingress' or HTTPRoute's first
host; else the in-cluster Service URL, which Outlook, Google and Apple Calendar cannot reach.
*/}}
{{- define "reverse-mentoring-operator.feedBaseURL" -}}
{{- if .Values.feed.baseURL }}
{{- .Values.feed.baseURL }}
{{- else if and .Values.feed.ingress.enabled .Values.feed.ingress.host }}
{{- printf "%s://%s" (ternary "https" "http" (not (empty .Values.feed.ingress.tlsSecretName))) .Values.feed.ingress.host }}
{{- else if and .Values.feed.httpRoute.enabled .Values.feed.httpRoute.hostnames }}
{{- printf "https://%s" (first .Values.feed.httpRoute.hostnames) }}
{{- else }}
{{- printf "http://%s.%s.svc:8082" (include "reverse-mentoring-operator.feedService" .) .Release.Namespace }}
{{- end }}
{{- end }}
