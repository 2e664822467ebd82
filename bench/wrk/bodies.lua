-- POSTs a rotating set of bodies, one per line of a file, and prints the results as JSON.
--
--   wrk ... -H "Content-Type: application/x-www-form-urlencoded" -s bench/wrk/bodies.lua URL \
--       -- BODIES_FILE
--
-- bench/sms_run.py writes the file: one urlencoded SMS submission per destination number, so
-- the destinations rotate. Every request is formatted once per thread in init(); request()
-- only picks the next one, and each thread starts at a different place in the list. No
-- response() is defined, so wrk does not hand responses to Lua (the statuses in the bodies
-- are checked by sms_run.py against what Ringback stored). done() prints the same
-- "BENCH_JSON " line as request.lua.

local requests = {}
local index = 0
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter) -- a global in that thread's Lua state
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  for line in file:lines() do
    if #line > 0 then
      requests[#requests + 1] = wrk.format("POST", nil, nil, line)
    end
  end
  file:close()
  assert(#requests > 0, "no bodies in " .. args[1])
  index = ((thread_number or 1) * 7919) % #requests
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function done(summary, latency, requests_done)
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
