// Untimed preparation and probes for bench/run (Node 20, no npm packages). Every loop is bounded
// (a count and a deadline), and every request goes to the server on 127.0.0.1 that bench/run started.
//
//   node prep.mjs signins BASE KEY N PREFIX OUT         N sign-ins by email code: "refresh<TAB>access" lines
//   node prep.mjs pwusers BASE KEY N PREFIX PASSWORD OUT N contacts with a password: their emails
//   node prep.mjs count BASE BACKOFFICE_KEY             contacts on file (the back office's paging.total)
//   node prep.mjs depth BASE                            messages waiting in the delivery queue (/metrics)
//
// The server trusts one proxy hop (TRUST_PROXY=1): preparation requests come from their own
// addresses (X-Forwarded-For 10.250.x.y), apart from the ones the load phases use (10.<thread>.x.y),
// so that the per-IP send caps stay as configured.

const [cmd, base, ...args] = process.argv.slice(2);
const API = `${base}/self-service/v1/contacts`;
const TIMEOUT_MS = 20_000;
let client = 0;

function headers(key) {
  client++;
  return {
    'content-type': 'application/json',
    api_key: key,
    'x-forwarded-for': `10.250.${(client >> 8) & 255}.${client & 255}`,
  };
}

async function post(key, path, body) {
  const r = await fetch(`${API}/${path}`, {
    method: 'POST',
    headers: headers(key),
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await r.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: r.status, json, text };
}

// Runs `task(i)` for i < n, `width` at a time.
async function pool(n, width, task) {
  const out = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

async function depth() {
  const r = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const m = (await r.text()).match(/^portal_delivery_queue_depth (\S+)$/m);
  if (!m) throw new Error('no portal_delivery_queue_depth in /metrics');
  return Number(m[1]);
}

// The codes of these recipients from the development outbox, once the queue has sent them.
async function codes(recipients) {
  const deadline = Date.now() + 60_000;
  const want = new Set(recipients);
  const found = new Map();
  while (Date.now() < deadline) {
    if ((await depth()) === 0) {
      const r = await fetch(`${base}/dev/outbox`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      for (const m of await r.json()) if (want.has(m.to) && !found.has(m.to)) found.set(m.to, m.code);
      if (found.size === want.size) return found;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`codes for ${want.size - found.size} of ${want.size} recipients never reached the outbox`);
}

// Registers n new emails (with a password when given) and validates each code: n contacts.
async function signUp(key, n, prefix, password) {
  if (n > 900) throw new Error('at most 900 at once (the outbox shows the newest 1,000)');
  const emails = Array.from({ length: n }, (_, i) => `${prefix}${i}@bench.test`);
  const handles = await pool(n, 8, async (i) => {
    const identity = { provider: 'EMAIL', email: emails[i] };
    if (password) identity.password = password;
    const r = await post(key, 'register', { first_name: 'Bench', last_name: `Prep${i}`, service_acceptance: true, identity });
    if (r.status !== 202) throw new Error(`register ${emails[i]}: ${r.status} ${r.text.slice(0, 200)}`);
    return r.json.auth_otp;
  });
  const byEmail = await codes(emails);
  return pool(n, 8, async (i) => {
    const r = await post(key, 'validate-otp', { auth_otp: handles[i], code: byEmail.get(emails[i]) });
    if (r.status !== 200) throw new Error(`validate ${emails[i]}: ${r.status} ${r.text.slice(0, 200)}`);
    return { email: emails[i], refresh: r.json.refresh_token, access: r.json.access_token };
  });
}

const fs = await import('node:fs');
switch (cmd) {
  case 'signins': {
    const [key, n, prefix, out] = args;
    const done = await signUp(key, Number(n), prefix, null);
    fs.writeFileSync(out, done.map((d) => `${d.refresh}\t${d.access}\n`).join(''));
    console.log(done.length);
    break;
  }
  case 'pwusers': {
    const [key, n, prefix, password, out] = args;
    const done = await signUp(key, Number(n), prefix, password);
    fs.writeFileSync(out, done.map((d) => `${d.email}\n`).join(''));
    console.log(done.length);
    break;
  }
  case 'count': {
    const [key] = args;
    const r = await fetch(`${base}/backoffice/v1/contacts?page=1&size=1`, {
      headers: { api_key: key },
      signal: AbortSignal.timeout(60_000),
    });
    if (r.status !== 200) throw new Error(`contact count: ${r.status}`);
    console.log((await r.json()).paging.total);
    break;
  }
  case 'depth':
    console.log(await depth());
    break;
  default:
    console.error('usage: prep.mjs signins|pwusers|count|depth BASE ...');
    process.exit(2);
}
