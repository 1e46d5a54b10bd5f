-- (a) every request reads the same product: a pure cache hit.
dofile("bench/scripts/common.lua")
local path = product_path(1)
request = function() return wrk.format("GET", path) end
