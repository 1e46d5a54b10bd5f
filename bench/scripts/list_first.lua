-- (i) the first page of the unfiltered list, 20 products.
dofile("bench/scripts/common.lua")
request = function() return wrk.format("GET", "/products?limit=20") end
