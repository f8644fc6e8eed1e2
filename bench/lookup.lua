-- wrk script: GET one lookup per request, the value chosen at random from a file of paths
-- (`/api/v1/lookup?value=...`, `/api/v1/hashes/xxxx`, `/api/v1/feeds/...`), one per line.
-- Env: LOOKUP_PATHS (the file).
local paths = {}
for line in io.lines(os.getenv("LOOKUP_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("id", #threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local ok = summary.requests - summary.errors.status
  io.write(string.format("RESULT requests=%d per_second=%.0f seconds=%.2f non2xx=%d socket_errors=%d p50_ms=%.2f p99_ms=%.2f\n",
    ok, ok / seconds, seconds, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
