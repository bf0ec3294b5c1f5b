--[[
  A closing consumer (standalone Redis) leaves a queue: its idle registration goes, and messages
  handed to its inbox that it never took go back to the consuming end of their lists, untouched.

  KEYS[1..10]  ready lists, highest priority first
  KEYS[11]     unacked hash
  KEYS[12]     unacked index zset
  KEYS[13]     idle zset
  KEYS[14]     credits hash
  KEYS[15]     the consumer's inbox: "<credits left>|<claim id>|<raw>" or "ring"
  ARGV[1]      consumer id

  Returns how many messages went back.
]]
redis.call('ZREM', KEYS[13], ARGV[1])
redis.call('HDEL', KEYS[14], ARGV[1])
local entries = redis.call('LRANGE', KEYS[15], 0, -1)
redis.call('DEL', KEYS[15])
local returned = 0
-- RPUSH puts a message at the consuming end: the latest first, so the earliest runs first.
for i = #entries, 1, -1 do
  local a = string.find(entries[i], '|', 1, true)
  if a then
    local id = string.sub(entries[i], a + 1, string.find(entries[i], '|', a + 1, true) - 1)
    local value = redis.call('HGET', KEYS[11], id)
    if value then
      local bar = string.find(value, '|', 1, true)
      local raw = string.sub(value, string.find(value, '|', bar + 1, true) + 1)
      redis.call('RPUSH', KEYS[tonumber(string.sub(value, 1, bar - 1)) + 1], raw)
      redis.call('HDEL', KEYS[11], id)
      redis.call('ZREM', KEYS[12], id)
      returned = returned + 1
    end
  end
end
return returned
