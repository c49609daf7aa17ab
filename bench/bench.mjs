#!/usr/bin/env node
// Helper for bench/search.sh (Node 20, no npm dependencies).
//
//   node bench/bench.mjs sql sqlite|postgres N END_MS   load SQL on stdout
//   node bench/bench.mjs check ROWS.tsv                  compare loaded search_text with search_text()
//   node bench/bench.mjs port                            a free TCP port on 127.0.0.1
//   node bench/bench.mjs busy                            load average and running rustc/cargo count
//   node bench/bench.mjs measure BASE_URL KEY TARGETS.tsv OUT.json   sequential HTTP latencies
//   node bench/bench.mjs report WORK_DIR OUT.md          Markdown report from the run's files

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadSql, searchText } from './lib/sql.mjs';

const [cmd, ...args] = process.argv.slice(2);

function readTsv(file) {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

function cpuTicks() {
  const ticks = new Map();
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      ticks.set(pid, { comm, t: Number(f[11]) + Number(f[12]) }); // utime + stime
    } catch {
      /* gone */
    }
  }
  return ticks;
}

const COMPILERS = new Set(['rustc', 'cargo', 'cc', 'ld', 'cc1', 'cc1plus', 'lld', 'rust-lld', 'build-script-b']);

// Machine busy-ness: load average, compiler processes, and the top CPU users over ~0.5 s
// (ticks are 1/100 s on Linux).
async function busy() {
  const [l1, l5, l15] = os.loadavg();
  const a = cpuTicks();
  await new Promise((r) => setTimeout(r, 500));
  const b = cpuTicks();
  let compilers = 0;
  const top = [];
  for (const [pid, { comm, t }] of b) {
    if (COMPILERS.has(comm)) compilers++;
    const before = a.get(pid);
    if (before && before.comm === comm) {
      const pct = (t - before.t) * 2; // ticks per 0.5 s -> % of one CPU
      if (pct >= 10 && Number(pid) !== process.pid) top.push(`${comm} ${pct}%`);
    }
  }
  top.sort((x, y) => parseInt(y.split(' ').pop()) - parseInt(x.split(' ').pop()));
  return { load1: l1, load5: l5, load15: l15, compilers, top: top.slice(0, 4).join(', ') || 'none' };
}

// ---------------------------------------------------------------- measure

const REQUESTS = Number(process.env.REQUESTS || 200);
const CLASS_SECONDS = Number(process.env.CLASS_SECONDS || 30);
const WARMUP = Number(process.env.WARMUP || 5);
const REQUEST_TIMEOUT_S = Number(process.env.REQUEST_TIMEOUT_S || 60); // per request, so nothing hangs

function classes(t) {
  return [
    { name: 'common last name', term: t.common_last },
    { name: 'common last name, page 50', term: t.common_last, page: 50 },
    { name: 'Greek-script last name', term: t.greek_last },
    { name: 'rare full email', term: t.rare_email },
    { name: 'code', term: t.code },
    { name: 'phone fragment (6 digits)', term: t.phone6 },
    { name: '2-char term (scan)', term: t.two_char },
    { name: 'no term (newest first)', term: null },
    { name: 'no hits', term: t.no_hits },
  ];
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

async function measure(base, key, targetsFile, outFile) {
  const targets = Object.fromEntries(readTsv(targetsFile));
  const headers = { api_key: key, accept: 'application/json' };
  const url = (c) => {
    const u = new URL('/backoffice/v1/contacts', base);
    if (c.term) u.searchParams.set('search', c.term);
    u.searchParams.set('page', String(c.page || 1));
    u.searchParams.set('size', '20');
    return u;
  };
  const once = async (c) => {
    const t0 = process.hrtime.bigint();
    const res = await fetch(url(c), { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_S * 1000) });
    const text = await res.text();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.status !== 200) throw new Error(`${c.name}: HTTP ${res.status}: ${text.slice(0, 300)}`);
    const body = JSON.parse(text);
    return { ms, total: body.paging.total, rows: body.content.length };
  };
  const list = classes(targets);
  // Warm-up: every class a few times (bounded), so caches and connections are primed.
  for (const c of list) for (let k = 0; k < WARMUP; k++) await once(c);
  const results = [];
  for (const c of list) {
    const before = await busy();
    const times = [];
    let last;
    const started = Date.now();
    for (let k = 0; k < REQUESTS; k++) {
      last = await once(c);
      times.push(last.ms);
      if (Date.now() - started > CLASS_SECONDS * 1000) break;
    }
    const after = await busy();
    times.sort((a, b) => a - b);
    const r = {
      name: c.name,
      term: c.term,
      page: c.page || 1,
      n: times.length,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      max: times[times.length - 1],
      mean: times.reduce((a, b) => a + b, 0) / times.length,
      total: last.total,
      rows: last.rows,
      load1: (before.load1 + after.load1) / 2,
      compilers: Math.max(before.compilers, after.compilers),
      busy: after.top,
    };
    results.push(r);
    console.error(
      `  ${c.name.padEnd(28)} n=${String(r.n).padStart(3)} p50=${r.p50.toFixed(1)}ms p95=${r.p95.toFixed(1)}ms ` +
        `max=${r.max.toFixed(1)}ms total=${r.total}`,
    );
  }
  fs.writeFileSync(outFile, JSON.stringify({ requests: REQUESTS, classSeconds: CLASS_SECONDS, warmup: WARMUP, results }, null, 2));
}

