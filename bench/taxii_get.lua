-- wrk script: GET pages of 100 objects from a TAXII collection, each request a page chosen at
-- random among the collection's full pages (first page, or `added_after` the end of a page).
-- Env: TAXII_PATH (the objects path), TAXII_AUTH (Authorization header value), TAXII_PAGES (a
-- file written by `taxii_helper.py pages`: FIRST, then one added_after value per line).
local path = os.getenv("TAXII_PATH")
local starts = {}
for line in io.lines(os.getenv("TAXII_PAGES")) do
  if #line > 0 then starts[#starts + 1] = line end
end
wrk.headers["Accept"] = "application/taxii+json;version=2.1"
wrk.headers["Authorization"] = os.getenv("TAXII_AUTH")

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("id", #threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
end

function request()
  local start = starts[math.random(#starts)]
  local query = path .. "?limit=100"
  if start ~= "FIRST" then query = query .. "&added_after=" .. start end
  return wrk.format("GET", query)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local ok = summary.requests - summary.errors.status
  io.write(string.format("RESULT pages=%d seconds=%.2f non2xx=%d socket_errors=%d p50_ms=%.2f p99_ms=%.2f\n",
    ok, seconds, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
