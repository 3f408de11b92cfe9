#!/usr/bin/env bash
# The README's first command (`make demo`): runs the operator against an embedded local control plane
# with the sample programme, a local CalDAV server (Radicale, when installed), a local SMTP relay
# (aiosmtpd, when installed) and a local webhook receiver, then shows what an admin sees. No cluster
# needed.
#
#   make demo              # stays up until Ctrl-C, so you can explore with kubectl
#   DEMO_ONCE=1 make demo  # prints and exits (CI runs it this way)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STATE=$ROOT/.local-cluster
SAMPLE=${DEMO_SAMPLE:-config/samples/digital-leaders}
NAMESPACE=${DEMO_NAMESPACE:-mentoring-demo}
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

pids=()
cleanup() {
  trap - EXIT INT TERM
  step "Stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  hack/local-cluster.sh stop
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "Building the operator, the kubectl plugin and the demo's webhook receiver"
make --no-print-directory build
go build -o bin/webhook-receiver ./hack/webhook-receiver
step "Building (first time only: several minutes) and starting kube-apiserver and etcd"
hack/local-cluster.sh start
ASSETS=$(hack/envtest-assets.sh)
export KUBECONFIG=$STATE/kubeconfig PATH=$ROOT/bin:$ASSETS:$PATH
mkdir -p "$STATE/radicale"

calendar='"feed": true'
if /usr/bin/python3 -c 'import radicale' 2>/dev/null; then
  DAV_PORT=$(free_port)
  DAV_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  step "Starting Radicale, a CalDAV server, on 127.0.0.1:$DAV_PORT"
  echo "mentoring:$DAV_PASSWORD" >"$STATE/radicale/users"
  /usr/bin/python3 -m radicale --config --server-hosts "127.0.0.1:$DAV_PORT" --auth-type htpasswd \
    --auth-htpasswd-filename "$STATE/radicale/users" --auth-htpasswd-encryption plain --rights-type owner_only \
    --web-type none --storage-filesystem-folder "$STATE/radicale/collections" >"$STATE/radicale.log" 2>&1 &
  pids+=($!)
  calendar="\"feed\": true, \"caldav\": {\"url\": \"http://127.0.0.1:$DAV_PORT/mentoring/digital-leaders/\", \"credentialsSecretRef\": {\"name\": \"demo-caldav\"}}"
else
  step "Radicale is not installed (apt-get install python3-radicale): meetings go to calendar feeds only"
fi

email=''
if /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
  SMTP_PORT=$(free_port)
  MAIL_DIR=$STATE/mail
  rm -rf "$MAIL_DIR"
  step "Starting aiosmtpd, an SMTP relay, on 127.0.0.1:$SMTP_PORT (messages in $MAIL_DIR/new)"
  /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$MAIL_DIR" >"$STATE/smtp.log" 2>&1 &
  pids+=($!)
  email=", \"email\": {\"address\": \"127.0.0.1:$SMTP_PORT\", \"tls\": \"None\", \"from\": \"office@example.org\",
    \"fromName\": \"Digital leaders programme office\", \"maxMessagesPerMinute\": 600}"
else
  step "aiosmtpd is not installed (apt-get install python3-aiosmtpd): nobody is introduced by email"
fi

HOOK_PORT=$(free_port)
HOOK_SECRET="whsec_$(head -c 24 /dev/urandom | base64)"
step "Starting the webhook receiver on 127.0.0.1:$HOOK_PORT (deliveries in $STATE/webhooks.log)"
bin/webhook-receiver -addr "127.0.0.1:$HOOK_PORT" -secret "$HOOK_SECRET" >"$STATE/webhooks.log" 2>&1 &
pids+=($!)

FEED_PORT=$(free_port)
step "Starting the operator (logs in $STATE/manager.log)"
bin/manager --leader-elect=false --metrics-bind-address=0 --health-probe-bind-address=127.0.0.1:0 \
  --allow-loopback --feed-bind-address="127.0.0.1:$FEED_PORT" --feed-base-url="http://127.0.0.1:$FEED_PORT" \
  >"$STATE/manager.log" 2>&1 &
pids+=($!)

step "Applying the sample programme from $SAMPLE into namespace $NAMESPACE"
kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl create secret generic demo-webhook -n "$NAMESPACE" --from-literal=url="http://127.0.0.1:$HOOK_PORT/hr" \
  --from-literal=secret="$HOOK_SECRET" >/dev/null
if [[ -n "${DAV_PASSWORD:-}" ]]; then
  kubectl create secret generic demo-caldav -n "$NAMESPACE" --from-literal=username=mentoring \
    --from-literal=password="$DAV_PASSWORD" >/dev/null
fi
kubectl apply -n "$NAMESPACE" -k "$SAMPLE"
programme=$(kubectl get programmes -n "$NAMESPACE" -o jsonpath='{.items[0].metadata.name}')

step "Starting the programme today and connecting its calendar, webhook and email"
today=$(date -u +%F)
kubectl patch programme "$programme" -n "$NAMESPACE" --type merge -p "{\"spec\": {
  \"schedule\": {\"start\": \"$today\", \"enrolmentDeadline\": \"$(date -u -d '+30 days' +%F)\", \"end\": \"$(date -u -d '+180 days' +%F)\"},
  \"integrations\": {\"calendar\": {$calendar},
    \"webhooks\": [{\"name\": \"hr\", \"format\": \"StandardWebhooks\", \"urlSecretRef\": {\"name\": \"demo-webhook\"},
      \"signingSecretRef\": {\"name\": \"demo-webhook\", \"key\": \"secret\"}}]$email}}}"

step "Waiting for the programme and its pairings to be Ready"
if ! kubectl wait -n "$NAMESPACE" --for=condition=Ready --timeout=180s "programme/$programme" ||
  ! kubectl wait -n "$NAMESPACE" --for=condition=Ready --timeout=120s pairings --all; then
  kubectl get programmes,pairings -n "$NAMESPACE" -o yaml | tail -n 80
  tail -n 50 "$STATE/manager.log"
  exit 1
fi

step "kubectl get programmes,participants,pairings -n $NAMESPACE"
kubectl get programmes,participants,pairings -n "$NAMESPACE" -o wide

step "kubectl mentoring status $programme -n $NAMESPACE"
kubectl mentoring status "$programme" -n "$NAMESPACE"

step "Next meetings, in each person's own time zone"
kubectl get pairings -n "$NAMESPACE" -o custom-columns='MENTOR:.spec.mentorRef.name,MENTEE:.spec.menteeRef.name,MENTOR TIME:.status.meeting.nextMeetingMentor,MENTEE TIME:.status.meeting.nextMeetingMentee,CALENDAR:.status.conditions[?(@.type=="CalendarSynced")].reason'
if [[ -n "${DAV_PASSWORD:-}" ]]; then
  events=$(ls "$STATE/radicale/collections/collection-root/mentoring/digital-leaders" | grep -c '\.ics$')
  echo "Radicale holds $events meeting series in /mentoring/digital-leaders/."
fi
mentee=$(kubectl get pairings -n "$NAMESPACE" -o jsonpath='{.items[0].spec.menteeRef.name}')
feed=$(kubectl get secret "$mentee-calendar-feed" -n "$NAMESPACE" -o jsonpath='{.data.url}' | base64 -d)
echo "Calendar feed of $mentee (subscribe to it in Outlook, Google or Apple Calendar): $feed"
echo "It holds $(curl -fsS "$feed" | grep -c 'BEGIN:VEVENT') meeting series."

if [[ -n "$email" ]]; then
  step "Introductions and invitations by email, as the relay received them"
  kubectl get pairings -n "$NAMESPACE" -o custom-columns='PAIRING:.metadata.name,EMAIL:.status.conditions[?(@.type=="EmailSent")].reason,MESSAGES:.status.email.messages[*].kind'
  /usr/bin/python3 - "$MAIL_DIR" <<'PY'
import email, email.policy, pathlib, sys
files = sorted(pathlib.Path(sys.argv[1], "new").iterdir(), key=lambda p: p.stat().st_mtime)
print(f"{len(files)} messages in {sys.argv[1]}/new (open one in a mail program to see it as people will):")
for path in files[:8]:
    m = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    parts = [p.get_content_type() + ("; method=" + p.get_param("method") if p.get_param("method") else "") for p in m.iter_parts()]
    print(f"  {m['to']}: {m['subject']}  [{', '.join(parts)}]")
if len(files) > 8:
    print(f"  … and {len(files) - 8} more")
PY
fi

step "Webhook deliveries, verified and deduplicated by the receiver"
curl -fsS "http://127.0.0.1:$HOOK_PORT/stats"
echo
kubectl get programme "$programme" -n "$NAMESPACE" -o custom-columns='WEBHOOK:.status.webhooks[*].name,PENDING:.status.webhooks[*].pending,LAST SUCCESS:.status.webhooks[*].lastSuccessTime'

cat <<EOF

Explore it yourself:
  export KUBECONFIG=$STATE/kubeconfig PATH=$ROOT/bin:$ASSETS:\$PATH
  kubectl get mentoring -n $NAMESPACE
  kubectl describe programme $programme -n $NAMESPACE
  kubectl mentoring explain -f $SAMPLE --mentee $mentee
  kubectl mentoring plan -f $SAMPLE
EOF

if [[ -n "${DEMO_ONCE:-}" ]]; then
  exit 0
fi
step "The operator keeps running; press Ctrl-C to stop everything"
wait "${pids[-1]}"
