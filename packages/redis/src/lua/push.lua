--[[
  Publishes one ready message (standalone Redis). When a consumer is registered idle on the queue,
  the message is claimed for it on the spot (in-flight record and deadline, exactly as claim.lua
  would) and appended to that consumer's inbox, which it blocks on: the consumer runs it without
  a claim round trip. Otherwise the message goes on its kombu list like any producer's.

  KEYS[1]  the ready list of the message's bucket
  KEYS[2]  unacked hash
  KEYS[3]  unacked index zset
  KEYS[4]  idle zset      consumer id -> registration expiry (ms, Redis clock)
  KEYS[5]  credits hash   consumer id -> messages it still takes
  ARGV[1]  raw message
  ARGV[2]  kombu bucket
  ARGV[3]  claim id for a hand-over
  ARGV[4]  visibility timeout (ms)
  ARGV[5]  inbox key prefix (the consumer id completes it; standalone only, so not a declared key)

  Returns 1 when handed over, 0 when pushed on the list.
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

-- Registrations of consumers that died without leaving: drop a few per call.
local stale = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. now, 'LIMIT', 0, 10)
if #stale > 0 then
  redis.call('ZREM', KEYS[4], unpack(stale))
  redis.call('HDEL', KEYS[5], unpack(stale))
end

local idle = redis.call('ZRANGEBYSCORE', KEYS[4], now, '+inf', 'LIMIT', 0, 1)[1]
if not idle then
  redis.call('LPUSH', KEYS[1], ARGV[1])
  return 0
end

local left = redis.call('HINCRBY', KEYS[5], idle, -1)
if left <= 0 then
  redis.call('ZREM', KEYS[4], idle)
  redis.call('HDEL', KEYS[5], idle)
end
local timeout = tonumber(ARGV[4])
redis.call('HSET', KEYS[2], ARGV[3], ARGV[2] .. '|1|' .. ARGV[1])
redis.call('ZADD', KEYS[3], now + timeout, ARGV[3])
local inbox = ARGV[5] .. idle
-- "<credits left>|<claim id>|<raw>"; an inbox outliving its consumer expires (its records were restored).
redis.call('RPUSH', inbox, math.max(left, 0) .. '|' .. ARGV[3] .. '|' .. ARGV[1])
redis.call('PEXPIRE', inbox, timeout)
return 1
