-- wrk script for scripts/bench-server.sh: POST /v1/screen/party, rotating
-- over request bodies read from a file (one JSON body per line, as
-- bench/server/names.py writes them). Settings, from the environment:
--
--   BENCH_BODIES   the bodies file (required)
--   BENCH_PATH     the route (default /v1/screen/party)
--   BENCH_RATE     when set, requests per second in all: an open-loop
--                  schedule instead of wrk's closed loop (see delay below)
--   BENCH_THREADS  wrk's -t, to split BENCH_RATE between threads (default 1)
--   BENCH_STATUS   when set, count the responses by status code (each
--                  response is then handed to Lua, which costs wrk time)
--   BENCH_OUT      a file to append the result to, as one JSON line
--   BENCH_NAME     the measurement's name in that line
--   BENCH_CMD      the command line, quoted in that line
--
-- Pacing. wrk has no fixed rate. With BENCH_RATE, request k of a thread is
-- due at start + k / rate: whenever a connection is free it takes the next
-- due time and waits for it (wrk's delay(), in whole milliseconds, so a
-- request may go out up to 1 ms early; the rate over a second is exact).
-- If every connection is busy when a request falls due, it goes out late,
-- on the next free connection, and wrk's latency (timed from the send)
-- leaves that wait out. So the lateness is counted: `late_over_1ms` and
-- `max_late_ms` in the result say whether the schedule was kept; when they
-- are near zero the latencies are those of an open-loop load.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local path = os.getenv("BENCH_PATH") or "/v1/screen/party"
local rate_total = tonumber(os.getenv("BENCH_RATE") or "")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1") or 1

-- Per-thread state (each wrk thread runs its own copy of this script).
requests_list = {}
next_request = 1
statuses = {}
scheduled = 0
late = 0
max_late = 0
local start = nil
local rate = nil

function init(args)
  local file = os.getenv("BENCH_BODIES")
  if not file then error("set BENCH_BODIES to a file of request bodies") end
  local headers = { ["Content-Type"] = "application/json" }
  for line in io.lines(file) do
    if line:match("%S") then
      requests_list[#requests_list + 1] = wrk.format("POST", path, headers, line)
    end
  end
  if #requests_list == 0 then error("no bodies in " .. file) end
  -- Threads start at different places in the list.
  next_request = (thread_index or 0) * 97 % #requests_list + 1
  if rate_total then rate = rate_total / nthreads end
end

function request()
  local r = requests_list[next_request]
  next_request = next_request % #requests_list + 1
  return r
end

if rate_total then
  function delay()
    local t = now()
    if not start then start = t end
    local due = start + scheduled / rate
    scheduled = scheduled + 1
    local wait = due - t
    if wait < -0.001 then
      late = late + 1
      if -wait > max_late then max_late = -wait end
    end
    if wait <= 0 then return 0 end
    return math.floor(wait * 1000 + 0.5)
  end
end

if os.getenv("BENCH_STATUS") then
  function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
  end
end

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  threads[#threads + 1] = thread
end

local function jstr(s)
  s = tostring(s or "")
  s = s:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('\n', '\\n'):gsub('\t', '\\t')
  return '"' .. s .. '"'
end

local function num(x)
  if x ~= x or x == math.huge or x == -math.huge then return "null" end
  if x == math.floor(x) and math.abs(x) < 1e15 then return string.format("%d", x) end
  return string.format("%.3f", x)
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local by_status, total_late, worst_late = {}, 0, 0
  local counted = false
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if s then
      for code, n in pairs(s) do
        counted = true
        by_status[code] = (by_status[code] or 0) + n
      end
    end
    total_late = total_late + (t:get("late") or 0)
    worst_late = math.max(worst_late, t:get("max_late") or 0)
  end
  local e = summary.errors
  local ms = function(us) return us / 1000 end
  local parts = {
    '"name":' .. jstr(os.getenv("BENCH_NAME") or "wrk"),
    '"command":' .. jstr(os.getenv("BENCH_CMD") or ""),
    '"duration_s":' .. num(secs),
    '"requests":' .. num(summary.requests),
    '"requests_per_s":' .. num(summary.requests / secs),
    '"latency_ms":{' .. table.concat({
      '"mean":' .. num(ms(latency.mean)),
      '"stdev":' .. num(ms(latency.stdev)),
      '"p50":' .. num(ms(latency:percentile(50))),
      '"p90":' .. num(ms(latency:percentile(90))),
      '"p99":' .. num(ms(latency:percentile(99))),
      '"p99_9":' .. num(ms(latency:percentile(99.9))),
      '"max":' .. num(ms(latency.max)),
    }, ",") .. "}",
    -- wrk's `status` error: responses with a status of 400 or more.
    '"non_2xx":' .. num(e.status),
    '"socket_errors":{' .. table.concat({
      '"connect":' .. num(e.connect), '"read":' .. num(e.read),
      '"write":' .. num(e.write), '"timeout":' .. num(e.timeout),
    }, ",") .. "}",
  }
  if counted then
    local codes = {}
    for code, n in pairs(by_status) do codes[#codes + 1] = '"' .. code .. '":' .. num(n) end
    table.sort(codes)
    parts[#parts + 1] = '"statuses":{' .. table.concat(codes, ",") .. "}"
  end
  if rate_total then
    parts[#parts + 1] = '"target_rate_per_s":' .. num(rate_total)
    parts[#parts + 1] = '"late_over_1ms":' .. num(total_late)
    parts[#parts + 1] = '"max_late_ms":' .. num(worst_late * 1000)
  end
  local line = "{" .. table.concat(parts, ",") .. "}"
  local out = os.getenv("BENCH_OUT")
  if out then
    local f = assert(io.open(out, "a"))
    f:write(line, "\n")
    f:close()
  end
  io.write("result: ", line, "\n")
end
