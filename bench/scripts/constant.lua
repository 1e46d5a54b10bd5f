-- (f) the reference: constant product-shaped JSON, no cache and no database.
dofile("bench/scripts/common.lua")
request = function() return wrk.format("GET", "/bench/constant") end
