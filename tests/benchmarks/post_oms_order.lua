-- wrk script: POST /api/v1/orders/ as a sales channel, every order unique.
-- Arguments after `--`: <channel token> <external id prefix> <SKU count> [hot SKU code]
-- Without a hot SKU each order has 2 lines of distinct random SKUs BENCH-00000..; with one,
-- each order has 1 line of that SKU. External ids are <prefix>-<thread>-<request>, so
-- the database tells apart this run's orders. At the end prints "status <code> <count>" lines.

local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  token, prefix, sku_count, hot_sku = args[1], args[2], tonumber(args[3]), args[4]
  headers = {["Content-Type"] = "application/json", ["Authorization"] = "Token " .. token}
  sent = 0
  statuses = {}
  math.randomseed(os.time() + thread_id * 7919)
end

local function line(sku)
  return string.format(
    '{"sku":"%s","quantity":1,"unit_price":"10.00","discount":"0.00","tax":"1.00"}', sku)
end

local function random_lines()
  local first = math.random(0, sku_count - 1)
  local second = math.random(0, sku_count - 2)
  if second >= first then second = second + 1 end
  return string.format("%s,%s", line(string.format("BENCH-%05d", first)),
                       line(string.format("BENCH-%05d", second))), "27.00"
end

function request()
  sent = sent + 1
  local lines, total
  if hot_sku then
    lines, total = line(hot_sku), "16.00"
  else
    lines, total = random_lines()
  end
  local body = string.format(
    '{"external_id":"%s-%d-%d","placed_at":"2026-03-02T10:00:00Z","currency":"USD",' ..
    '"customer":{"email":"bench@example.com","name":"Bench Buyer"},' ..
    '"shipping_address":{"name":"Bench Buyer","line1":"350 5th Ave","city":"New York",' ..
    '"region":"NY","postal_code":"10118","country_code":"US"},' ..
    '"lines":[%s],"shipping_price":"5.00","totals":{"total":"%s"},"payment_status":"authorized"}',
    prefix, thread_id, sent, lines, total)
  return wrk.format("POST", "/api/v1/orders/", headers, body)
end

function response(status, response_headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  for status, count in pairs(totals) do
    io.write(string.format("status %d %d\n", status, count))
  end
end
