--[[
  Pushes the visibility deadline of in-flight messages to ARGV[1] ms from now (Redis clock).
  Only ids still in flight are touched (ZADD XX): a restored message is not resurrected.

  KEYS[1]  unacked index zset
  ARGV[1]  ms from now
  ARGV[2..] claim ids
]]
local time = redis.call('TIME')
local deadline = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) + tonumber(ARGV[1])
local args = { 'XX', 'CH' }
for i = 2, #ARGV do
  args[#args + 1] = deadline
  args[#args + 1] = ARGV[i]
end
return redis.call('ZADD', KEYS[1], unpack(args))
