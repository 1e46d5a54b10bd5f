-- (c) Zipf-like skew (s = 1): product i is read with probability proportional to 1/i,
-- sampled as exp(U * ln n). Run against a cold cache to watch the hit ratio climb.
dofile("bench/scripts/common.lua")
local log_n = math.log(products)
request = function()
  return wrk.format("GET", product_path(math.floor(math.exp(math.random() * log_n))))
end
