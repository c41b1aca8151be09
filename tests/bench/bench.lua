-- wrk script of the benchmark (tests/bench/bench.py sets the environment):
--   BENCH_MODE=urls  GET the paths in BENCH_URLS (one a line) in turn, each thread and
--                    connection starting at a different one; BENCH_COOKIE is sent if set
--   BENCH_MODE=post  POST /api/v1/observations with a new client_id each time, at the
--                    positions in BENCH_POINTS ("lon lat" a line), all categories
-- done() writes the figures as one JSON line to BENCH_OUT.
local mode = os.getenv("BENCH_MODE") or "urls"
local cookie = os.getenv("BENCH_COOKIE")
local nonce = tonumber(os.getenv("BENCH_NONCE") or "1")
local out = os.getenv("BENCH_OUT")

local function lines(path)
  local t = {}
  for l in io.lines(path) do
    if #l > 0 then t[#t + 1] = l end
  end
  return t
end

local urls, points = {}, {}
if mode == "post" then
  for _, l in ipairs(lines(os.getenv("BENCH_POINTS"))) do
    local lon, lat = l:match("^(%S+)%s+(%S+)")
    points[#points + 1] = {lon, lat}
  end
else
  urls = lines(os.getenv("BENCH_URLS"))
end

local cats = {"lighting", "litter", "graffiti", "vegetation", "path", "traffic", "hidden",
              "signage", "furniture", "safe_place", "other"}

local next_tid = 0
function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
end

local counter = 0
function init(args)
  counter = 0
end

function request()
  counter = counter + 1
  local t = tid or 0
  if mode == "post" then
    local p = points[(counter * 7919 + t * 104729) % #points + 1]
    local body = string.format(
      '{"client_id":"%08x-%04x-4000-8000-%012x","category":"%s","lon":%s,"lat":%s,' ..
      '"accuracy_m":8,"observed_at":"%s","description":"Benchmark: trasig belysning",' ..
      '"unsafe_rating":%d}',
      nonce, t, counter, cats[counter % #cats + 1], p[1], p[2],
      os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 60), counter % 5 + 1)
    return wrk.format("POST", "/api/v1/observations",
                      {["Content-Type"] = "application/json"}, body)
  end
  local u = urls[(counter + t * 31) % #urls + 1]
  local h = {}
  if cookie then h["Cookie"] = cookie end
  return wrk.format("GET", u, h)
end

function done(summary, latency, requests)
  local e = summary.errors
  local f = io.open(out, "w")
  f:write(string.format(
    '{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
  f:close()
end
