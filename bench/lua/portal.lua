-- One wrk script for every phase of bench/run; PHASE (env) picks the request. Prints one line
-- `RESULT {json}` at the end (bench/run reads it). Every Self-Service call carries API_KEY.
--
--   healthz         GET  /healthz
--   register_page   GET  /register                      (the portal's sign-up page)
--   register_email  POST …/register  EMAIL  <EMAIL_PREFIX><tid>-<n>@bench.test   (each new)
--   register_phone  POST …/register  PHONE  CYP 9X<tid-digit><n:6>                 (each new)
--   request_otp     POST …/request-otp      credentials of contacts on file, round-robin over POOL_FILE
--                                           (lines "EMAIL|PHONE<TAB>value")
--   validate_otp    POST …/validate-otp     credentials + code, each line of POOL_FILE once
--                                           (lines "EMAIL|PHONE<TAB>value<TAB>code")
--   refresh         POST …/refresh-token    rotation chains: POOL_FILE holds one refresh token per
--                                           connection; each answer's new token is the family's next.
--                                           The tokens of a thread wait in a queue: a connection sends
--                                           only after its own answer put that answer's token in, so a
--                                           family is never used twice at once, but its next use may go
--                                           out on another connection of the same thread
--   me              GET  …/me               Authorization: Bearer, round-robin over POOL_FILE
--   password        POST …/authenticate     EMAIL + BENCH_PASSWORD, round-robin over POOL_FILE
--
-- Client addresses: with XFF=1 every POST carries `X-Forwarded-For: 10.<tid>.<x>.<y>`, a new
-- address for each request of a thread (65,536 before one repeats). The server runs with
-- TRUST_PROXY=1, so its per-IP limits see many clients, as behind a real proxy, instead of one
-- address making every request.
-- MAX_REQUESTS (per thread) stops a thread after that many answers (instruction-count runs);
-- DELAY_MS paces each connection (the `me` probe beside the password phase).
-- A pool that runs dry (validate_otp) or a chain that breaks (refresh) sends GET /healthz
-- fillers, not counted as answers of the phase; RESULT then says "exhausted" or "starved".

local threads = {}
local next_tid = 1

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

local PHASE = os.getenv("PHASE") or "healthz"
local STATIC = PHASE == "healthz" or PHASE == "register_page"
local API = "/self-service/v1/contacts/"
local API_KEY = os.getenv("API_KEY") or ""
local PASSWORD = os.getenv("BENCH_PASSWORD") or "Bench-password-42"
local XFF = os.getenv("XFF") == "1"
local MAX_REQUESTS = tonumber(os.getenv("MAX_REQUESTS") or "0")
local DELAY_MS = tonumber(os.getenv("DELAY_MS") or "0")

-- per-thread state (each wrk thread has its own Lua state); globals are read back in done()
ok, bad, filler, exhausted, starved, answers = 0, 0, 0, 0, 0, 0
statuses = {}
first_bad = ""
local n = 0
local pool = {}
local pos = 0
local chain = {} -- refresh: tokens waiting for their next use (a queue: head .. tail - 1)
local chain_head, chain_tail = 1, 1
local req_fn

local function read_lines(path)
  local t = {}
  local f = assert(io.open(path, "r"), "cannot open POOL_FILE " .. tostring(path))
  for line in f:lines() do
    if #line > 0 then t[#t + 1] = line end
  end
  f:close()
  return t
end

local function fields(line)
  local t = {}
  for part in string.gmatch(line, "[^\t]+") do t[#t + 1] = part end
  return t
end

local function headers(extra)
  local h = { ["Content-Type"] = "application/json", ["api_key"] = API_KEY }
  if extra then
    for k, v in pairs(extra) do h[k] = v end
  end
  if XFF then
    h["X-Forwarded-For"] = string.format("10.%d.%d.%d", tid % 256, math.floor(n / 256) % 256, n % 256)
  end
  return h
end

local function post(path, body)
  return wrk.format("POST", API .. path, headers(), body)
end

local function credential(kind, value)
  return '[{"name":"' .. kind .. '","value":"' .. value .. '"}]'
end

local function filler_request()
  filler = filler + 1
  return wrk.format("GET", "/healthz")
end

function init(args)
  local nthreads = tonumber(os.getenv("WRK_THREADS") or "1")
  if os.getenv("POOL_FILE") then
    local all = read_lines(os.getenv("POOL_FILE"))
    local split = (PHASE == "validate_otp" or PHASE == "refresh")
    for i, line in ipairs(all) do
      -- single-use pools (codes, chains) are split between threads; round-robin pools are shared
      if (not split) or ((i - 1) % nthreads == tid - 1) then pool[#pool + 1] = line end
    end
    pos = split and 0 or ((tid - 1) % math.max(#pool, 1))
  end
  local prefix = (os.getenv("EMAIL_PREFIX") or "b-") .. tid .. "-"

  if STATIC then
    return
  elseif PHASE == "register_email" then
    req_fn = function()
      n = n + 1
      return post("register", '{"first_name":"Bench","last_name":"User","service_acceptance":true,' ..
        '"identity":{"provider":"EMAIL","email":"' .. prefix .. n .. '@bench.test"}}')
    end
  elseif PHASE == "register_phone" then
    -- Cyprus mobiles 99/97/96/95/94 + 6 digits: a million numbers per thread, one prefix each.
    local prefixes = { "99", "97", "96", "95", "94" }
    assert(tid <= #prefixes, "register_phone takes at most 5 threads")
    local national = prefixes[tid]
    req_fn = function()
      n = n + 1
      return post("register", string.format('{"first_name":"Bench","last_name":"User","service_acceptance":true,' ..
        '"identity":{"provider":"PHONE","phone_number":"%s%06d","country_code":"CYP"}}', national, n % 1000000))
    end
  elseif PHASE == "request_otp" then
    req_fn = function()
      n = n + 1
      pos = pos % #pool + 1
      local f = fields(pool[pos])
      return post("request-otp", '{"credentials":' .. credential(f[1], f[2]) .. '}')
    end
  elseif PHASE == "validate_otp" then
    req_fn = function()
      n = n + 1
      pos = pos + 1
      local line = pool[pos]
      if line == nil then
        exhausted = 1
        return filler_request()
      end
      local f = fields(line)
      return post("validate-otp", '{"credentials":' .. credential(f[1], f[2]) .. ',"code":"' .. f[3] .. '"}')
    end
  elseif PHASE == "refresh" then
    for i, line in ipairs(pool) do chain[i] = line end
    chain_tail = #pool + 1
    -- wrk calls request() once on the first thread before the run, only to look at the request
    -- (script_verify_request): that call must not use up a chain's token.
    local verifying = (tid == 1)
    req_fn = function()
      if verifying then
        verifying = false
        return wrk.format("GET", "/healthz")
      end
      n = n + 1
      local token = chain[chain_head]
      if token == nil then
        starved = starved + 1
        return filler_request()
      end
      chain[chain_head] = nil
      chain_head = chain_head + 1
      return post("refresh-token", '{"refresh_token":"' .. token .. '"}')
    end
  elseif PHASE == "me" then
    local reqs = {}
    for i, token in ipairs(pool) do
      reqs[i] = wrk.format("GET", API .. "me", { ["api_key"] = API_KEY, ["Authorization"] = "Bearer " .. token })
    end
    req_fn = function()
      pos = pos % #reqs + 1
      return reqs[pos]
    end
  elseif PHASE == "password" then
    req_fn = function()
      n = n + 1
      pos = pos % #pool + 1
      return post("authenticate", '{"provider":"EMAIL","email":"' .. pool[pos] .. '","password":"' .. PASSWORD .. '"}')
    end
  else
    error("unknown PHASE " .. PHASE)
  end
end

if DELAY_MS > 0 then
  function delay()
    return DELAY_MS
  end
end

-- The plain GETs are static requests with no Lua per request or per answer, as cheap for wrk as
-- a run without a script (so /healthz measures the server's ceiling, not the script's cost);
-- wrk counts their answers over 399 itself.
if STATIC then
  wrk.method = "GET"
  wrk.path = PHASE == "healthz" and "/healthz" or "/register"
else
  function request()
    return req_fn()
  end
  function response(status, hdrs, body)
    on_response(status, body)
  end
end

function on_response(status, body)
  if body == "ok" then
    -- a filler's answer: the pool ran dry or a chain broke
    if exhausted == 1 then wrk.thread:stop() end
    return
  end
  answers = answers + 1
  if status >= 200 and status < 300 then
    ok = ok + 1
    if PHASE == "refresh" then
      local token = string.match(body, '"refresh_token":"([^"]+)"')
      if token then
        chain[chain_tail] = token
        chain_tail = chain_tail + 1
      end
    end
  else
    bad = bad + 1
    local k = tostring(status)
    statuses[k] = (statuses[k] or 0) + 1
    if first_bad == "" then first_bad = string.sub(body or "", 1, 200) end
  end
  if MAX_REQUESTS > 0 and answers >= MAX_REQUESTS then wrk.thread:stop() end
end

local function json_string(s)
  return '"' .. string.gsub(s, '[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end) .. '"'
end

function done(summary, latency, requests)
  local tok, tbad, tfill, texh, tstarved = 0, 0, 0, 0, 0
  local codes, sample = {}, ""
  for _, t in ipairs(threads) do
    tok = tok + (t:get("ok") or 0)
    tbad = tbad + (t:get("bad") or 0)
    tfill = tfill + (t:get("filler") or 0)
    texh = texh + (t:get("exhausted") or 0)
    tstarved = tstarved + (t:get("starved") or 0)
    for k, v in pairs(t:get("statuses") or {}) do codes[k] = (codes[k] or 0) + v end
    if sample == "" then sample = t:get("first_bad") or "" end
  end
  if STATIC then
    tok = summary.requests - summary.errors.status
    tbad = summary.errors.status
    if tbad > 0 then codes["4xx/5xx"] = tbad end
  end
  local parts = {}
  for k, v in pairs(codes) do parts[#parts + 1] = '"' .. k .. '":' .. v end
  local dur = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'RESULT {"phase":"%s","requests":%d,"ok":%d,"non2xx":%d,"statuses":{%s},"first_non2xx":%s,' ..
    '"fillers":%d,"exhausted":%s,"starved":%d,"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},' ..
    '"duration_s":%.3f,"ok_rps":%.1f,"lat_ms":{"mean":%.3f,"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f}}\n',
    PHASE, summary.requests, tok, tbad, table.concat(parts, ","), json_string(sample), tfill,
    tostring(texh > 0), tstarved, e.connect, e.read, e.write, e.timeout, dur, tok / dur,
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
