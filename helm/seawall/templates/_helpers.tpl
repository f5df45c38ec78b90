{{/* The release's full name: "seawall" for a release called seawall. */}}
{{- define "seawall.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "seawall.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "seawall.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: seawall
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "seawall.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "seawall.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "seawall.clusterRoleName" -}}
{{- printf "%s-operator" (include "seawall.fullname" .) -}}
{{- end -}}

{{- define "seawall.leaseName" -}}
{{- printf "%s-leader" (include "seawall.fullname" .) -}}
{{- end -}}

{{/* The image: repository (required) with a digest when one is given, else the tag. */}}
{{- define "seawall.image" -}}
{{- $repository := required "image.repository is required: the registry copy of the Seawall image, e.g. 111122223333.dkr.ecr.ca-central-1.amazonaws.com/seawall (docs/install.md)" .Values.image.repository -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/* shutdownGrace (e.g. 30s, 1m, 1m30s) in whole seconds. */}}
{{- define "seawall.shutdownGraceSeconds" -}}
{{- $grace := .Values.shutdownGrace -}}
{{- $minutes := regexFind "[0-9]+m" $grace | trimSuffix "m" | default "0" | atoi -}}
{{- $seconds := regexFind "[0-9]+s" $grace | trimSuffix "s" | default "0" | atoi -}}
{{- add (mul $minutes 60) $seconds -}}
{{- end -}}
