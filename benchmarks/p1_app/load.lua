-- P1 load for wrk: POST JSON, each request with its own phone and device cookie so that no rate limit trips.
-- Placeholders filled by p1_intake.py: the paths to post to (one per QR poster, or the bare endpoint).
-- wrk args: RUN (0-9, keeps phones distinct across runs), DELAY_MS (0 = as fast as possible), IDS_FILE (or "").
local paths = {__PATHS__}
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  run = tonumber(args[1]) or 0
  delay_ms = tonumber(args[2]) or 0
  counter, ok, non2xx = 0, 0, 0
  ids = nil
  if args[3] and args[3] ~= "" then ids = io.open(args[3] .. "." .. tid, "w") end
end

function request()
  counter = counter + 1
  local n = tid * 10000000 + counter
  local phone = string.format("13%d%08d", run % 10, n % 100000000)
  local cookie = string.format("r%02dt%02dc%026d", run, tid, counter)
  local body = string.format('{"level":%d,"phone":"%s"}', counter % 5 + 1, phone)
  local headers = {["Content-Type"] = "application/json", ["Cookie"] = "pyd=" .. cookie}
  return wrk.format("POST", paths[(counter % #paths) + 1], headers, body)
end

function delay()
  return delay_ms
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
    if ids then
      local id = string.match(body, '"id":%s*(%d+)')
      if id then ids:write(id, "\n"); ids:flush() end
    end
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
