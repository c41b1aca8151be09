#!/usr/bin/env bash
# Builds and runs the libFuzzer harnesses of tests/fuzz (see README.md).
#   run.sh build SOURCE_DIR FUZZ_BUILD_DIR [CLANG]   configure + build with clang, TRYGG_FUZZ=ON
#   run.sh run SOURCE_DIR FUZZ_BUILD_DIR NAME SECONDS
#         runs fuzz_NAME for SECONDS over tests/fuzz/corpus/NAME (read only; new inputs go
#         to FUZZ_BUILD_DIR/corpus/NAME) and fails on any crash, leak, sanitizer report,
#         timeout or allocation over the limit; the input is saved under
#         FUZZ_BUILD_DIR/artifacts/ and the command to reproduce it is printed.
set -euo pipefail
mode=$1 src=$2 dir=$3

case "$mode" in
build)
  clang=${4:-clang}
  cmake -S "$src" -B "$dir" -DCMAKE_C_COMPILER="$clang" -DTRYGG_FUZZ=ON \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$dir" -j"$(nproc)"
  ;;
run)
  name=$4 seconds=$5
  bin="$dir/fuzz_$name" seeds="$src/tests/fuzz/corpus/$name"
  [ -x "$bin" ] || { echo "run.sh: $bin is missing: run '$0 build $src $dir' first" >&2; exit 1; }
  [ -d "$seeds" ] || { echo "run.sh: no seed corpus $seeds" >&2; exit 1; }
  mkdir -p "$dir/corpus/$name" "$dir/artifacts"
  log="$dir/fuzz_$name.log"
  set +e
  # -error_exitcode=1: libFuzzer's default, 77, is what CTest treats as "skipped" elsewhere.
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -malloc_limit_mb=64 -error_exitcode=1 \
         -print_final_stats=1 -artifact_prefix="$dir/artifacts/$name-" \
         "$dir/corpus/$name" "$seeds" >"$log" 2>&1
  status=$?
  set -e
  # Every line but libFuzzer's progress ticks (NEW, REDUCE, pulse): still the whole story.
  grep -Ev '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)' "$log" || true
  if [ "$status" != 0 ]; then
    echo "fuzz.$name FAILED (exit $status). Reproduce with:" >&2
    ls -t "$dir/artifacts/$name-"* 2>/dev/null | head -1 | sed "s|^|  $bin |" >&2
  fi
  exit "$status"
  ;;
*)
  echo "usage: $0 build|run ..." >&2
  exit 2
  ;;
esac
