-- wrk script: POST envelopes of 100 fresh STIX 2.1 indicators (ids and domain values unique
-- within and across runs) to a TAXII collection, and count the objects the server accepted
-- from the status resources it answers with.
-- Env: TAXII_PATH (the objects path), TAXII_AUTH (Authorization header value), TAXII_SALT (a
-- number, different for each run against the same store).
local path = os.getenv("TAXII_PATH")
local salt = tonumber(os.getenv("TAXII_SALT")) % 0x7fffffff
wrk.method = "POST"
wrk.headers["Accept"] = "application/taxii+json;version=2.1"
wrk.headers["Content-Type"] = "application/taxii+json;version=2.1"
wrk.headers["Authorization"] = os.getenv("TAXII_AUTH")

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("id", #threads)
end

function init(args)
  sent = 0
  accepted = 0
end

local template = '{"type":"indicator","spec_version":"2.1","id":"indicator--%08x-%04x-4000-8000-%04x%08x",'
  .. '"created":"2026-11-28T12:00:00.000Z","modified":"2026-11-28T12:00:00.000Z",'
  .. '"name":"Tech-support scam domain","indicator_types":["malicious-activity"],'
  .. '"pattern":"[domain-name:value = \'w%x-%x-%x-%x.example\']","pattern_type":"stix",'
  .. '"valid_from":"2026-11-28T12:00:00.000Z"}'

function request()
  sent = sent + 1
  local objects = {}
  for i = 1, 100 do
    objects[i] = string.format(template, salt, id, i, sent, salt, id, i, sent)
  end
  return wrk.format(nil, path, nil, '{"objects":[' .. table.concat(objects, ",") .. ']}')
end

function response(status, headers, body)
  local n = body:match('"success_count":%s*(%d+)')
  if status == 202 and n then accepted = accepted + tonumber(n) end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("accepted") end
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT envelopes=%d accepted=%d seconds=%.2f non2xx=%d socket_errors=%d p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, total, seconds, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
