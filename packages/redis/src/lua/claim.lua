--[[
  Claims up to ARGV[1] ready messages of one queue for one consumer, atomically moving each from
  its ready list into the in-flight record with a visibility deadline. First, as bounded
  housekeeping, promotes due delayed messages and returns expired in-flight ones to the front of
  their list, so no separate timer process (and no restore storm) is needed.

  KEYS[1..10]  ready lists, highest priority first (kombu buckets 0..9: `q`, `q\x06\x161`, ...)
  KEYS[11]     unacked hash        claim id -> "<bucket>|<deliveryCount>|<raw>"
  KEYS[12]     unacked index zset  claim id -> deadline (ms, Redis clock)
  KEYS[13]     delayed zset        "<id>|<bucket>|<deliveryCount>|<raw>" -> due time (ms)
  KEYS[14]     redelivered hash    sha1(raw) -> deliveries so far (only for messages that came back)
  KEYS[15..17] standalone only: idle zset, credits hash, this consumer's inbox (see push.lua)
  ARGV[1]  most messages to claim (>= 0)
  ARGV[2]  visibility timeout (ms)
  ARGV[3]  claim id prefix, unique per claim (the ids are prefix .. 1..n); re-sending the same
           prefix returns the same messages
  ARGV[4]  most delayed messages to promote and in-flight ones to restore in this call
  ARGV[5]  with KEYS[15..17]: consumer id
  ARGV[6]  with KEYS[15..17]: the consumer's room (messages it can take before this claim)
  ARGV[7]  with KEYS[15..17]: how long an idle registration lives (ms)

  With KEYS[15..17], messages handed to the inbox and not taken yet come back first (their
  deadline pushed out), and a claim that comes back short registers the consumer idle with its
  room left as credits, so producers hand it the next messages directly; a full one unregisters it.

  Returns { now, nextDue, more, id1, count1, bucket1, raw1, id2, ... }
    now      Redis time (ms); nextDue: earliest remaining delayed due time or -1
    more     1 when the claim was full (more may be waiting), else 0
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local limit = tonumber(ARGV[4])
local want = tonumber(ARGV[1])
local deadline = now + tonumber(ARGV[2])

-- Idempotent: a claim re-sent after its reply was lost (connection dropped) returns what the first
-- one took instead of taking more and leaving those in flight with nobody holding them.
if want > 0 and redis.call('HEXISTS', KEYS[11], ARGV[3] .. '1') == 1 then
  local out = { now, -1, 0 }
  for n = 1, want do
    local id = ARGV[3] .. n
    local value = redis.call('HGET', KEYS[11], id)
    if not value then break end
    local a = string.find(value, '|', 1, true)
    local b = string.find(value, '|', a + 1, true)
    redis.call('ZADD', KEYS[12], 'XX', deadline, id)
    out[#out + 1] = id
    out[#out + 1] = tonumber(string.sub(value, a + 1, b - 1))
    out[#out + 1] = tonumber(string.sub(value, 1, a - 1))
    out[#out + 1] = string.sub(value, b + 1)
  end
  return out
end

-- Split "<bucket>|<count>|<raw>" (raw may contain '|').
local function split(value, from)
  local a = string.find(value, '|', from, true)
  local b = string.find(value, '|', a + 1, true)
  return tonumber(string.sub(value, from, a - 1)), tonumber(string.sub(value, a + 1, b - 1)), string.sub(value, b + 1)
end

local due = redis.call('ZRANGEBYSCORE', KEYS[13], '-inf', now, 'LIMIT', 0, limit)
for _, member in ipairs(due) do
  local bucket, count, raw = split(member, string.find(member, '|', 1, true) + 1)
  redis.call('LPUSH', KEYS[bucket + 1], raw)
  if count > 0 then redis.call('HSET', KEYS[14], redis.sha1hex(raw), count) end
end
if #due > 0 then redis.call('ZREM', KEYS[13], unpack(due)) end

local expired = redis.call('ZRANGEBYSCORE', KEYS[12], '-inf', now, 'LIMIT', 0, limit)
-- RPUSH puts a message at the consuming end: push the latest deadline first so the earliest runs first.
for i = #expired, 1, -1 do
  local value = redis.call('HGET', KEYS[11], expired[i])
  if value then
    local bucket, count, raw = split(value, 1)
    redis.call('RPUSH', KEYS[bucket + 1], raw)
    redis.call('HSET', KEYS[14], redis.sha1hex(raw), count)
  end
end
if #expired > 0 then
  redis.call('HDEL', KEYS[11], unpack(expired))
  redis.call('ZREM', KEYS[12], unpack(expired))
end

local out = { now, -1, 0 }
local handed = 0
if KEYS[17] then
  local entries = redis.call('LRANGE', KEYS[17], 0, -1)
  if #entries > 0 then redis.call('DEL', KEYS[17]) end
  for _, entry in ipairs(entries) do
    local a = string.find(entry, '|', 1, true)
    -- "ring" entries only woke us: this claim is the answer.
    if a then
      local id = string.sub(entry, a + 1, string.find(entry, '|', a + 1, true) - 1)
      local value = redis.call('HGET', KEYS[11], id)
      -- Gone when its deadline passed and it was restored above: then it is someone else's.
      if value then
        local bucket, count, raw = split(value, 1)
        redis.call('ZADD', KEYS[12], 'XX', deadline, id)
        handed = handed + 1
        out[#out + 1] = id
        out[#out + 1] = count
        out[#out + 1] = bucket
        out[#out + 1] = raw
      end
    end
  end
end

local tracked = redis.call('EXISTS', KEYS[14]) == 1
local records, deadlines = {}, {}
local n = 0
for k = 1, 10 do
  if n >= want then break end
  local items = redis.call('RPOP', KEYS[k], want - n)
  if items then
    for _, raw in ipairs(items) do
      n = n + 1
      local count = 1
      if tracked then
        local digest = redis.sha1hex(raw)
        local previous = redis.call('HGET', KEYS[14], digest)
        if previous then
          count = tonumber(previous) + 1
          redis.call('HDEL', KEYS[14], digest)
        end
      end
      local id = ARGV[3] .. n
      records[#records + 1] = id
      records[#records + 1] = (k - 1) .. '|' .. count .. '|' .. raw
      deadlines[#deadlines + 1] = deadline
      deadlines[#deadlines + 1] = id
      out[#out + 1] = id
      out[#out + 1] = count
      out[#out + 1] = k - 1
      out[#out + 1] = raw
    end
  end
end
if n > 0 then
  redis.call('HSET', KEYS[11], unpack(records))
  redis.call('ZADD', KEYS[12], unpack(deadlines))
end
if want > 0 and n == want then out[3] = 1 end

if KEYS[15] then
  local credits = tonumber(ARGV[6]) - n - handed
  if n < want and credits > 0 then
    redis.call('ZADD', KEYS[15], now + tonumber(ARGV[7]), ARGV[5])
    redis.call('HSET', KEYS[16], ARGV[5], credits)
  else
    redis.call('ZREM', KEYS[15], ARGV[5])
    redis.call('HDEL', KEYS[16], ARGV[5])
  end
end

local nextDue = redis.call('ZRANGE', KEYS[13], 0, 0, 'WITHSCORES')
if nextDue[2] then out[2] = tonumber(nextDue[2]) end
return out
