#!/usr/bin/env bash
# On-demand benchmark of the back-office contact search (never run by CI).
#
# For each backend (SQLite, PostgreSQL): create a throwaway database, migrate it with the release
# `portal` binary, bulk-load N synthetic contacts with SQL, start `portal serve` on 127.0.0.1 and
# time GET /backoffice/v1/contacts?search=... sequentially for several query classes.
# Writes bench/results/<UTC timestamp>.md and prints it. See bench/README.md.
#
#   bench/search.sh                   # N=1000000, both backends
#   N=100000 bench/search.sh          # quick run
#
# Knobs (environment): N, BACKENDS ("sqlite postgres"), REQUESTS (200 per class),
# CLASS_SECONDS (30: cap per class), WARMUP (5 per class), REQUEST_TIMEOUT_S (60), TWO_CHAR (jo),
# NO_HITS (georgoiu), PORTAL_BIN (skip the build and use this binary), PG_BIN (PostgreSQL bin
# dir), SQLITE_ANALYZE (1), KEEP_TMP (1 keeps the temp dir), BENCH_TMPDIR (parent of the temp dir).
set -Eeuo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
N=${N:-1000000}
BACKENDS=${BACKENDS:-"sqlite postgres"}
TWO_CHAR=${TWO_CHAR:-jo}
NO_HITS=${NO_HITS:-georgoiu}
SQLITE_ANALYZE=${SQLITE_ANALYZE:-1}
KEEP_TMP=${KEEP_TMP:-0}
export REQUESTS=${REQUESTS:-200} CLASS_SECONDS=${CLASS_SECONDS:-30} WARMUP=${WARMUP:-5}

# shellcheck source=lib/common.sh
source "$HERE/lib/common.sh"

[[ $N =~ ^[0-9]+$ ]] && ((N >= 1000)) || die "N must be a whole number >= 1000 (got $N)"
command -v node >/dev/null || die "node (20+) is required"
command -v curl >/dev/null || die "curl is required"
BENCH="$HERE/bench.mjs"

# ------------------------------------------------------------------ temp dir and cleanup
make_work search-bench

# ------------------------------------------------------------------ prerequisites
if [[ $BACKENDS == *sqlite* ]]; then need_sqlite3; fi
if [[ $BACKENDS == *postgres* ]]; then find_pg_bin; fi


STARTED_UTC=$(date -u +%Y-%m-%dT%H:%M:%SZ)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
END_MS=$(date +%s%3N)
B=$(busy_now)
meta run started_utc "$STARTED_UTC"
meta run n "$N"
meta run nproc "$(nproc)"
meta run cpu_model "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)"
meta run mem_gib "$(awk '/MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)"
meta run kernel "$(uname -sr)"
IFS=$'\t' read -r b_load b_comp b_top <<<"$B"
meta run load_start "$b_load"
meta run compilers_start "$b_comp"
meta run top_start "$b_top"
meta run commit "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n $(git -C "$REPO" status --porcelain -- src migrations Cargo.toml Cargo.lock 2>/dev/null) ]]; then
  meta run dirty 1
fi
meta run sqlite_version "$(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo none)"
log "N=$N, backends: $BACKENDS, work dir $WORK"

