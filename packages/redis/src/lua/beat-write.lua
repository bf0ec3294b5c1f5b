--[[
  Writes one schedule entry and its place in the due index together, only if the entry is still
  what the caller read (compare-and-set), so two schedulers cannot both move an entry on.

  KEYS[1]  entries hash   name -> entry JSON
  KEYS[2]  due zset       name -> next run (ms); only entries that can fire
  ARGV[1]  name
  ARGV[2]  the entry JSON the caller read, '' when it read none, '*' to write regardless
  ARGV[3]  the new entry JSON, '' to delete it
  ARGV[4]  its due time (ms), '' to leave it out of the index

  Returns 1 when written, 0 when the entry changed meanwhile.
]]
local current = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[2] ~= '*' then
  if ARGV[2] == '' then
    if current then return 0 end
  elseif current ~= ARGV[2] then
    return 0
  end
end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end
if ARGV[4] == '' then
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
end
return 1
