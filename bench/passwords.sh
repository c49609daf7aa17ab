#!/usr/bin/env bash
# Password sign-in rate of the portal next to the raw argon2id rate of this machine.
#   bench/passwords.sh            (SECONDS=15 CONNS=16 USERS=16 by default)
# Builds release binaries, starts a fresh portal on SQLite on a free 127.0.0.1 port, measures,
# stops it. Writes bench/results/passwords-<UTC stamp>.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_RUN="${SECONDS_RUN:-15}" CONNS="${CONNS:-16}" USERS="${USERS:-16}"
TMP="$(mktemp -d)"; PID=""
trap '[[ -n $PID ]] && kill $PID 2>/dev/null; rm -rf "$TMP"' EXIT

cargo build --release --bin portal --example argon2_rate >/dev/null
BIN="${CARGO_TARGET_DIR:-target}/release"
echo "raw argon2id rate (same parameters as the portal):"
RAW="$("$BIN/examples/argon2_rate" 5)"; echo "  $RAW"

PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
export DATABASE_URL="sqlite://$TMP/portal.db?mode=rwc" BIND_ADDR="127.0.0.1:$PORT" RUST_LOG=warn \
  OTP_SEND_COOLDOWN_SECS=0 OTP_SENDS_PER_IP_PER_HOUR=1000000 FAILED_LOGINS_PER_ACCOUNT_PER_HOUR=1000000 DATA_DIR="$TMP"
KEY="$("$BIN/portal" api-key create --kind self-service)"
"$BIN/portal" serve >"$TMP/server.log" 2>&1 & PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
echo "portal password sign-in under load ($CONNS connections, ${SECONDS_RUN}s):"
LOAD="$(node bench/password_load.mjs "http://127.0.0.1:$PORT" "$KEY" "$SECONDS_RUN" "$CONNS" "$USERS")"; echo "  $LOAD"

mkdir -p bench/results
OUT="bench/results/passwords-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "# Password sign-in vs raw argon2id ($(date -u +%F))"
  echo
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- raw argon2id (m=19 MiB, t=2, p=1): \`$RAW\`"
  echo "- portal, SQLite, release build, PASSWORD_HASH_CONCURRENCY=${PASSWORD_HASH_CONCURRENCY:-2}: \`$LOAD\`"
} >"$OUT"
echo "written $OUT"
