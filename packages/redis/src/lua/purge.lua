--[[
  Removes every waiting message of a queue (ready and delayed) and returns how many.
  In-flight messages are untouched: their consumers still settle them.

  KEYS[1..10]  ready lists
  KEYS[11]     delayed zset
  KEYS[12]     redelivered hash (only describes waiting messages)
]]
local total = redis.call('ZCARD', KEYS[11])
for k = 1, 10 do total = total + redis.call('LLEN', KEYS[k]) end
redis.call('DEL', unpack(KEYS))
return total
