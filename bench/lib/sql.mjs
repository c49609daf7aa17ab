// SQL that bulk-loads N synthetic contacts in one INSERT ... SELECT, for SQLite or PostgreSQL.
//
// Everything is derived from the row number i with integer hashes that both engines compute
// identically (all intermediates stay below 2^63), so both backends hold the same rows and the
// same query returns the same totals on each.
//
// search_text replicates store::contacts::search_text(): the lower-cased first name, last name,
// company, email, phone, code and id, NULL parts skipped, joined by single spaces. Names carry a
// pre-lower-cased copy (computed here with JavaScript's full Unicode toLowerCase, as Rust's
// str::to_lowercase does) because SQLite's lower() only folds ASCII and PostgreSQL's follows the
// database locale. Email, phone, code and id are ASCII, so SQL lower() is exact for them.

import {
  COMPANY_MAILBOXES, COMPANY_STEMS, COMPANY_SUFFIXES, COMPANY_TLDS, FIRST_GREEK, FIRST_LATIN,
  LAST_GREEK, LAST_LATIN, PERSON_DOMAINS, TITLES,
} from './data.mjs';

const P = 2147483647; // 2^31 - 1, prime
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'; // as domain::ids::ContactCode (31 chars)
const THREE_YEARS_MS = 3 * 365 * 24 * 3600 * 1000;

const q = (s) => (s === null ? 'NULL' : `'${String(s).replace(/'/g, "''")}'`);

function valuesTable(backend, name, columns, rows) {
  const types = columns.map((c) => (c === 'idx' ? 'INTEGER PRIMARY KEY' : 'TEXT'));
  const out = [
    `DROP TABLE IF EXISTS ${name};`,
    `CREATE TEMP TABLE ${name} (${columns.map((c, k) => `${c} ${types[k]}`).join(', ')});`,
  ];
  const tuples = rows.map((r, idx) => `(${[idx, ...r].map((v, k) => (k === 0 ? v : q(v))).join(', ')})`);
  out.push(`INSERT INTO ${name} (${columns.join(', ')}) VALUES\n  ${tuples.join(',\n  ')};`);
  return out.join('\n');
}

/**
 * @param {'sqlite'|'postgres'} backend
 * @param {number} n rows
 * @param {number} endMs newest created_at (epoch ms); created_at spreads over the 3 years before
 */
