#!/usr/bin/env bash
# Benchmarks, not tests: chart-fetch against `helm pull` (3.17.3 and 4.1.4) on the same loopback
# repositories in the same run, and chart-untar against `tar -xzf` on the same archive.
# Prints medians, peak RSS and ratios as a Markdown table (absolute times vary between machines).
set -euo pipefail
cd "$(dirname "$0")/../.."
tests/install-peers.sh >/dev/null
RUSTFLAGS='-C target-feature=+crt-static' cargo build -q --release --target x86_64-unknown-linux-gnu \
  -p chart-fetch -p chart-untar
bin=$PWD/target/x86_64-unknown-linux-gnu/release
peers=$PWD/target/peers/bin
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$work"' EXIT
export HELM_CONFIG_HOME=$work/helm/config HELM_CACHE_HOME=$work/helm/cache HELM_DATA_HOME=$work/helm/data

serve() { # dir name: starts a server in the background, its URL in $work/name.url
  python3 tests/peers/serve.py --root "$1" > "$work/$2.port" 2>/dev/null & pids+=($!)
  for _ in $(seq 200); do grep -q PORT "$work/$2.port" 2>/dev/null && break; sleep 0.05; done
  echo "http://127.0.0.1:$(awk '/PORT/ {print $2}' "$work/$2.port")" > "$work/$2.url"
}

mkdir -p "$work/big"
cp examples/repo/*.tgz "$work/big/"
python3 tests/bench/gen-index.py --real examples/repo/index.yaml --out "$work/big/index.yaml"
serve examples/repo small
serve "$work/big" big
small=$(cat "$work/small.url")
big=$(cat "$work/big.url")
entries=$(grep -c '^  - ' "$work/big/index.yaml")
size=$(du -m "$work/big/index.yaml" | cut -f1)

# A chart archive with many files for chart-untar vs tar.
mkdir -p "$work/wide/wide/templates"
printf 'apiVersion: v2\nname: wide\nversion: 1.0.0\n' > "$work/wide/wide/Chart.yaml"
for i in $(seq 400); do head -c 6000 /dev/urandom | base64 > "$work/wide/wide/templates/t$i.yaml"; done
tar -czf "$work/wide.tgz" -C "$work/wide" wide

rss() { # median peak RSS in KB of 3 runs of the command
  for _ in 1 2 3; do /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; done | sort -n | sed -n 2p
}

hf() { hyperfine -N --style none --export-json "$work/$1.json" "${@:2}" >/dev/null; }

mkdir -p "$work/h3" "$work/h4"  # helm 4 does not create the -d folder
fetch_small="$bin/chart-fetch --repo $small hello -d $work/o -q"
hf small --warmup 3 --runs 30 -n chart-fetch "$fetch_small" \
  -n helm-3.17.3 "$peers/helm-3.17.3 pull --repo $small hello -d $work/h3" \
  -n helm-4.1.4 "$peers/helm-4.1.4 pull --repo $small hello -d $work/h4"
fetch_big="$bin/chart-fetch --repo $big hello -d $work/o -q"
hf big --warmup 1 --runs 5 -n chart-fetch "$fetch_big" \
  -n helm-3.17.3 "$peers/helm-3.17.3 pull --repo $big hello -d $work/h3" \
  -n helm-4.1.4 "$peers/helm-4.1.4 pull --repo $big hello -d $work/h4"
hf untar --warmup 3 --runs 30 --prepare "rm -rf $work/u" \
  -n chart-untar "$bin/chart-untar $work/wide.tgz -d $work/u -q" \
  -n "tar -xzf" "bash -c 'mkdir -p $work/u && tar -xzf $work/wide.tgz -C $work/u'"
hf startup --warmup 3 --runs 30 -n chart-fetch "$bin/chart-fetch --help" -n helm-3.17.3 "$peers/helm-3.17.3 version"

declare -A mem
mem[small,chart-fetch]=$(rss $fetch_small)
mem[small,helm-3.17.3]=$(rss "$peers/helm-3.17.3" pull --repo "$small" hello -d "$work/h3")
mem[small,helm-4.1.4]=$(rss "$peers/helm-4.1.4" pull --repo "$small" hello -d "$work/h4")
mem[big,chart-fetch]=$(rss $fetch_big)
mem[big,helm-3.17.3]=$(rss "$peers/helm-3.17.3" pull --repo "$big" hello -d "$work/h3")
mem[big,helm-4.1.4]=$(rss "$peers/helm-4.1.4" pull --repo "$big" hello -d "$work/h4")
for k in "${!mem[@]}"; do echo "$k ${mem[$k]}"; done > "$work/rss.txt"

python3 - "$work" "$entries" "$size" <<'PY'
import json, sys, statistics
work, entries, size = sys.argv[1], sys.argv[2], sys.argv[3]
rss = {}
for line in open(f"{work}/rss.txt"):
    key, kb = line.split()
    rss[tuple(key.split(","))] = int(kb)
def load(name):
    return {r["command"]: statistics.median(r["times"]) for r in json.load(open(f"{work}/{name}.json"))["results"]}
print(f"| case | command | median wall time | peak RSS | vs chart-fetch / chart-untar |")
print("|---|---|---|---|---|")
for case, label in [("small", "small repo (3 entries)"), ("big", f"big index ({entries} entries, {size} MB)")]:
    t = load(case)
    ours = t["chart-fetch"]
    for cmd, sec in t.items():
        mem = rss.get((case, cmd))
        ratio = "1x" if cmd == "chart-fetch" else f"{sec / ours:.1f}x slower, {mem / rss[(case, 'chart-fetch')]:.1f}x more memory"
        print(f"| {label} | {cmd} | {sec * 1000:.1f} ms | {mem / 1024:.1f} MiB | {ratio} |")
t = load("untar")
print(f"| 400-file archive | chart-untar | {t['chart-untar'] * 1000:.1f} ms | | {t['chart-untar'] / t['tar -xzf']:.2f}x the time of tar -xzf |")
print(f"| 400-file archive | tar -xzf | {t['tar -xzf'] * 1000:.1f} ms | | |")
t = load("startup")
print(f"| start-up | chart-fetch --help | {t['chart-fetch'] * 1000:.1f} ms | | |")
print(f"| start-up | helm version | {t['helm-3.17.3'] * 1000:.1f} ms | | {t['helm-3.17.3'] / t['chart-fetch']:.0f}x chart-fetch |")
PY
ls -l "$bin/chart-fetch" "$bin/chart-untar" | awk '{printf "binary %s: %.1f MiB (static, stripped)\n", $9, $5 / 1048576}' | sed "s|$bin/||"
