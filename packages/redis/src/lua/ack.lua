--[[
  Acknowledges in-flight messages for good (a batch of one consumer's acks in one call).

  KEYS[1]  unacked hash
  KEYS[2]  unacked index zset
  ARGV     claim ids

  Returns how many were still in flight.
]]
redis.call('ZREM', KEYS[2], unpack(ARGV))
return redis.call('HDEL', KEYS[1], unpack(ARGV))
