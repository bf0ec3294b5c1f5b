--[[
  Counts the waiting messages of a queue: ready (every priority list) plus delayed.

  KEYS[1..10]  ready lists
  KEYS[11]     delayed zset
]]
local total = redis.call('ZCARD', KEYS[11])
for k = 1, 10 do total = total + redis.call('LLEN', KEYS[k]) end
return total