// ---------------------------------------------------------------- check

function check(file) {
  const rows = readTsv(file);
  const nul = (v) => (v === '\\N' ? null : v);
  let bad = 0;
  for (const r of rows) {
    const [first_name, last_name, company_name, email, phone, code, id, stored] = r.map(nul);
    const want = searchText({ first_name, last_name, company_name, email, phone, code, id });
    if (want !== stored) {
      if (bad < 5) console.error(`search_text mismatch for ${id}:\n  stored ${JSON.stringify(stored)}\n  want   ${JSON.stringify(want)}`);
      bad++;
    }
  }
  if (rows.length === 0) {
    console.error('check: no rows');
    process.exit(1);
  }
  if (bad) {
    console.error(`check: ${bad}/${rows.length} rows differ`);
    process.exit(1);
  }
  console.log(`search_text checked on ${rows.length} rows: all equal to search_text()`);
}

// ---------------------------------------------------------------- report

const fmtMs = (v) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(1) : v.toFixed(0)) : '–');
const fmtInt = (v) => (v === undefined || v === null || v === '' ? '–' : Number(v).toLocaleString('en-GB'));
const fmtBytes = (v) => (v ? `${(Number(v) / 1024 / 1024).toFixed(0)} MiB` : '–');
const fmtSecs = (v) => (v === undefined ? '–' : `${Number(v).toFixed(1)} s`);

