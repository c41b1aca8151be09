-- write_post.lua — wrk script: POST /api/v1/observations with a new client_id (a v4 UUID)
-- each request, so every request files a new observation (tests/bench/write_bench.sh).
local counter = 0
local threads_made = 0
thread_no = 0 -- a global: setup() sets it in each thread's own Lua state

function setup(thread)
  thread:set("thread_no", threads_made)
  threads_made = threads_made + 1
end

function init(args)
  math.randomseed(os.time() * 1000 + thread_no)
end

local function uuid()
  counter = counter + 1
  return string.format("%08x-%04x-4%03x-8%03x-%012x", math.random(0, 0x7fffffff), thread_no,
                       math.random(0, 0xfff), math.random(0, 0xfff), counter)
end

function request()
  local lon = 12.90 + math.random() * 0.08
  local lat = 57.70 + math.random() * 0.05
  local body = string.format('{"client_id":"%s","category":"lighting","lon":%.6f,"lat":%.6f,'
    .. '"accuracy_m":8,"observed_at":"2026-11-24T18:30:00Z","description":"wrk"}', uuid(), lon, lat)
  return wrk.format("POST", "/api/v1/observations", {["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  io.write(string.format("answered %d in %.1f s: %.0f/s, p50 %.1f ms, p99 %.1f ms, non-2xx %d\n",
                         summary.requests, summary.duration / 1e6,
                         summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
                         latency:percentile(99) / 1000, summary.errors.status))
end
