-- One request, sent over and over, and the results printed as one line of JSON.
--
--   wrk ... -H "Authorization: Basic ..." -s bench/wrk/request.lua URL -- METHOD [BODY_FILE]
--
-- Headers come from wrk's -H options; the method and the (optional) body file are script
-- arguments. The request is formatted once per thread in init(), so the script costs nothing
-- per request, and no response() is defined, so wrk does not hand responses to Lua.
-- done() prints a line starting with "BENCH_JSON " that bench/run.py reads.

local request_bytes

function init(args)
  local method = args[1] or "GET"
  local body = nil
  if args[2] then
    local file = assert(io.open(args[2], "rb"))
    body = file:read("*a")
    file:close()
  end
  request_bytes = wrk.format(method, nil, nil, body)
end

function request()
  return request_bytes
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_s":%.6f,"requests_per_s":%.3f,"bytes":%d,'
      .. '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"max":%d,'
      .. '"p50":%d,"p90":%d,"p99":%d,"p999":%d},'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, seconds, summary.requests / seconds, summary.bytes,
    latency.min, latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9),
    e.connect, e.read, e.write, e.status, e.timeout))
end
