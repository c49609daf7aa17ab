#!/usr/bin/env node
// A fake Facebook for the browser end-to-end tests: the OAuth dialog, the
// token endpoint, debug_token and /me, just enough for the portal's
// "Continue with Facebook". No dependencies; everything is kept in memory.
//
//   PORT=4210 node end2end/fake-facebook.mjs      → prints "listening 4210"
//
// Environment: PORT (0 = any free port), FAKE_FACEBOOK_CLIENT_ID and
// FAKE_FACEBOOK_CLIENT_SECRET (the one app it knows; default e2e-app /
// e2e-secret).
//
// Endpoints:
//   GET  /dialog/oauth          consent page (plain HTML forms, works without JavaScript)
//   POST /dialog/oauth/decide   the consent page's buttons: 303 to redirect_uri with code+state,
//                               or with error=access_denied (Cancel)
//   POST /oauth/access_token    code → access token (client secret, redirect_uri, single use, PKCE S256)
//   GET  /debug_token           ?input_token=…&access_token=CLIENTID|SECRET
//   GET  /me                    ?fields=…&access_token=…
//   POST /test/users            register a user: JSON {id, first_name, last_name, email}
//   GET  /healthz               200 ok
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const CLIENT_ID = process.env.FAKE_FACEBOOK_CLIENT_ID || 'e2e-app';
const CLIENT_SECRET = process.env.FAKE_FACEBOOK_CLIENT_SECRET || 'e2e-secret';
const CODE_TTL_MS = 10 * 60_000;
const TOKEN_TTL_SECS = 3600;
const MAX_BODY = 64 * 1024;

/** The fixed users (the consent page's select), then those registered with POST /test/users. */
const FIXED_USERS = [
  { id: '100000000000001', first_name: 'Ada', last_name: 'Lovelace', email: 'ada.lovelace@fake-facebook.test' },
  { id: '100000000000002', first_name: 'Alan', last_name: 'Turing', email: 'alan.turing@fake-facebook.test' },
];
const users = new Map(FIXED_USERS.map((u) => [u.id, u]));
const registered = new Set(); // ids registered by tests, listed as "Continue as …" buttons
const codes = new Map(); // code → { clientId, redirectUri, challenge, userId, expires, used }
const tokens = new Map(); // access token → { userId, appId, expires }

const fullName = (u) => [u.first_name, u.last_name].filter(Boolean).join(' ');
const secret = () => randomBytes(24).toString('base64url');
const s256 = (verifier) => createHash('sha256').update(verifier, 'ascii').digest('base64url');

// ------------------------------------------------------------------ responses

