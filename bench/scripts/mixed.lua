-- (d) 95 % reads, 5 % partial updates, uniform over all products.
dofile("bench/scripts/common.lua")
local headers = { ["Content-Type"] = "application/json" }
request = function()
  local path = product_path(math.random(products))
  if math.random(100) <= 5 then
    return wrk.format("PUT", path, headers, string.format('{"stock_quantity": %d}', math.random(1000)))
  end
  return wrk.format("GET", path)
end