# ------------------------------------------------------------------ build
if [[ -z ${PORTAL_BIN:-} ]]; then
  TARGET_DIR=${CARGO_TARGET_DIR:-target}
  [[ $TARGET_DIR == /* ]] || TARGET_DIR="$REPO/$TARGET_DIR"
  log "building the release binary (cargo build --release in $REPO)"
  t=$(now)
  step bash -c 'cd "$1" && exec cargo build --release' _ "$REPO"
  meta run build_s "$(since "$t")"
  PORTAL_BIN="$TARGET_DIR/release/portal"
fi
[[ -x $PORTAL_BIN ]] || die "no portal binary at $PORTAL_BIN"
PORTAL_BIN=$(cd "$(dirname "$PORTAL_BIN")" && pwd)/$(basename "$PORTAL_BIN")

# Query targets from the loaded data (same rows on both backends, so the same targets).
# $1 = a function that runs one SQL query and prints the single value.
pick_targets() {
  local q=$1 out=$2 third=$((N / 3)) half=$((N / 2)) twothirds=$((2 * N / 3))
  {
    printf 'common_last\t%s\n' "$($q "SELECT last_name FROM contacts WHERE last_name IS NOT NULL GROUP BY last_name ORDER BY count(*) DESC, last_name LIMIT 1")"
    # Greek block U+0370..U+03FF: code-point order on both (SQLite binary, PostgreSQL C.UTF-8).
    printf 'greek_last\t%s\n' "$($q "SELECT last_name FROM contacts WHERE last_name >= 'Ͱ' AND last_name < 'Ѐ' GROUP BY last_name ORDER BY count(*) DESC, last_name LIMIT 1")"
    printf 'rare_email\t%s\n' "$($q "SELECT email FROM (SELECT email, code FROM contacts WHERE email IS NOT NULL ORDER BY code LIMIT 200 OFFSET $third) c WHERE (SELECT count(*) FROM contacts d WHERE d.email = c.email) = 1 ORDER BY code LIMIT 1")"
    printf 'code\t%s\n' "$($q "SELECT code FROM contacts ORDER BY code LIMIT 1 OFFSET $half")"
    printf 'phone6\t%s\n' "$($q "SELECT substr(phone, 6, 6) FROM contacts WHERE phone IS NOT NULL ORDER BY code LIMIT 1 OFFSET $twothirds")"
    printf 'two_char\t%s\n' "$TWO_CHAR"
    printf 'no_hits\t%s\n' "$NO_HITS"
  } >"$out"
  awk -F'\t' '$2 == "" { print "empty target: " $1; bad = 1 } END { exit bad }' "$out" >&2 || die "could not pick query targets"
  sed 's/^/  target /' "$out" >&2
}

measure() { # backend
  local b=$1 key t
  key=$(portal DATABASE_URL="$URL" "$PORTAL_BIN" api-key create --kind backoffice --label search-bench)
  [[ $key == sk_* ]] || die "$b: could not create a back-office API key"
  start_server "$b" "$URL"
  log "$b: server up at $SERVER_URL; measuring (warm-up $WARMUP/class, then $REQUESTS requests or ${CLASS_SECONDS}s per class)"
  t=$(now)
  step node "$BENCH" measure "$SERVER_URL" "$key" "$WORK/$b.targets.tsv" "$WORK/$b.results.json"
  meta "$b" measure_s "$(since "$t")"
  local slow errors
  slow=$(grep -c 'slow statement' "$WORK/$b.server.log" || true)
  errors=$(grep -c ' ERROR ' "$WORK/$b.server.log" || true)
  meta "$b" slow_statements "$slow"
  meta "$b" server_errors "$errors"
  if ((slow + errors > 0)); then
    log "$b: server logged $slow slow-statement warnings (sqlx: > 2 s) and $errors errors; first lines:"
    grep -E 'slow statement| ERROR ' "$WORK/$b.server.log" | sed 's/\x1b\[[0-9;]*m//g' | head -3 | cut -c1-250 >&2
  fi
  stop_server
}

# ------------------------------------------------------------------ SQLite
run_sqlite() {
  local db="$WORK/sqlite/portal.db"
  mkdir -p "$WORK/sqlite"
  URL="sqlite://$db?mode=rwc"
  log "sqlite: migrate"
  portal DATABASE_URL="$URL" "$PORTAL_BIN" migrate >/dev/null
  sq() { sqlite3 -batch -bail "$db" "$@"; }
  sq1() { sq "$1" | head -1; }

  # Bulk load (lib/common.sh): FTS triggers off, one INSERT ... SELECT, FTS5 rebuild, triggers back.
  sqlite_bulk_load "$db" "$N" "$END_MS"
  sq -separator $'\t' -nullvalue '\N' \
    "SELECT first_name, last_name, company_name, email, phone, code, id, search_text FROM contacts ORDER BY id LIMIT 2000" >"$WORK/sqlite/sample.tsv"
  node "$BENCH" check "$WORK/sqlite/sample.tsv" >&2
  meta sqlite db_bytes "$(($(stat -c %s "$db") + $(stat -c %s "$db-wal" 2>/dev/null || echo 0)))"
  local sizes
  sizes=$(sq "SELECT group_concat(name || ' ' || mib || ' MiB', ', ') FROM (SELECT name, (sum(pgsize) + 524288) / 1048576 AS mib FROM dbstat GROUP BY name ORDER BY sum(pgsize) DESC LIMIT 8)" 2>/dev/null || true)
  [[ -n $sizes ]] && meta sqlite sizes "$sizes"
  meta sqlite load_notes "journal_mode=OFF, synchronous=OFF while loading (WAL afterwards, as the server uses); FTS triggers dropped for the insert, index rebuilt with 'rebuild'; ANALYZE=$SQLITE_ANALYZE; no VACUUM (fresh file, no free pages); search_text of 2000 rows checked against search_text()"
  pick_targets sq1 "$WORK/sqlite.targets.tsv"
  measure sqlite
}

# ------------------------------------------------------------------ PostgreSQL
run_postgres() {
  local port
  port=$(free_port)
  log "postgres: initdb + start on 127.0.0.1:$port ($PG_BIN)"
  # Throwaway-cluster settings: fsync/full_page_writes off only speed up the load (the search is
  # read-only); shared_buffers 1GB so the data set is served from memory like a tuned server.
  local pg_settings="shared_buffers=1GB, maintenance_work_mem=1GB, max_wal_size=8GB, fsync=off, full_page_writes=off, other settings default"
  pg_cluster_start "$WORK/pg" "$port" shared_buffers=1GB maintenance_work_mem=1GB max_wal_size=8GB fsync=off full_page_writes=off
  pq1() { pg_one "$port" "$1"; }
  ps_() { pg_sql "$port" "$@"; }
  meta run pg_version "$(pq1 'SHOW server_version' | cut -d' ' -f1)"
  meta run pg_settings "$pg_settings"
  URL="postgres://postgres@127.0.0.1:$port/portal"
  log "postgres: migrate"
  portal DATABASE_URL="$URL" "$PORTAL_BIN" migrate >/dev/null

  # Bulk load (lib/common.sh): secondary indexes off, one INSERT ... SELECT, indexes back, VACUUM (ANALYZE).
  pg_bulk_load "$port" "$N" "$END_MS"
  ps_ -At -F $'\t' -P null='\N' \
    -c "SELECT first_name, last_name, company_name, email, phone, code, id, search_text FROM contacts ORDER BY id LIMIT 2000" >"$WORK/pg/sample.tsv"
  node "$BENCH" check "$WORK/pg/sample.tsv" >&2
  meta postgres db_bytes "$(pq1 "SELECT pg_database_size('portal')")"
  meta postgres sizes "$(pq1 "SELECT string_agg(relname || ' ' || ((pg_relation_size(oid) + 524288) / 1048576) || ' MiB', ', ' ORDER BY pg_relation_size(oid) DESC) FROM pg_class WHERE relkind IN ('r', 'i') AND (relname = 'contacts' OR oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'contacts'::regclass))")"
  meta postgres load_notes "secondary indexes dropped for the insert and recreated from the migration's definitions; VACUUM (ANALYZE) afterwards; pg_stats correlation of created_at with the heap order: $(pq1 "SELECT round(correlation::numeric, 3) FROM pg_stats WHERE tablename = 'contacts' AND attname = 'created_at'"); search_text of 2000 rows checked against search_text()"
  pick_targets pq1 "$WORK/postgres.targets.tsv"
  measure postgres
  stop_pg
}

for b in $BACKENDS; do
  case $b in
    sqlite) run_sqlite ;;
    postgres) run_postgres ;;
    *) die "unknown backend $b" ;;
  esac
done

B=$(busy_now)
IFS=$'\t' read -r b_load b_comp b_top <<<"$B"
meta run load_end "$b_load"
meta run compilers_end "$b_comp"
meta run top_end "$b_top"
mkdir -p "$HERE/results"
OUT="$HERE/results/$STAMP.md"
node "$BENCH" report "$WORK" "$OUT"
log "written $OUT"
