-- (i) a page of 20 products starting at a random position: each request takes a cursor at
-- random from the pool that run.sh collected by walking next_cursor (bench/cursors.py), so
-- pages come from all over the table rather than from its warm start.
dofile("bench/scripts/common.lua")
local cursors = {}
for line in io.lines(os.getenv("BENCH_CURSORS")) do cursors[#cursors + 1] = line end
request = function()
  return wrk.format("GET", "/products?limit=20&cursor=" .. cursors[math.random(#cursors)])
end
