#!/usr/bin/env bash
# Builds the libFuzzer targets in tests/fuzz into build-fuzz/ (clang, ASan + UBSan) and runs each one briefly over
# its seed corpus: a crash, a sanitizer report, a leak, a timeout or an out-of-memory fails the script.
# Usage: installer/fuzz.sh [seconds per target, default 5]. Skipped (exit 0) when clang++ or its fuzzer runtime
# is missing; installer/install-deps.sh installs both. See tests/fuzz/README.md for longer runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${PATCHBAY_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${1:-5}"
# A fixed seed makes the test command's short run repeat itself (a machine only gets further or less far along
# the same inputs); PATCHBAY_FUZZ_SEED=0 lets libFuzzer pick one, for longer runs by hand.
seed="${PATCHBAY_FUZZ_SEED:-1}"

targets=(jsonata_fuzz_parser jsonata_fuzz_evaluator catalog_fuzz_loader credentials_fuzz_file
         webhook_fuzz_verify)
# target -> seed corpus folder and dictionary (relative to tests/fuzz)
declare -A corpus=(
    [jsonata_fuzz_parser]=corpus/jsonata
    [jsonata_fuzz_evaluator]=corpus/jsonata
    [catalog_fuzz_loader]=corpus/catalog
    [credentials_fuzz_file]=corpus/credentials
    [webhook_fuzz_verify]=corpus/webhook
)
declare -A dict=(
    [jsonata_fuzz_parser]=jsonata.dict
    [jsonata_fuzz_evaluator]=jsonata.dict
    [catalog_fuzz_loader]=yaml.dict
    [credentials_fuzz_file]=credentials.dict
    [webhook_fuzz_verify]=webhook.dict
)

cxx=$(command -v clang++ || true)
if [ -z "$cxx" ] || ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char *, unsigned long) { return 0; }' |
        "$cxx" -x c++ -fsanitize=fuzzer,address,undefined -o /dev/null - 2>/dev/null; then
    echo "fuzz: clang++ with libFuzzer not found, skipping the fuzz run (install clang and libclang-rt-14-dev)"
    exit 0
fi

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DPATCHBAY_FUZZ=ON -DPATCHBAY_WERROR=ON > "$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 1; }
cmake --build "$build" -j2 --target "${targets[@]}"

# UndefinedBehaviorSanitizer only prints by default; a report must fail the run like any other finding.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# Inputs libFuzzer generates go to a scratch directory; the seed corpus in the repository is only read.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=()
for t in "${targets[@]}"; do
    mkdir -p "$scratch/$t/new" "$scratch/$t/artifacts"
    echo "fuzz: $t for ${seconds}s over tests/fuzz/${corpus[$t]}"
    if ! (cd "$scratch/$t" && "$build/tests/fuzz/$t" -max_total_time="$seconds" -seed="$seed" -timeout=10 -rss_limit_mb=2048 \
            -max_len=4096 -dict="$root/tests/fuzz/${dict[$t]}" -artifact_prefix="$scratch/$t/artifacts/" \
            -print_final_stats=0 "$scratch/$t/new" "$root/tests/fuzz/${corpus[$t]}" > "$scratch/$t/log" 2>&1); then
        tail -n 60 "$scratch/$t/log"
        for a in "$scratch/$t/artifacts"/*; do
            [ -e "$a" ] || continue
            mkdir -p "$build/findings/$t" && cp "$a" "$build/findings/$t/"
            echo "fuzz: $t failed on $(basename "$a") (kept in $build/findings/$t; replay: $build/tests/fuzz/$t FILE)"
        done
        failed+=("$t")
    else
        grep -E '^(#[0-9]+ +DONE|Done [0-9]+ runs)' "$scratch/$t/log" | tail -n 1 || true
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]}"
    exit 1
fi
echo "fuzz: all ${#targets[@]} targets passed"
