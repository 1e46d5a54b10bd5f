-- (g) GET /products?ids= with 20 distinct random ids out of the first 1,000 products: hot
-- ids, so after the warm-up nearly every id is a cache hit, read with one MGET.
dofile("bench/scripts/common.lua")
local hot = math.min(products, 1000)
local size = math.min(20, hot)
local pool = {}
for i = 1, hot do pool[i] = i end
request = function()
  -- a partial Fisher-Yates shuffle: the first `size` entries are a random sample without
  -- repeats (the API would answer a repeated id twice)
  local ids = {}
  for k = 1, size do
    local j = math.random(k, hot)
    pool[k], pool[j] = pool[j], pool[k]
    ids[k] = string.format("10000000-0000-4000-8000-%012x", pool[k])
  end
  return wrk.format("GET", "/products?ids=" .. table.concat(ids, ","))
end