function send(res, status, body, type) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}
// Exactly `application/json`: OAuth clients check the token response's content type.
const json = (res, status, value) => send(res, status, JSON.stringify(value), 'application/json');
/** A Graph-API-shaped error. */
const fbError = (res, status, message, type = 'OAuthException', code = 100) =>
  json(res, status, { error: { message, type, code } });

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function html(res, status, title, body) {
  send(res, status, `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto}form{margin:.5rem 0}</style></head>
<body><main>${body}</main></body></html>
`, 'text/html; charset=utf-8');
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Form (urlencoded) or JSON body as a plain object. */
async function readParams(req) {
  const raw = await readBody(req);
  const type = String(req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') {
    try { return JSON.parse(raw || '{}'); } catch { throw Object.assign(new Error('malformed JSON'), { status: 400 }); }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

// ------------------------------------------------------------------- the dialog

/** Checks the authorization request; returns an error message or null. */
function checkAuthRequest(p) {
  if (p.response_type !== 'code') return 'response_type must be "code"';
  if (p.client_id !== CLIENT_ID) return `unknown client_id ${JSON.stringify(p.client_id ?? null)}`;
  if (!p.redirect_uri) return 'redirect_uri is missing';
  let uri;
  try { uri = new URL(p.redirect_uri); } catch { return 'redirect_uri is not a URL'; }
  if (!/^https?:$/.test(uri.protocol) || uri.hash) return 'redirect_uri must be an http(s) URL without a fragment';
  if (!p.state) return 'state is missing';
  if (!p.code_challenge) return 'code_challenge is missing (PKCE is required)';
  if (p.code_challenge_method !== 'S256') return 'code_challenge_method must be S256';
  if (!/^[A-Za-z0-9_-]{43}$/.test(p.code_challenge)) return 'code_challenge is not a base64url SHA-256';
  return null;
}

const AUTH_FIELDS = ['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method', 'scope'];
const hidden = (p) => AUTH_FIELDS.filter((k) => p[k] != null)
  .map((k) => `<input type="hidden" name="${k}" value="${esc(p[k])}">`).join('');

function consentPage(res, p) {
  const form = (inner) => `<form method="post" action="/dialog/oauth/decide">${hidden(p)}${inner}</form>`;
  const cancel = form('<button type="submit" name="decision" value="cancel">Cancel</button>');
  const scope = p.scope ? `<p>The app asks for: ${esc(p.scope.split(/[ ,]+/).join(', '))}.</p>` : '';
  // A user chosen in the URL (?user=ID): just Continue.
  const chosen = p.user != null ? users.get(p.user) : null;
  if (p.user != null && !chosen) return html(res, 400, 'Fake Facebook', `<h1>Unknown user ${esc(p.user)}</h1>`);
  if (chosen) {
    return html(res, 200, 'Fake Facebook', `<h1>Log in to Fake Facebook as ${esc(fullName(chosen))}</h1>${scope}
${form(`<input type="hidden" name="user" value="${esc(chosen.id)}"><button type="submit" name="decision" value="allow">Continue</button>`)}
${cancel}`);
  }
  const listed = [...registered].map((id) => users.get(id)).filter(Boolean);
  const buttons = listed.map((u) => `<li>${form(`<input type="hidden" name="user" value="${esc(u.id)}">`
    + `<button type="submit" name="decision" value="allow">Continue as ${esc(fullName(u))}</button>`)}</li>`).join('\n');
  const options = [...FIXED_USERS, ...listed]
    .map((u) => `<option value="${esc(u.id)}">${esc(fullName(u))}</option>`).join('');
  html(res, 200, 'Fake Facebook', `<h1>Log in to Fake Facebook as …</h1>${scope}
${buttons ? `<ul>\n${buttons}\n</ul>` : ''}
${form(`<label>Account <select name="user">${options}</select></label> <button type="submit" name="decision" value="allow">Continue</button>`)}
${cancel}`);
}

function redirectBack(res, redirectUri, params) {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  res.writeHead(303, { location: url.toString(), 'cache-control': 'no-store' });
  res.end();
}

function decide(res, p) {
  const problem = checkAuthRequest(p);
  if (problem) return html(res, 400, 'Fake Facebook', `<h1>Invalid request</h1><p>${esc(problem)}</p>`);
  if (p.decision === 'cancel') {
    return redirectBack(res, p.redirect_uri, {
      error: 'access_denied', error_code: '200', error_reason: 'user_denied',
      error_description: 'Permissions error', state: p.state,
    });
  }
  const user = users.get(String(p.user ?? ''));
  if (p.decision !== 'allow' || !user) return html(res, 400, 'Fake Facebook', '<h1>Choose an account</h1>');
  const code = secret();
  codes.set(code, {
    clientId: p.client_id, redirectUri: p.redirect_uri, challenge: p.code_challenge,
    userId: user.id, expires: Date.now() + CODE_TTL_MS, used: false,
  });
  redirectBack(res, p.redirect_uri, { code, state: p.state });
}

// ------------------------------------------------------------------ the Graph API

function accessToken(res, p) {
  if (p.grant_type != null && p.grant_type !== 'authorization_code') {
    return fbError(res, 400, `unsupported grant_type ${p.grant_type}`);
  }
  if (p.client_id !== CLIENT_ID || p.client_secret !== CLIENT_SECRET) {
    return fbError(res, 400, 'Error validating client secret.', 'OAuthException', 1);
  }
  const entry = p.code ? codes.get(p.code) : null;
  if (!entry || entry.clientId !== p.client_id) return fbError(res, 400, 'Invalid verification code format.');
  if (entry.used) return fbError(res, 400, 'code already used');
  entry.used = true; // one attempt per code, successful or not
  if (Date.now() > entry.expires) return fbError(res, 400, 'code has expired');
  if (p.redirect_uri !== entry.redirectUri) {
    return fbError(res, 400, 'redirect_uri is not identical to the one used in the OAuth dialog request');
  }
  if (!p.code_verifier) return fbError(res, 400, 'code_verifier is missing');
  if (s256(p.code_verifier) !== entry.challenge) return fbError(res, 400, 'code_verifier does not match code_challenge');
  const token = secret();
  tokens.set(token, { userId: entry.userId, appId: CLIENT_ID, expires: Date.now() + TOKEN_TTL_SECS * 1000 });
  json(res, 200, { access_token: token, token_type: 'bearer', expires_in: TOKEN_TTL_SECS });
}

/** The live token entry, or null. */
function liveToken(token) {
  const entry = token ? tokens.get(token) : null;
  return entry && Date.now() <= entry.expires ? entry : null;
}

function debugToken(res, q) {
  if (q.get('access_token') !== `${CLIENT_ID}|${CLIENT_SECRET}`) {
    return fbError(res, 400, 'Invalid OAuth access token signature (app access token expected).', 'OAuthException', 190);
  }
  const entry = liveToken(q.get('input_token'));
  if (!entry) return fbError(res, 400, 'Invalid OAuth access token - Cannot parse access token', 'OAuthException', 190);
  json(res, 200, {
    data: {
      app_id: entry.appId, type: 'USER', application: 'Fake Facebook e2e app',
      expires_at: Math.floor(entry.expires / 1000), is_valid: true,
      scopes: ['email', 'public_profile'], user_id: entry.userId,
    },
  });
}

function me(res, q) {
  const entry = liveToken(q.get('access_token'));
  if (!entry) return fbError(res, 400, 'Invalid OAuth access token - Cannot parse access token', 'OAuthException', 190);
  const user = users.get(entry.userId);
  if (!user) return fbError(res, 400, 'The user no longer exists', 'OAuthException', 190);
  const all = { ...user, name: fullName(user) };
  const fields = (q.get('fields') || 'id,name').split(',').map((f) => f.trim()).filter(Boolean);
  const out = { id: user.id };
  for (const f of fields) if (all[f] != null) out[f] = all[f];
  json(res, 200, out);
}

function registerUser(res, body) {
  const u = body && typeof body === 'object' ? body : {};
  const str = (v) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  const id = str(u.id);
  if (!id) return json(res, 400, { error: { message: 'id is required' } });
  const user = { id, first_name: str(u.first_name), last_name: str(u.last_name), email: str(u.email) };
  for (const k of Object.keys(user)) if (user[k] == null) delete user[k];
  users.set(id, user);
  registered.add(id);
  json(res, 201, user);
}

// ---------------------------------------------------------------------- server

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://fake-facebook.invalid');
  const route = `${req.method} ${url.pathname.replace(/\/+$/, '') || '/'}`;
  const query = Object.fromEntries(url.searchParams);
  try {
    switch (route) {
      case 'GET /healthz': return send(res, 200, 'ok', 'text/plain; charset=utf-8');
      case 'GET /dialog/oauth': {
        const problem = checkAuthRequest(query);
        if (problem) return html(res, 400, 'Fake Facebook', `<h1>Invalid request</h1><p>${esc(problem)}</p>`);
        return consentPage(res, query);
      }
      case 'POST /dialog/oauth/decide': return decide(res, await readParams(req));
      // Facebook accepts GET too; the parameters are then in the query string.
      case 'GET /oauth/access_token': return accessToken(res, query);
      case 'POST /oauth/access_token': return accessToken(res, { ...query, ...(await readParams(req)) });
      case 'GET /debug_token': return debugToken(res, url.searchParams);
      case 'GET /me': return me(res, url.searchParams);
      case 'POST /test/users': return registerUser(res, await readParams(req));
      default: return fbError(res, 404, `Unknown path components: ${url.pathname}`, 'OAuthException', 2500);
    }
  } catch (err) {
    console.error(`fake-facebook: ${req.method} ${url.pathname}: ${err.stack || err}`);
    if (!res.headersSent) fbError(res, err.status || 500, err.status ? err.message : 'internal error');
    else res.destroy();
  }
});

server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
const stop = () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref(); // don't wait for lingering keep-alive clients
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
