--[[
  Settles one in-flight message that was not acked: requeue it (now or later), release it
  untouched (fetched but never handed to a handler), or park it as a dead letter. A no-op when
  the claim id is no longer in flight (already settled, or its deadline passed and it was restored).

  KEYS[1..10]  ready lists, highest priority first
  KEYS[11]     unacked hash
  KEYS[12]     unacked index zset
  KEYS[13]     delayed zset
  KEYS[14]     redelivered hash
  KEYS[15]     dead-letter list   "<json header>\n<raw>"
  ARGV[1]  claim id
  ARGV[2]  mode: requeue (back of the queue) | delay | release (front) | dead
           requeue, delay and release are deliberate returns: the next delivery keeps this one's
           count (only deliveries whose consumer was lost add one; see Delivery.deliveryCount)
  ARGV[3]  requeue/delay: delay in ms; dead: the JSON header line
  ARGV[4]  delay: unique delayed id; dead: most dead letters kept

  Returns 1 when settled here, 0 when the message was no longer in flight.
]]
local value = redis.call('HGET', KEYS[11], ARGV[1])
if not value then return 0 end
redis.call('HDEL', KEYS[11], ARGV[1])
redis.call('ZREM', KEYS[12], ARGV[1])

local a = string.find(value, '|', 1, true)
local b = string.find(value, '|', a + 1, true)
local bucket = tonumber(string.sub(value, 1, a - 1))
local count = tonumber(string.sub(value, a + 1, b - 1))
local raw = string.sub(value, b + 1)
local mode = ARGV[2]

if mode == 'dead' then
  redis.call('RPUSH', KEYS[15], ARGV[3] .. '\n' .. raw)
  redis.call('LTRIM', KEYS[15], -tonumber(ARGV[4]), -1)
elseif mode == 'delay' then
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  redis.call('ZADD', KEYS[13], now + tonumber(ARGV[3]), ARGV[4] .. '|' .. bucket .. '|' .. (count - 1) .. '|' .. raw)
else
  if mode == 'release' then
    redis.call('RPUSH', KEYS[bucket + 1], raw)
  else
    redis.call('LPUSH', KEYS[bucket + 1], raw)
  end
  if count > 1 then redis.call('HSET', KEYS[14], redis.sha1hex(raw), count - 1) end
end
return 1
