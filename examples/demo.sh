#!/usr/bin/env bash
# The main job on the built-in example, start to end, as a pipeline runs it:
#   a chart repository (examples/repo, served on loopback)
#   -> chart-fetch -> chart-untar -> pull-secret -> chart-deploy (one healthy rollout, one that fails
#      and is diagnosed and rolled back) -> build-notify (to a local SMTP server; the mail it received
#      is shown decoded) -> checkout-guard lint (of a Jenkins job config).
# The cluster is the Kubernetes API STAND-IN of the test suite (tests/peers/standin: a Python program
# with the real API's shapes and pretend controllers, scheduler and kubelet), not Kubernetes: no
# cluster can run here. Everything else is real: helm 3.17.3 drives the deploys, aiosmtpd takes the mail.
# Needs cargo and python3; fetches helm 3.17.3 and aiosmtpd on first run (tests/install-peers.sh --demo).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cargo build -q --bins --workspace --exclude xtask
bin=${CARGO_TARGET_DIR:-$root/target}/debug
peers=${DECKHAND_PEERS:-$root/target/peers}
[ -x "$peers/bin/helm-3.17.3" ] && python3 -c 'import aiosmtpd' 2>/dev/null || tests/install-peers.sh --demo >/dev/null
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT

# Starts a peer that prints "PORT <n>" first, and sets $port (not in a subshell: the peer's pid
# must reach the clean-up).
start() { # name command...
  local out=$work/$1.out; shift
  "$@" > "$out" 2>"$out.err" & pids+=($!)
  for _ in $(seq 200); do grep -q '^PORT' "$out" 2>/dev/null && break; sleep 0.05; done
  port=$(awk '/^PORT/ {print $2; exit}' "$out")
}
show() { # runs a step as a user would type it, and shows what they would see
  printf '\n\033[1m$ %s\033[0m\n' "$(echo "$*" | sed "s|$bin/||g; s|$work|/tmp/demo|g; s|$root/||g")"
  local code=0
  "$@" 2>&1 | sed "s|$work|/tmp/demo|g; s|$root/||g" || code=$?
  [ "$code" = 0 ] || printf '(exit code %s)\n' "$code"
}
section() { printf '\n\033[1;34m== %s\033[0m\n' "$*"; }

start repo python3 tests/peers/serve.py --root examples/repo
repo="http://127.0.0.1:$port"
# TLS with a self-signed certificate, as many private clusters have (client-go sends no token
# over plain HTTP). The stand-in reports 1.32, the newest minor helm 3.17 is made for.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/api.key" -out "$work/api.crt" -days 1 \
  -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 2>/dev/null
start kube python3 tests/peers/kube_standin.py --token demo-token --git-version v1.32.3 \
  --tls-cert "$work/api.crt" --tls-key "$work/api.key" --dump "$work/objects.json" --log "$work/kube.log"
kube_port=$port
cat > "$work/kubeconfig" <<EOF
apiVersion: v1
kind: Config
current-context: standin
clusters: [{name: standin, cluster: {server: "https://127.0.0.1:$kube_port", certificate-authority-data: "$(base64 -w0 "$work/api.crt")"}}]
contexts: [{name: standin, context: {cluster: standin, user: ci}}]
users: [{name: ci, user: {token: demo-token}}]
EOF
mkdir -p "$work/mail"
start smtp python3 tests/peers/smtp_server.py --mode plain --out "$work/mail"
smtp_port=$port
export KUBECONFIG=$work/kubeconfig HELM_BIN=$peers/bin/helm-3.17.3
export HELM_CACHE_HOME=$work/helm/cache HELM_CONFIG_HOME=$work/helm/config HELM_DATA_HOME=$work/helm/data
export JOB_NAME=shop/web BUILD_NUMBER=42 BUILD_URL=http://jenkins.example/job/shop/job/web/42/
cd "$work"

section "1. fetch the chart from the repository (served from examples/repo at $repo)"
show "$bin/chart-fetch" --repo "$repo" hello --version '^1' -d charts
section "2. unpack it, with every path, link and size checked"
show "$bin/chart-untar" charts/hello-1.1.0.tgz -d unpacked
section "3. the image-pull secret for the namespace (no registry here, so the login check is skipped)"
printf 's3cr3t-demo' > registry-password
show "$bin/pull-secret" harbor-pull -n shop --create-namespace --registry harbor.example.com \
  --username ci --password-file registry-password --verify never --service-account default
section "4. deploy: a healthy rollout, watched until every pod is ready"
show "$bin/chart-deploy" unpacked/hello --release web -n shop --set image.tag=ready --replicas 2 --timeout 60s
section "5. deploy again with an image that does not exist: diagnosed at once, rolled back"
show "$bin/chart-deploy" unpacked/hello --release web -n shop --set image.tag=pull-missing --replicas 2 --timeout 60s --atomic --grace 0s
section "6. the build's mail (UTF-8, Chinese subject), to a local SMTP server"
show "$bin/build-notify" --smtp-host 127.0.0.1 --smtp-port "$smtp_port" --tls none \
  --from '构建机器人 <ci@example.com>' --to '"Zhang, San" <zhangsan@example.com>' --template failure --lang zh-CN
printf '\nWhat the SMTP server received, decoded as a mail client would:\n'
python3 - "$work"/mail/*.eml <<'EOF'
import email, email.policy, sys
msg = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
for key in ("From", "To", "Subject"):
    print(f"  {key}: {msg[key]}")
body = msg.get_body(("plain", "html"))
print("  " + body.get_content().strip().replace("\n", "\n  "))
EOF
section "7. lint a Jenkins job's config for the lightweight-checkout fallback"
show "$bin/checkout-guard" lint "$root/tests/fixtures/jenkins/job/shop/job/release/config.xml"
printf '\nDone. The cluster was the API stand-in; helm %s, aiosmtpd and the chart repository were real.\n' \
  "$("$HELM_BIN" version --short)"
