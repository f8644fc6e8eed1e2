-- wrk script: POST realistic demo reports to /api/v1/reports, rotating through a file of them.
-- Usage: wrk -s bench/post_reports.lua ... (REPORTS_FILE names a JSON Lines file of reports)
local reports = {}
local path = os.getenv("REPORTS_FILE")
for line in io.lines(path) do
  if #line > 0 then reports[#reports + 1] = line end
end
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  i = i % #reports + 1
  return wrk.format(nil, "/api/v1/reports", nil, reports[i])
end

-- wrk itself prints "Non-2xx or 3xx responses" when any request was refused.
