// Password sign-in load against a running portal, with a one-time-code probe alongside to show
// that a flood of password checks does not starve the code path.
//   node bench/password_load.mjs BASE_URL API_KEY [SECONDS=15] [CONNS=16] [USERS=16]
// Prints one JSON line. Bounded: fixed duration, fixed connections, 127.0.0.1 only.
const [base, apiKey, seconds = '15', conns = '16', users = '16'] = process.argv.slice(2);
const headers = { 'content-type': 'application/json', api_key: apiKey };
const post = (path, body) => fetch(`${base}/self-service/v1/contacts/${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : null; };
const run = Date.now();
const password = 'Bench-password-42';

async function codeFor(to) {
  for (let i = 0; i < 50; i++) {
    const list = await (await fetch(`${base}/dev/outbox`)).json();
    const m = list.find((x) => x.to === to);
    if (m) return m.code;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no code for ${to}`);
}

// Untimed preparation: users with passwords.
const emails = [];
for (let i = 0; i < Number(users); i++) {
  const email = `pw-${run}-${i}@bench.test`;
  const r = await post('register', { first_name: 'Bench', last_name: `User${i}`, service_acceptance: true, identity: { provider: 'EMAIL', email, password } });
  const { auth_otp } = await r.json();
  const v = await post('validate-otp', { auth_otp, code: await codeFor(email) });
  if (v.status !== 200) throw new Error(`validate ${v.status}`);
  emails.push(email);
}

const deadline = Date.now() + Number(seconds) * 1000;
const latencies = [];
let ok = 0, other = 0;
async function worker(w) {
  let n = w;
  while (Date.now() < deadline) {
    const t = performance.now();
    const r = await post('authenticate', { provider: 'EMAIL', email: emails[n++ % emails.length], password });
    await r.arrayBuffer();
    latencies.push(performance.now() - t);
    if (r.status === 200) ok++; else other++;
  }
}
// The probe: request a code for a fresh phone-less email identity and validate it, one at a time.
const probe = [];
async function otpProbe() {
  let i = 0;
  while (Date.now() < deadline) {
    const email = `otp-${run}-${i++}@bench.test`;
    const t = performance.now();
    const r = await post('register', { first_name: 'Probe', last_name: 'User', service_acceptance: true, identity: { provider: 'EMAIL', email } });
    const { auth_otp } = await r.json();
    const v = await post('validate-otp', { auth_otp, code: await codeFor(email) });
    await v.arrayBuffer();
    probe.push(performance.now() - t);
  }
}
const started = Date.now();
await Promise.all([...Array(Number(conns)).keys()].map(worker).concat([otpProbe()]));
const elapsed = (Date.now() - started) / 1000;
console.log(JSON.stringify({
  password_sign_ins_per_s: +(ok / elapsed).toFixed(1), ok, non_200: other, conns: Number(conns),
  latency_ms: { p50: +pct(latencies, 0.5).toFixed(1), p95: +pct(latencies, 0.95).toFixed(1), max: +Math.max(...latencies).toFixed(1) },
  otp_register_and_validate_during_flood_ms: { n: probe.length, p50: +(pct(probe, 0.5) ?? 0).toFixed(1), p95: +(pct(probe, 0.95) ?? 0).toFixed(1) },
}));
