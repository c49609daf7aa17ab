# Shared by bench/search.sh and bench/run (sourced, not run): logging, a temp dir that a trap
# cleans up, long steps that a signal interrupts at once, the portal server, a throwaway
# PostgreSQL cluster, and the bulk load of N synthetic contacts.
#
# The sourcing script sets HERE (bench/) and REPO (the repository root) first, and may set
# KEEP_TMP=1 to keep the temp dir. Servers and clusters started through these helpers are
# stopped by the EXIT trap whatever happens (error, signal, normal end).

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() { node "$HERE/bench.mjs" port; }
busy_now() { node "$HERE/bench.mjs" busy; } # "l1 l5 l15<TAB>compilers<TAB>top CPU users"
meta() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$WORK/meta.tsv"; }

# PostgreSQL server binaries: PG_BIN, or pg_config's, or the newest /usr/lib/postgresql/*/bin.
find_pg_bin() {
  if [[ -z ${PG_BIN:-} ]]; then
    if command -v pg_config >/dev/null && [[ -x $(pg_config --bindir)/initdb ]]; then
      PG_BIN=$(pg_config --bindir)
    else
      PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    fi
  fi
  [[ -x ${PG_BIN:-}/initdb && -x $PG_BIN/postgres ]] || die "PostgreSQL server binaries not found (set PG_BIN)"
  command -v psql >/dev/null || die "psql is required"
}

need_sqlite3() {
  command -v sqlite3 >/dev/null && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing the sqlite3 CLI (Debian package sqlite3)"
    apt-get install -y -qq sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }
  fi
  command -v sqlite3 >/dev/null || die "the sqlite3 CLI is required (Debian: apt-get install sqlite3)"
}

# ------------------------------------------------------------------ temp dir and cleanup
SERVER_PID=""
PGDATA=""
CHILD=""

# make_work PREFIX: the run's temp dir in $WORK (traversable by the postgres user), and the traps.
make_work() {
  WORK=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/$1.XXXXXX")
  chmod 711 "$WORK"
  mkdir -p "$WORK/run"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP
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
    for f in "$WORK"/*.server.log "$WORK"/pg*/server.log; do
      [[ -s $f ]] || continue
      log "last lines of $f:"
      tail -5 "$f" | cut -c1-300 >&2
    done
  fi
  stop_server
  stop_pg
  if [[ ${KEEP_TMP:-0} == 1 ]]; then
    log "temp files kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}

# Long steps run in the background and are waited for, so a signal interrupts the wait at once
# (bash defers traps while a foreground child runs); cleanup then kills the step.
step() {
  local rc=0
  "$@" <&0 &
  CHILD=$!
  wait "$CHILD" || rc=$?
  CHILD=""
  return $rc
}

# ------------------------------------------------------------------ the portal
# The server reads .env from its working directory: it runs from $WORK/run, never the repo.
portal() { (cd "$WORK/run" && env -u DATABASE_URL -u BIND_ADDR DATA_DIR="$WORK/run/data" SITE_ROOT="$REPO" RUST_LOG=warn NO_COLOR=1 "$@"); }

# The server runs as a hard link (or copy) of the binary named bench-srv, from a temp dir whose
# name does not say "portal": on a shared machine, someone else's broad `pkill portal` must not
# stop a run midway (it did, more than once).
server_bin() {
  local bin="$WORK/bin/bench-srv"
  if [[ ! -x $bin ]]; then
    mkdir -p "$WORK/bin"
    ln -f "$PORTAL_BIN" "$bin" 2>/dev/null || cp "$PORTAL_BIN" "$bin"
  fi
  echo "$bin"
}

# server_alive WHAT: dies with the server's last log lines when it is gone.
server_alive() {
  kill -0 "$SERVER_PID" 2>/dev/null && return 0
  tail -5 "$WORK/$SERVER_NAME.server.log" >&2
  SERVER_PID=""
  die "the server exited during $1 (log: $WORK/$SERVER_NAME.server.log)"
}

# start_server NAME DATABASE_URL [VAR=value...]: serves on a free 127.0.0.1 port, waits for
# /healthz (120 s at most); sets SERVER_PID (the server's own pid) and SERVER_URL. A command in
# the array SERVER_WRAP (valgrind …) runs the server.
start_server() {
  local name=$1 url=$2 port t bin
  shift 2
  port=$(free_port)
  bin=$(server_bin)
  SERVER_NAME=$name
  t=$(now)
  # env execs the server, so $! is the server's own pid
  (cd "$WORK/run" && exec env -u DATABASE_URL -u BIND_ADDR DATA_DIR="$WORK/run/data" SITE_ROOT="$REPO" RUST_LOG=warn NO_COLOR=1 \
    "$@" DATABASE_URL="$url" BIND_ADDR="127.0.0.1:$port" ${SERVER_WRAP[@]+"${SERVER_WRAP[@]}"} "$bin" serve) >"$WORK/$name.server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 1200); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/$name.server.log" >&2; die "$name: server exited"; }
    sleep 0.1
  done
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" || die "$name: server not healthy after 120 s"
  meta "$name" server_start_s "$(since "$t")"
  SERVER_URL="http://127.0.0.1:$port"
}

