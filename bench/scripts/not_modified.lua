-- (h) (a) with If-None-Match naming the product's current version: a cache hit answered
-- 304 without a body. run.sh reads the ETag just before each run (the PUTs of (d) change
-- versions) and passes it as BENCH_ETAG.
dofile("bench/scripts/common.lua")
local path = product_path(1)
local headers = { ["If-None-Match"] = os.getenv("BENCH_ETAG") }
request = function() return wrk.format("GET", path, headers) end
