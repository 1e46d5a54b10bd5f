-- Shared by every scenario: product ids, a per-thread random seed, and a one-line summary
-- that bench/run.sh parses.
products = tonumber(os.getenv("BENCH_PRODUCTS") or "10000")

function product_path(i)
  return string.format("/products/10000000-0000-4000-8000-%012x", i)
end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + seed)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f requests=%d non2xx=%d socket_errors=%d\n",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
