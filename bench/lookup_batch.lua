-- wrk script: POST /api/v1/lookup with a batch of values, the body chosen at random from a file
-- of JSON bodies, one per line. Env: LOOKUP_BODIES (the file), LOOKUP_BATCH (values per body,
-- for the values/s figure).
local bodies = {}
for line in io.lines(os.getenv("LOOKUP_BODIES")) do
  if #line > 0 then bodies[#bodies + 1] = line end
end
local batch = tonumber(os.getenv("LOOKUP_BATCH"))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("id", #threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
end

function request()
  return wrk.format("POST", "/api/v1/lookup", nil, bodies[math.random(#bodies)])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local ok = summary.requests - summary.errors.status
  io.write(string.format("RESULT requests=%d per_second=%.0f values_per_second=%.0f seconds=%.2f non2xx=%d socket_errors=%d p50_ms=%.2f p99_ms=%.2f\n",
    ok, ok / seconds, ok * batch / seconds, seconds, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
