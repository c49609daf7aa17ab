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

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

[[ $N =~ ^[0-9]+$ ]] && ((N >= 1000)) || die "N must be a whole number >= 1000 (got $N)"
command -v node >/dev/null || die "node (20+) is required"
command -v curl >/dev/null || die "curl is required"
BENCH="$HERE/bench.mjs"

# ------------------------------------------------------------------ temp dir and cleanup
WORK=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/portal-search-bench.XXXXXX")
chmod 711 "$WORK"
mkdir -p "$WORK/run"
SERVER_PID=""
PGDATA=""
CHILD=""

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

stop_pg() {
  [[ -n $PGDATA && -f $PGDATA/postmaster.pid ]] || { PGDATA=""; return 0; }
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 30 stop >/dev/null 2>&1 || {
    local pid
    pid=$(head -1 "$PGDATA/postmaster.pid" 2>/dev/null || true)
    [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null || true
  }
  PGDATA=""
}

cleanup() {
  local rc=$? f
  set +e
  trap - INT TERM HUP
  if [[ -n $CHILD ]]; then # the running step and, when it is a shell function, its children
    kill $(ps -o pid= --ppid "$CHILD" 2>/dev/null) "$CHILD" 2>/dev/null
    wait "$CHILD" 2>/dev/null
  fi
  if ((rc != 0)); then
    for f in "$WORK"/*.server.log "$WORK/pg/server.log"; do
      [[ -s $f ]] || continue
      log "last lines of $f:"
      tail -5 "$f" | cut -c1-300 >&2
    done
  fi
  stop_server
  stop_pg
  if [[ $KEEP_TMP == 1 ]]; then
    log "temp files kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Long steps run in the background and are waited for, so a signal interrupts the wait at once
# (bash defers traps while a foreground child runs); cleanup then kills the step.
CHILD=""
step() {
  local rc=0
  "$@" <&0 &
  CHILD=$!
  wait "$CHILD" || rc=$?
  CHILD=""
  return $rc
}

# ------------------------------------------------------------------ prerequisites
if ! command -v sqlite3 >/dev/null && [[ $BACKENDS == *sqlite* ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing the sqlite3 CLI (Debian package sqlite3)"
    apt-get install -y -qq sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }
  fi
  command -v sqlite3 >/dev/null || die "the sqlite3 CLI is required (Debian: apt-get install sqlite3)"
fi
if [[ $BACKENDS == *postgres* ]]; then
  if [[ -z ${PG_BIN:-} ]]; then
    if command -v pg_config >/dev/null && [[ -x $(pg_config --bindir)/initdb ]]; then
      PG_BIN=$(pg_config --bindir)
    else
      PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    fi
  fi
  [[ -x ${PG_BIN:-}/initdb && -x $PG_BIN/postgres ]] || die "PostgreSQL server binaries not found (set PG_BIN)"
  command -v psql >/dev/null || die "psql is required"
fi

meta() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$WORK/meta.tsv"; }
busy_now() { node "$BENCH" busy; } # "l1 l5 l15<TAB>compilers<TAB>top CPU users"

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

# The server reads .env from its working directory: run it from the temp dir, never the repo.
cd "$WORK/run"
portal() { env -u DATABASE_URL -u BIND_ADDR DATA_DIR="$WORK/run/data" SITE_ROOT="$REPO" RUST_LOG=warn NO_COLOR=1 "$@"; }

start_server() { # backend url
  local b=$1 url=$2 port t
  port=$(node "$BENCH" port)
  t=$(now)
  # env execs the server, so $! is the server's own pid
  env -u DATABASE_URL -u BIND_ADDR DATA_DIR="$WORK/run/data" SITE_ROOT="$REPO" RUST_LOG=warn NO_COLOR=1 \
    DATABASE_URL="$url" BIND_ADDR="127.0.0.1:$port" "$PORTAL_BIN" serve >"$WORK/$b.server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/$b.server.log" >&2; die "$b: server exited"; }
    sleep 0.1
  done
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" || die "$b: server not healthy after 60 s"
  meta "$b" server_start_s "$(since "$t")"
  SERVER_URL="http://127.0.0.1:$port"
}

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
  local db="$WORK/sqlite/portal.db" t t0
  mkdir -p "$WORK/sqlite"
  URL="sqlite://$db?mode=rwc"
  log "sqlite: migrate"
  portal DATABASE_URL="$URL" "$PORTAL_BIN" migrate >/dev/null
  sq() { sqlite3 -batch -bail "$db" "$@"; }
  sq1() { sq "$1" | head -1; }

  # Bulk load: drop the FTS triggers (definitions saved from the migrated schema), insert all rows
  # with one INSERT ... SELECT over a recursive CTE in one transaction, then rebuild the FTS5 index
  # from the table and put the triggers back, exactly as the migration defined them.
  sq "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contacts'" >"$WORK/sqlite/triggers.sql"
  sq "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contacts'" >"$WORK/sqlite/drop.sql"
  node "$BENCH" sql sqlite "$N" "$END_MS" >"$WORK/sqlite/load.sql"
  log "sqlite: inserting $N contacts"
  t0=$(now)
  t=$(now)
  step sq >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1048576;
PRAGMA temp_store = MEMORY;
BEGIN;
.read $WORK/sqlite/drop.sql
.read $WORK/sqlite/load.sql
COMMIT;
SQL
  meta sqlite insert_s "$(since "$t")"
  log "sqlite: rebuilding the FTS5 trigram index"
  t=$(now)
  step sq >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1048576;
BEGIN;
INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild');
.read $WORK/sqlite/triggers.sql
COMMIT;
PRAGMA journal_mode = WAL;
SQL
  meta sqlite index_s "$(since "$t")"
  t=$(now)
  if [[ $SQLITE_ANALYZE == 1 ]]; then
    log "sqlite: ANALYZE"
    step sq "ANALYZE;"
  fi
  meta sqlite analyze_s "$(since "$t")"
  meta sqlite load_total_s "$(since "$t0")"
  local rows triggers
  rows=$(sq1 "SELECT count(*) FROM contacts")
  triggers=$(sq1 "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contacts'")
  [[ $rows == "$N" ]] || die "sqlite: expected $N rows, found $rows"
  [[ $triggers == $(grep -c 'CREATE TRIGGER' "$WORK/sqlite/triggers.sql") ]] || die "sqlite: FTS triggers not restored"
  [[ $(sq1 "SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH '\"$(sq1 "SELECT lower(code) FROM contacts LIMIT 1")\"'") == 1 ]] ||
    die "sqlite: FTS index does not find a loaded code"
  meta sqlite rows "$rows"
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
  local t t0 port
  port=$(node "$BENCH" port)
  mkdir -p "$WORK/pg"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$WORK/pg"
  PGDATA="$WORK/pg/data"
  log "postgres: initdb + start on 127.0.0.1:$port ($PG_BIN)"
  as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$WORK/pg-initdb.log" 2>&1 ||
    { cat "$WORK/pg-initdb.log" >&2; die "initdb failed"; }
  # Throwaway-cluster settings: fsync/full_page_writes off only speed up the load (the search is
  # read-only); shared_buffers 1GB so the data set is served from memory like a tuned server.
  local pg_settings="shared_buffers=1GB, maintenance_work_mem=1GB, max_wal_size=8GB, fsync=off, full_page_writes=off, other settings default"
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$WORK/pg/server.log" -w -t 60 \
    -o "-k $WORK/pg -p $port -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c maintenance_work_mem=1GB -c max_wal_size=8GB -c fsync=off -c full_page_writes=off" \
    start >/dev/null || { cat "$WORK/pg/server.log" >&2; die "postgres did not start"; }
  export PGCONNECT_TIMEOUT=10
  ps_() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d portal "$@"; }
  pq1() { ps_ -At -c "$1" | head -1; }
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE portal"
  meta run pg_version "$(pq1 'SHOW server_version' | cut -d' ' -f1)"
  meta run pg_settings "$pg_settings"
  URL="postgres://postgres@127.0.0.1:$port/portal"
  log "postgres: migrate"
  portal DATABASE_URL="$URL" "$PORTAL_BIN" migrate >/dev/null

  # Bulk load: drop the secondary indexes (definitions saved from the migrated schema; primary
  # key and unique constraint stay), insert all rows with one INSERT ... SELECT over
  # generate_series in one transaction, then recreate the indexes from the saved definitions.
  local keep="NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)"
  ps_ -At -c "SELECT indexdef || ';' FROM pg_indexes i WHERE schemaname = 'public' AND tablename = 'contacts' AND $keep ORDER BY indexname" >"$WORK/pg/indexes.sql"
  ps_ -At -c "SELECT format('DROP INDEX %I.%I;', schemaname, indexname) FROM pg_indexes i WHERE schemaname = 'public' AND tablename = 'contacts' AND $keep" >"$WORK/pg/drop.sql"
  grep -q gin_trgm_ops "$WORK/pg/indexes.sql" || die "postgres: trigram index not found in the schema"
  node "$BENCH" sql postgres "$N" "$END_MS" >"$WORK/pg/load.sql"
  log "postgres: inserting $N contacts"
  t0=$(now)
  t=$(now)
  step ps_ >/dev/null <<SQL
SET work_mem = '256MB';
SET client_min_messages = warning;
BEGIN;
\i $WORK/pg/drop.sql
\i $WORK/pg/load.sql
COMMIT;
SQL
  meta postgres insert_s "$(since "$t")"
  log "postgres: creating indexes ($(wc -l <"$WORK/pg/indexes.sql") incl. the pg_trgm GIN index)"
  t=$(now)
  step ps_ >/dev/null <<SQL
SET maintenance_work_mem = '1GB';
\i $WORK/pg/indexes.sql
SQL
  meta postgres index_s "$(since "$t")"
  log "postgres: VACUUM (ANALYZE)"
  t=$(now)
  step ps_ -c "VACUUM (ANALYZE) contacts"
  ps_ -c "ANALYZE"
  meta postgres analyze_s "$(since "$t")"
  meta postgres load_total_s "$(since "$t0")"
  local rows
  rows=$(pq1 "SELECT count(*) FROM contacts")
  [[ $rows == "$N" ]] || die "postgres: expected $N rows, found $rows"
  meta postgres rows "$rows"
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
