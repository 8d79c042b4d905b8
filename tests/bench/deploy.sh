#!/usr/bin/env bash
# Benchmarks, not tests: chart-deploy against helm on the Kubernetes API STAND-IN (profiles 1.14 with
# helm 3.5.4 and 1.33 with helm 3.17.3, `--profiles`), in the
# same run: the time from the last pod turning Ready to the step exiting (ours vs `helm upgrade
# --install --wait`, which polls every 2 s), the time to report a pod in ImagePullBackOff (ours vs
# helm, which waits out its --timeout), our overhead over a bare `helm upgrade --install`, and the
# size of the static binaries. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
tests/install-peers.sh >/dev/null
RUSTFLAGS='-C target-feature=+crt-static' cargo build -q --release --target x86_64-unknown-linux-gnu \
  -p chart-deploy -p pull-secret
exec python3 tests/bench/deploy.py --bin target/x86_64-unknown-linux-gnu/release --peers target/peers/bin
