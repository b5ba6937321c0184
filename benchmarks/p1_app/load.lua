-- P1 load for wrk: the citizen page's JSON post (urlencoded form, Accept: application/json), each request with its own
-- phone, device cookie and comment, so that no rate limit trips and every acknowledged rating can be found again.
-- Placeholder filled by p1_intake.py: TARGETS, a list of {path, form token}.
-- wrk args: RUN (0-9, keeps phones distinct across runs), DELAY_MS (0 = as fast as possible), ACKS_FILE (or "").
local targets = {__TARGETS__}
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  run = tonumber(args[1]) or 0
  delay_ms = tonumber(args[2]) or 0
  counter, ok, non2xx = 0, 0, 0
  acks = nil
  if args[3] and args[3] ~= "" then acks = io.open(args[3] .. "." .. tid, "w") end
end

function request()
  counter = counter + 1
  local n = tid * 10000000 + counter
  local phone = string.format("13%d%08d", run % 10, n % 100000000)
  local cookie = string.format("r%02dt%02dc%026d", run, tid, counter)
  local target = targets[(counter % #targets) + 1]
  local comment = string.format("p1-%d-%d-%08d", run, tid, counter)
  local body = string.format("level=%d&phone=%s&comment=%s&ft=%s", counter % 5 + 1, phone, comment, target[2])
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
    ["Cookie"] = "pyd=" .. cookie,
    ["X-Request-ID"] = comment,  -- echoed back (RequestIdMiddleware, the lean intake): which rating was acknowledged
  }
  return wrk.format("POST", target[1], headers, body)
end

function delay()
  return delay_ms
end

function response(status, headers, body)
  local comment = headers["X-Request-ID"]
  if status >= 200 and status < 300 then
    ok = ok + 1
    if acks and comment then acks:write(comment, "\n"); acks:flush() end
  else
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local o, n = 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    n = n + t:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'P1JSON {"requests":%d,"duration_us":%d,"ok":%d,"non2xx":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, o, n, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
