#!/usr/bin/env bash
# The built-in example: serves examples/repo (a classic chart repository: index.yaml + archives)
# on loopback, then fetches and unpacks a chart from it the way a pipeline stage would.
# Needs only cargo and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --bin chart-fetch --bin chart-untar
bin=$PWD/target/debug
work=$(mktemp -d)
server_out=$work/server.out
python3 tests/peers/serve.py --root examples/repo > "$server_out" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q PORT "$server_out" 2>/dev/null && break; sleep 0.05; done
repo="http://127.0.0.1:$(awk '/PORT/ {print $2}' "$server_out")"

show() { printf '\n$ %s\n' "$*" | sed "s|$bin/||; s|$work|/tmp/demo|g"; "$@" 2>&1 | sed "s|$work|/tmp/demo|g"; }

echo "A chart repository from examples/repo is served at $repo"
show "$bin/chart-fetch" --repo "$repo" hello --version '^1' -d "$work/charts"
show "$bin/chart-untar" "$work/charts/hello-1.1.0.tgz" -d "$work/unpacked"
show "$bin/chart-fetch" --repo "$repo" hello --devel --untar -d "$work/preview" --output json
show ls -R "$work/unpacked"
printf '\nA tampered archive is refused and nothing is left behind:\n'
cp -r examples/repo "$work/tampered" && printf 'x' >> "$work/tampered/hello-1.1.0.tgz"
python3 tests/peers/serve.py --root "$work/tampered" > "$work/t.out" & t=$!
for _ in $(seq 100); do grep -q PORT "$work/t.out" 2>/dev/null && break; sleep 0.05; done
show "$bin/chart-fetch" --repo "http://127.0.0.1:$(awk '/PORT/ {print $2}' "$work/t.out")" hello -d "$work/rejected" || true
kill $t
show ls -A "$work/rejected"
