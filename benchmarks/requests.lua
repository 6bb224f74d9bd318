-- wrk script for `make bench`: replays requests written by benchmarks/run.py and reports JSON.
--
-- Arguments (after `--`): FILE MODE THREADS
--   FILE    one request per line: METHOD <tab> PATH <tab> COOKIE <tab> BODY (BODY url-encoded or empty)
--   MODE    "cycle": replay the lines in turn for the whole run (read pages, many élus)
--           "once":  send each line once, stop once each has its answer (write path: one dossier per request)
--   THREADS wrk's -t, so that each thread takes its own share of the lines
-- At the end, one line "WRK_JSON {...}" with throughput, errors and latency percentiles (microseconds).

local thread_count = 0
local threads = {}

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  local file, nthreads = args[1], tonumber(args[3] or "1")
  mode = args[2] or "cycle"
  requests_list = {}
  local index = 0
  for line in io.lines(file) do
    if line ~= "" and index % nthreads == id then
      local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
      local headers = {}
      if cookie ~= "" then headers["Cookie"] = cookie end
      if body ~= "" then
        headers["Content-Type"] = "application/x-www-form-urlencoded"
      else
        body = nil
      end
      table.insert(requests_list, wrk.format(method, path, headers, body))
    end
    index = index + 1
  end
  sent, received, answered, exhausted = 0, 0, 0, 0
  line_count = #requests_list
  -- wrk calls request() once on the first thread's state to check what it returns, and never sends that one.
  verified = id ~= 0
  -- Once every line is sent, a connection still asking for work gets this harmless request (it answers "ok").
  filler = wrk.format("GET", "/sante/plancher/")
end

function request()
  if not verified then
    verified = true
    return filler
  end
  sent = sent + 1
  if sent <= #requests_list then
    return requests_list[sent]
  end
  if mode == "cycle" then
    return requests_list[(sent - 1) % #requests_list + 1]
  end
  exhausted = 1
  return filler
end

-- Once its lines are all sent, a thread waits a second before each filler: fillers stay out of the figures.
function delay()
  if exhausted == 1 then
    return 1000
  end
  return 0
end

function response(status, headers, body)
  received = received + 1
  if mode == "once" then
    -- The floor's "ok" answers a filler; anything else answers one of the lines.
    if not (exhausted == 1 and status == 200 and body == "ok") then
      answered = answered + 1
    end
    if answered >= #requests_list then
      wrk.thread:stop()
    end
  end
end

function done(summary, latency, requests)
  local exhausted_threads, lines_sent, lines_answered = 0, 0, 0
  for _, thread in ipairs(threads) do
    exhausted_threads = exhausted_threads + (thread:get("exhausted") or 0)
    lines_sent = lines_sent + math.min(thread:get("sent") or 0, thread:get("line_count") or 0)
    lines_answered = lines_answered + (thread:get("answered") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}, "exhausted_threads": %d, ' ..
    '"writes_sent": %d, "writes_answered": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    exhausted_threads, lines_sent, lines_answered))
end
