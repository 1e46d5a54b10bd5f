-- (b) uniform reads over all products.
dofile("bench/scripts/common.lua")
request = function() return wrk.format("GET", product_path(math.random(products))) end