function report(work, outFile) {
  const meta = {};
  for (const [backend, k, v] of readTsv(path.join(work, 'meta.tsv'))) {
    (meta[backend] ??= {})[k] = v;
  }
  const g = meta.run || {};
  const backends = ['sqlite', 'postgres'].filter((b) => meta[b]);
  const label = { sqlite: 'SQLite', postgres: 'PostgreSQL' };
  const res = {};
  for (const b of backends) {
    const f = path.join(work, `${b}.results.json`);
    if (fs.existsSync(f)) res[b] = JSON.parse(fs.readFileSync(f, 'utf8'));
  }
  const L = [];
  L.push(`# Contact search benchmark, ${g.started_utc}`);
  L.push('');
  L.push(`- Contacts: **${fmtInt(g.n)}** per backend (same synthetic rows on both).`);
  L.push(`- Portal: release build of \`${g.commit}\`${g.dirty === '1' ? ' (working tree had uncommitted changes)' : ''}.`);
  L.push(`- Machine: ${g.nproc} CPUs (${g.cpu_model}), ${g.mem_gib} GiB RAM, ${g.kernel}.`);
  L.push(`- Busy? 1/5/15-min load average at start ${g.load_start}, at end ${g.load_end}; compiler processes (rustc/cargo/cc/ld) at start: ${g.compilers_start}, at end: ${g.compilers_end}; top CPU users at start: ${g.top_start}; at end: ${g.top_end}.`);
  if (meta.sqlite) L.push(`- SQLite: loaded with the sqlite3 CLI ${g.sqlite_version}; the server uses the SQLite bundled with sqlx.`);
  if (meta.postgres) L.push(`- PostgreSQL ${g.pg_version}, throwaway cluster: ${g.pg_settings}.`);
  if (g.build_s) L.push(`- Release build step: ${fmtSecs(g.build_s)}.`);
  const r0 = Object.values(res)[0];
  if (r0) {
    L.push(`- Measurement: one client, sequential HTTP/1.1 keep-alive requests from Node ${process.version} \`fetch\` to 127.0.0.1, ` +
      `page size 20; ${r0.warmup} warm-up requests per class, then up to ${r0.requests} requests per class ` +
      `or ${r0.classSeconds} s per class, whichever comes first. Times include JSON encoding/decoding and the API-key check.`);
  }
  L.push('');
  L.push('## Load');
  L.push('');
  L.push('| backend | rows | insert | rows/s | index build | analyze/vacuum | total load | DB size |');
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const b of backends) {
    const m = meta[b];
    const rps = m.insert_s ? Math.round(Number(g.n) / Number(m.insert_s)) : undefined;
    const totalRps = m.load_total_s ? Math.round(Number(g.n) / Number(m.load_total_s)) : undefined;
    L.push(`| ${label[b]} | ${fmtInt(m.rows)} | ${fmtSecs(m.insert_s)} | ${fmtInt(rps)} | ${fmtSecs(m.index_s)} | ${fmtSecs(m.analyze_s)} | ${fmtSecs(m.load_total_s)} (${fmtInt(totalRps)} rows/s) | ${fmtBytes(m.db_bytes)} |`);
  }
  L.push('');
  for (const b of backends) if (meta[b].sizes) L.push(`- ${label[b]} sizes: ${meta[b].sizes}`);
  for (const b of backends) if (meta[b].load_notes) L.push(`- ${label[b]} load: ${meta[b].load_notes}`);
  L.push('');
  L.push('## Search latency (ms)');
  L.push('');
  L.push(`\`GET /backoffice/v1/contacts?search=TERM&page=P&size=20\`; \`total\` is \`paging.total\` of the response.`);
  L.push('');
  const head = ['class', 'term'];
  const align = ['---', '---'];
  for (const b of backends) {
    head.push(`${label[b]} n`, 'p50', 'p95', 'max', 'total');
    align.push('---:', '---:', '---:', '---:', '---:');
  }
  L.push(`| ${head.join(' | ')} |`);
  L.push(`| ${align.join(' | ')} |`);
  const names = (r0?.results || []).map((r) => r.name);
  for (const name of names) {
    const any = Object.values(res).map((x) => x.results.find((r) => r.name === name)).find(Boolean);
    const term = any.term === null ? '(none)' : `\`${any.term}\``;
    const cells = [name, term + (any.page > 1 ? `, page ${any.page}` : '')];
    for (const b of backends) {
      const r = res[b]?.results.find((x) => x.name === name);
      if (!r) cells.push('–', '–', '–', '–', '–');
      else cells.push(String(r.n), fmtMs(r.p50), fmtMs(r.p95), fmtMs(r.max), fmtInt(r.total));
    }
    L.push(`| ${cells.join(' | ')} |`);
  }
  L.push('');
  for (const b of backends) {
    const m = meta[b];
    const rs = res[b]?.results || [];
    const comp = Math.max(0, ...rs.map((r) => r.compilers));
    const load = rs.length ? (rs.reduce((a, r) => a + r.load1, 0) / rs.length).toFixed(2) : '–';
    const seen = new Map();
    for (const r of rs) for (const item of (r.busy || 'none').split(', ')) {
      const m2 = /^(.*) (\d+)%$/.exec(item);
      if (m2) seen.set(m2[1], Math.max(seen.get(m2[1]) || 0, Number(m2[2])));
    }
    const tops = [...seen].sort((x, y) => y[1] - x[1]).map(([c, p]) => `${c} ≤${p}%`).join(', ') || 'none';
    L.push(`- ${label[b]} phases: load ${fmtSecs(m.load_total_s)}, server start ${fmtSecs(m.server_start_s)}, measurement ${fmtSecs(m.measure_s)}; ` +
      `mean 1-min load average while measuring ${load}; compiler processes seen between classes: ${comp}; ` +
      `processes using ≥10% CPU between classes (peak): ${tops}; ` +
      `server log: ${m.slow_statements ?? '?'} sqlx slow-statement warnings (> 2 s), ${m.server_errors ?? '?'} errors.`);
  }
  L.push('');
  const md = L.join('\n');
  fs.writeFileSync(outFile, md);
  process.stdout.write(md);
}

// ---------------------------------------------------------------- main

switch (cmd) {
  case 'sql': {
    const [backend, n, endMs] = args;
    if (!['sqlite', 'postgres'].includes(backend)) throw new Error('backend must be sqlite or postgres');
    process.stdout.write(loadSql(backend, Number(n), Number(endMs)) + '\n');
    break;
  }
  case 'check':
    check(args[0]);
    break;
  case 'port': {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      console.log(s.address().port);
      s.close();
    });
    break;
  }
  case 'busy': {
    const b = await busy();
    console.log(`${b.load1.toFixed(2)} ${b.load5.toFixed(2)} ${b.load15.toFixed(2)}\t${b.compilers}\t${b.top}`);
    break;
  }
  case 'measure':
    await measure(args[0], args[1], args[2], args[3]);
    break;
  case 'report':
    report(args[0], args[1]);
    break;
  default:
    console.error('usage: bench.mjs sql|check|port|busy|measure|report ...');
    process.exit(2);
}
