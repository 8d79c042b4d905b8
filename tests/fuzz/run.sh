#!/usr/bin/env bash
# Builds and runs every cargo-fuzz target, one after another, for N seconds each, then prints a
# table and exits non-zero on any finding. Not run by CI: it takes minutes per target.
#
#   tests/fuzz/run.sh [SECONDS [TARGET...]]    (SECONDS defaults to $FUZZ_SECONDS, then 180)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); RUSTC_BOOTSTRAP=1 lets it use the stable
# toolchain's sanitizer flags. Working corpora, logs and crash files go under target/fuzz-run/.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-${FUZZ_SECONDS:-180}}
shift $(($# > 0 ? 1 : 0))
export RUSTC_BOOTSTRAP=1

# step:target, in the order they run.
all=(chart-untar:archive chart-fetch:index chart-fetch:oci_reference chart-fetch:link_header
    chart-fetch:challenge checkout-guard:lint build-notify:expand)
wanted=("$@")
selected=()
for entry in "${all[@]}"; do
    if ((${#wanted[@]} == 0)) || [[ " ${wanted[*]} " == *" ${entry#*:} "* ]]; then
        selected+=("$entry")
    fi
done
((${#selected[@]} > 0)) || { echo "no such target: ${wanted[*]}" >&2; exit 2; }

# One target folder for all the fuzz crates: they share most of their (sanitized) dependencies.
target_dir="$root/target/fuzz"
out="$root/target/fuzz-run"
mkdir -p "$out"

built=" "
for entry in "${selected[@]}"; do
    step=${entry%%:*}
    [[ $built == *" $step "* ]] && continue
    echo "== building $step's fuzz targets" >&2
    cargo fuzz build --fuzz-dir "$root/steps/$step/fuzz" --target-dir "$target_dir" >&2
    built+="$step "
done

rows=()
findings=0
for entry in "${selected[@]}"; do
    step=${entry%%:*} target=${entry#*:}
    work="$out/$target"
    mkdir -p "$work/corpus" "$work/artifacts"
    rm -f "$work"/fuzz-*.log "$work"/artifacts/*
    echo "== fuzzing $target for ${seconds}s" >&2
    # -jobs=1: one worker process (the machine is shared); it logs to fuzz-0.log in its folder.
    status=0 start=$SECONDS
    (cd "$work" && "$target_dir/x86_64-unknown-linux-gnu/release/$target" corpus \
        "$root/steps/$step/fuzz/corpus/$target" -jobs=1 -max_total_time="$seconds" -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$work/artifacts/" >/dev/null 2>&1) || status=$?
    elapsed=$((SECONDS - start)) log="$work/fuzz-0.log"
    execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    corpus=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    crashes=$(find "$work/artifacts" -type f ! -name 'slow-unit-*' | sort | tr '\n' ' ')
    if [[ -n $crashes ]]; then
        result="FINDING: $crashes(log: $log)"
        findings=$((findings + 1))
    elif ((status != 0)); then
        result="FAILED (exit $status, log: $log)"
        findings=$((findings + 1))
    else
        result="no finding"
    fi
    rows+=("$(printf '| %s | %s | %s | %s | %s |' "$target" "$elapsed" "${execs:-?}" "${corpus:-?}" "$result")")
done

echo
echo "| target | seconds | executions | corpus | result |"
echo "| --- | ---: | ---: | ---: | --- |"
printf '%s\n' "${rows[@]}"
exit $((findings > 0))
