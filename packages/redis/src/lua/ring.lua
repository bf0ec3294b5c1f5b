--[[
  Wakes one consumer registered idle on a queue (standalone Redis): its registration is taken and
  "ring" is appended to its inbox, so it claims (and registers again if it finds too little).
  Producers ring after pushing messages on the lists themselves (batches, delays, requeues).

  KEYS[1]  idle zset      consumer id -> registration expiry (ms, Redis clock)
  KEYS[2]  credits hash   consumer id -> messages it still takes
  ARGV[1]  inbox key prefix (the consumer id completes it)
  ARGV[2]  inbox lifetime (ms)

  Returns 1 when a consumer was woken.
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local idle = redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf', 'LIMIT', 0, 1)[1]
if not idle then return 0 end
redis.call('ZREM', KEYS[1], idle)
redis.call('HDEL', KEYS[2], idle)
local inbox = ARGV[1] .. idle
redis.call('RPUSH', inbox, 'ring')
redis.call('PEXPIRE', inbox, tonumber(ARGV[2]))
return 1