# ------------------------------------------------------------------ a throwaway PostgreSQL cluster
# pg_cluster_start DIR PORT [postgres -c settings...]: initdb in DIR/data, start on
# 127.0.0.1:PORT with the socket in DIR, create database `portal`; sets PGDATA (stop_pg stops it).
pg_cluster_start() {
  local dir=$1 port=$2 opts="" s
  shift 2
  for s in "$@"; do opts+=" -c $s"; done
  mkdir -p "$dir"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
  PGDATA="$dir/data"
  as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -p $port -c listen_addresses=127.0.0.1$opts" start >/dev/null ||
    { cat "$dir/server.log" >&2; die "postgres did not start"; }
  export PGCONNECT_TIMEOUT=10
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE portal"
}

# pg_sql PORT psql-args...: on database ${PG_DB:-portal} of the cluster.
pg_sql() { local port=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "${PG_DB:-portal}" "$@"; }
pg_one() { pg_sql "$1" -At -c "$2" | head -1; }

# ------------------------------------------------------------------ bulk loads (bench/README.md, "The data")
# sqlite_bulk_load DB N END_MS: a migrated SQLite file gets N contacts in one INSERT ... SELECT; the
# FTS triggers are dropped meanwhile (definitions saved from the migrated schema), the FTS5 index
# is rebuilt and the triggers put back exactly as the migration defined them. Times go to
# meta (label sqlite). ANALYZE when SQLITE_ANALYZE=1 (the default).
sqlite_bulk_load() {
  local db=$1 n=$2 end_ms=$3 dir t t0
  dir=$(dirname "$db")
  lsq() { sqlite3 -batch -bail "$db" "$@"; }
  lsq1() { lsq "$1" | head -1; }
  lsq "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contacts'" >"$dir/triggers.sql"
  lsq "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contacts'" >"$dir/drop.sql"
  node "$HERE/bench.mjs" sql sqlite "$n" "$end_ms" >"$dir/load.sql"
  log "sqlite: inserting $n contacts"
  t0=$(now)
  t=$(now)
  step lsq >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1048576;
PRAGMA temp_store = MEMORY;
BEGIN;
.read $dir/drop.sql
.read $dir/load.sql
COMMIT;
SQL
  meta sqlite insert_s "$(since "$t")"
  log "sqlite: rebuilding the FTS5 trigram index"
  t=$(now)
  step lsq >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1048576;
BEGIN;
INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild');
.read $dir/triggers.sql
COMMIT;
PRAGMA journal_mode = WAL;
SQL
  meta sqlite index_s "$(since "$t")"
  t=$(now)
  if [[ ${SQLITE_ANALYZE:-1} == 1 ]]; then
    log "sqlite: ANALYZE"
    step lsq "ANALYZE;"
  fi
  meta sqlite analyze_s "$(since "$t")"
  meta sqlite load_total_s "$(since "$t0")"
  local rows triggers
  rows=$(lsq1 "SELECT count(*) FROM contacts")
  triggers=$(lsq1 "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contacts'")
  [[ $rows == "$n" ]] || die "sqlite: expected $n rows, found $rows"
  [[ $triggers == $(grep -c 'CREATE TRIGGER' "$dir/triggers.sql") ]] || die "sqlite: FTS triggers not restored"
  [[ $(lsq1 "SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH '\"$(lsq1 "SELECT lower(code) FROM contacts LIMIT 1")\"'") == 1 ]] ||
    die "sqlite: FTS index does not find a loaded code"
  meta sqlite rows "$rows"
}

# pg_bulk_load PORT N END_MS: database `portal` (migrated) gets N contacts in one INSERT ... SELECT;
# the secondary indexes are dropped meanwhile (definitions saved from the migrated schema; the
# primary key and unique constraints stay) and recreated, then VACUUM (ANALYZE). Times go to meta
# (label postgres).
pg_bulk_load() {
  local port=$1 n=$2 end_ms=$3 dir=$WORK/pgload t t0
  mkdir -p "$dir"
  lps_() { pg_sql "$port" "$@"; }
  local keep="NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)"
  lps_ -At -c "SELECT indexdef || ';' FROM pg_indexes i WHERE schemaname = 'public' AND tablename = 'contacts' AND $keep ORDER BY indexname" >"$dir/indexes.sql"
  lps_ -At -c "SELECT format('DROP INDEX %I.%I;', schemaname, indexname) FROM pg_indexes i WHERE schemaname = 'public' AND tablename = 'contacts' AND $keep" >"$dir/drop.sql"
  grep -q gin_trgm_ops "$dir/indexes.sql" || die "postgres: trigram index not found in the schema"
  node "$HERE/bench.mjs" sql postgres "$n" "$end_ms" >"$dir/load.sql"
  log "postgres: inserting $n contacts"
  t0=$(now)
  t=$(now)
  step lps_ >/dev/null <<SQL
SET work_mem = '256MB';
SET client_min_messages = warning;
BEGIN;
\i $dir/drop.sql
\i $dir/load.sql
COMMIT;
SQL
  meta postgres insert_s "$(since "$t")"
  log "postgres: creating indexes ($(wc -l <"$dir/indexes.sql") incl. the pg_trgm GIN index)"
  t=$(now)
  step lps_ >/dev/null <<SQL
SET maintenance_work_mem = '1GB';
\i $dir/indexes.sql
SQL
  meta postgres index_s "$(since "$t")"
  log "postgres: VACUUM (ANALYZE)"
  t=$(now)
  step lps_ -c "VACUUM (ANALYZE) contacts"
  lps_ -c "ANALYZE"
  meta postgres analyze_s "$(since "$t")"
  meta postgres load_total_s "$(since "$t0")"
  local rows
  rows=$(pg_one "$port" "SELECT count(*) FROM contacts")
  [[ $rows == "$n" ]] || die "postgres: expected $n rows, found $rows"
  meta postgres rows "$rows"
}
