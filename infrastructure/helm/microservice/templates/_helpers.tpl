{{/* The image reference: repository:tag, the tag defaulting to the chart's appVersion. */}}
{{- define "microservice.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* Labels Helm adds to every object's metadata (never to selectors). */}}
{{- define "microservice.chartLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "microservice.serverLabels" -}}
app.kubernetes.io/name: {{ .Values.name }}
app.kubernetes.io/component: server
{{- end }}

{{- define "microservice.databaseLabels" -}}
app.kubernetes.io/name: {{ .Values.name }}-db
app.kubernetes.io/component: database
{{- end }}

{{/* The restricted security context of the app's containers (server and jobs). */}}
{{- define "microservice.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
{{- end }}

{{- define "microservice.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end }}
