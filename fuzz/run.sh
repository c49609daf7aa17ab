#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 60 s each; `fuzz/run.sh 300` for longer) and
# prints how many inputs each tried. On demand, not part of the test command. Needs cargo-fuzz
# (`cargo install --locked cargo-fuzz`); works on the stable toolchain (no sanitizer).
# A crash leaves its input in fuzz/artifacts/<target>/: turn it into a regression test.
set -euo pipefail
cd "$(dirname "$0")"
SECS="${1:-60}"
TARGETS=(email phone ids bodies tokens)
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz is missing: cargo install --locked cargo-fuzz" >&2; exit 2; }
export RUSTC_BOOTSTRAP=1
cargo fuzz build --sanitizer none 2>&1 | tail -n 3
status=0
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t"
  [[ -d "seeds/$t" ]] && cp -n seeds/"$t"/* "corpus/$t/"
  log="$(mktemp)"
  if cargo fuzz run --sanitizer none "$t" "corpus/$t" -- -max_total_time="$SECS" -print_final_stats=1 >"$log" 2>&1; then
    result=ok
  else
    result=CRASH; status=1
  fi
  execs="$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')"
  printf '%-8s %-6s %12s executions in %ss\n' "$t" "$result" "${execs:-?}" "$SECS"
  [[ $result == ok ]] || tail -n 40 "$log"
  rm -f "$log"
done
exit $status