export function loadSql(backend, n, endMs) {
  if (!Number.isInteger(n) || n < 1 || n > 50_000_000) throw new Error(`bad N: ${n}`);
  const startMs = endMs - THREE_YEARS_MS;
  const sqlite = backend === 'sqlite';
  const join = sqlite ? 'CROSS JOIN' : 'JOIN'; // CROSS JOIN pins SQLite's loop order: rows outside
  const hex = (expr, width) =>
    sqlite ? `printf('%0${width}x', ${expr})` : `lpad(to_hex(${expr}), ${width}, '0')`;
  const digits = (expr, width) => `substr(CAST(${10 ** width} + (${expr}) AS TEXT), 2)`;
  const pick = (list, expr) => {
    // one-character picks from a string; multi-character ones via CASE
    if (list.every((s) => s.length === 1)) return `substr('${list.join('')}', CAST((${expr}) % ${list.length} + 1 AS INTEGER), 1)`;
    return `(CASE (${expr}) % ${list.length} ${list.map((s, k) => `WHEN ${k} THEN ${q(s)}`).join(' ')} END)`;
  };
  // skew(h, m): index in [0, m) with density ~ 1/sqrt(x): index 0 is the most common
  const skew = (h, m) => `(((${h}) % 65536) * ((${h}) % 65536) * ${m} / 4294967296)`;
  const ch = (expr) => `substr('${CODE_ALPHABET}', CAST((${expr}) % 31 + 1 AS INTEGER), 1)`;

  const first = [...FIRST_LATIN, ...FIRST_GREEK].map(([d, slug]) => [d, d.toLowerCase(), slug]);
  const last = [...LAST_LATIN, ...LAST_GREEK].map(([d, slug]) => [d, d.toLowerCase(), slug]);
  const companies = [];
  for (const [stem, slug] of COMPANY_STEMS) {
    for (const suffix of COMPANY_SUFFIXES) {
      const name = `${stem} ${suffix}`;
      companies.push([name, name.toLowerCase(), slug]);
    }
  }
  const nfl = FIRST_LATIN.length, nfg = FIRST_GREEK.length;
  const nll = LAST_LATIN.length, nlg = LAST_GREEK.length;

  // Hashes h1..h17 of i: x is a permutation of i (so codes and ids built from it are unique),
  // hk a quadratic scramble of x.
  const hashes = [];
  for (let k = 1; k <= 17; k++) {
    const c = k * 7919;
    hashes.push(`((((x + ${c}) * (x + ${c})) % ${P} * 48271 + ${k}) % ${P}) AS h${k}`);
  }

  const seqFrom = sqlite
    ? `seq`
    : `generate_series(1::bigint, ${n}::bigint) AS seq(i)`;
  const withSeq = sqlite
    ? `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n})\n`
    : '';

  // r: row-level choices
  const r = `
    SELECT i, x, h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11, h12, h13, h14, h15, h16, h17,
      CASE WHEN h1 % 100 < 10 THEN 1 ELSE 0 END AS co,
      CASE WHEN (h1 / 100) % 100 < 12
           THEN ${nfl} + ${skew('h2', nfg)} ELSE ${skew('h2', nfl)} END AS fi,
      CASE WHEN (h1 / 100) % 100 < 12
           THEN ${nll} + ${skew('h3', nlg)} ELSE ${skew('h3', nll)} END AS li,
      h2 % ${companies.length} AS ci,
      h8 % ${PERSON_DOMAINS.length} AS di,
      ${startMs}::BIGINT + (i - 1) * ${THREE_YEARS_MS} / ${n} + h13 % 1000 AS created_at
    FROM (SELECT i, x, ${hashes.join(', ')}
          FROM (SELECT i, (i * 1103515245 + 12345) % ${P} AS x FROM ${seqFrom}) a) h`;

  const personEmail = `f.slug || (CASE h6 % 4 WHEN 1 THEN '' WHEN 2 THEN '_' ELSE '.' END) || l.slug ||
          (CASE WHEN (h6 / 4) % 10 < 4 THEN ''
                WHEN (h6 / 4) % 10 < 7 THEN CAST(h7 % 100 AS TEXT)
                WHEN (h6 / 4) % 10 < 8 THEN CAST(1950 + h7 % 56 AS TEXT)
                ELSE CAST(h7 % 10000 AS TEXT) END) || '@' || d.name`;
  const companyEmail = `${pick(COMPANY_MAILBOXES, 'h6')} || '@' || c.slug ||
          (CASE WHEN h7 % 3 = 0 THEN CAST(h7 % 100 AS TEXT) ELSE '' END) || '.' || ${pick(COMPANY_TLDS, 'h8 / 7')}`;
  const phone = `CASE WHEN h9 % 100 < 15 THEN NULL
          WHEN h9 % 100 < 65 THEN '+357' || ${pick(['99', '99', '97', '96', '95', '94'], 'h9 / 100')} || ${digits('h10 % 1000000', 6)}
          WHEN h9 % 100 < 75 THEN '+357' || ${pick(['22', '25', '24', '26', '23'], 'h9 / 100')} || ${digits('h10 % 1000000', 6)}
          ELSE '+447' || ${pick(['4', '5', '7', '8', '9'], 'h9 / 100')} || ${digits('h10 % 100000000', 8)} END`;
  const code = `'C-' || ${[
    ch('h11'), ch('x'), ch('x / 31'), ch('h11 / 31'), ch('x / 961'), ch('x / 29791'),
    ch('h11 / 961'), ch('x / 923521'), ch('x / 28629151'), ch('x / 887503681'),
  ].join(' || ')}`;
  const id = `${hex('x + (h12 % 2) * 2147483648', 8)} || '-' || ${hex('h13 % 65536', 4)} || '-4' ||
          ${hex('h14 % 4096', 3)} || '-' || substr('89ab', CAST(h15 % 4 + 1 AS INTEGER), 1) || ${hex('(h15 / 4) % 4096', 3)} || '-' ||
          ${hex('h16 % 65536', 4)} || ${hex('h17 + ((h16 / 65536) % 2) * 2147483648', 8)}`;

  // t: final column values (lower-cased name copies ride along as fl/ll/cl)
  const t = `
    SELECT ${id} AS id,
      ${code} AS code,
      CASE WHEN co = 1 THEN 'COMPANY' ELSE 'PERSON' END AS contact_type,
      CASE WHEN co = 1 OR h4 % 10 < 4 THEN NULL ELSE ${pick(TITLES, 'h4 / 10')} END AS title,
      CASE WHEN co = 1 THEN NULL ELSE f.name END AS first_name,
      CASE WHEN co = 1 THEN NULL ELSE l.name END AS last_name,
      CASE WHEN co = 1 THEN c.name ELSE NULL END AS company_name,
      CASE WHEN h5 % 100 < 3 THEN NULL WHEN co = 1 THEN ${companyEmail} ELSE ${personEmail} END AS email,
      ${phone} AS phone,
      CASE WHEN h16 % 10 = 0 THEN 1 ELSE 0 END AS email_opt_out,
      CASE WHEN h17 % 8 = 0 THEN 1 ELSE 0 END AS sms_opt_out,
      CAST(NULL AS TEXT) AS avatar,
      CASE WHEN h12 % 10 < 3 THEN 1 ELSE 0 END AS is_verified,
      created_at,
      CASE WHEN h14 % 10 < 3 THEN created_at + (${endMs}::BIGINT - created_at) * (h15 % 1000) / 1000
           ELSE created_at END AS updated_at,
      CASE WHEN co = 1 THEN NULL ELSE f.lower END AS fl,
      CASE WHEN co = 1 THEN NULL ELSE l.lower END AS ll,
      CASE WHEN co = 1 THEN c.lower ELSE NULL END AS cl
    FROM (${r}) r
      ${join} bench_first f ON f.idx = r.fi
      ${join} bench_last l ON l.idx = r.li
      ${join} bench_company c ON c.idx = r.ci
      ${join} bench_domain d ON d.idx = r.di`;

  const cols = 'id, code, contact_type, title, first_name, last_name, company_name, email, phone, ' +
    'email_opt_out, sms_opt_out, avatar, is_verified, created_at, updated_at';
  const searchText = `coalesce(fl || ' ', '') || coalesce(ll || ' ', '') || coalesce(cl || ' ', '') ||
      coalesce(lower(email) || ' ', '') || coalesce(lower(phone) || ' ', '') || lower(code) || ' ' || lower(id)`;

  let sql = [
    valuesTable(backend, 'bench_first', ['idx', 'name', 'lower', 'slug'], first),
    valuesTable(backend, 'bench_last', ['idx', 'name', 'lower', 'slug'], last),
    valuesTable(backend, 'bench_company', ['idx', 'name', 'lower', 'slug'], companies),
    valuesTable(backend, 'bench_domain', ['idx', 'name'], PERSON_DOMAINS.map((d) => [d])),
    `${withSeq}INSERT INTO contacts (${cols}, search_text)
SELECT ${cols}, ${searchText}
FROM (${t}) t;`,
  ].join('\n\n');
  if (sqlite) sql = sql.replace(/::BIGINT/g, '');
  return sql;
}

/** JavaScript twin of store::contacts::search_text(), for spot checks of the loaded rows. */
export function searchText(row) {
  return [row.first_name, row.last_name, row.company_name, row.email, row.phone, row.code, row.id]
    .filter((v) => v !== null && v !== undefined)
    .join(' ')
    .toLowerCase();
}

export const LIST_SIZES = {
  first: FIRST_LATIN.length + FIRST_GREEK.length,
  last: LAST_LATIN.length + LAST_GREEK.length,
};
