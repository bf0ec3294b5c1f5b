--[[
  Schedules messages: each becomes ready (in its priority list) once its delay has passed on the
  Redis clock, promoted by the next claim on the queue.

  KEYS[1]  delayed zset
  ARGV     pairs: delay (ms), member "<id>|<bucket>|0|<raw>"
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local args = {}
for i = 1, #ARGV, 2 do
  args[#args + 1] = now + tonumber(ARGV[i])
  args[#args + 1] = ARGV[i + 1]
end
return redis.call('ZADD', KEYS[1], unpack(args))
