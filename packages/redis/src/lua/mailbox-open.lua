--[[
  Opens a pidbox reply mailbox, or keeps an open one alive (spec §9.1). The binding is kombu's, so
  Python workers reply to it too; the deadline is tq's, so a mailbox whose caller died goes away
  by itself: swept by the next open after its deadline, and at the latest with the shared keys,
  which expire with the last mailbox (a Python caller's binding included: kombu never expires it).

  KEYS[1]  kombu's binding set of the reply exchange
  KEYS[2]  deadlines zset: mailbox id -> when it goes unless kept open (ms, Redis clock)
  KEYS[3]  the mailbox's list
  KEYS[4]  the mailbox reader's wake list
  ARGV[1]  mailbox id
  ARGV[2]  ttl (ms, an integer)
  ARGV[3]  list key prefix   (prefix .. id .. suffix names any mailbox's list: standalone only,
  ARGV[4]  list key suffix    or in the declared keys' slot, so not declared)
  ARGV[5]  '1' to wake the reader (a new mailbox), '0' to keep an open one alive

  A binding member is kombu's `<routing key>\x06\x16<pattern>\x06\x16<queue>`, the routing key
  being the id and the queue `<id>.reply.celery.pidbox`.
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[2])

-- Mailboxes of callers that died without closing them: a bounded number per call.
local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. now, 'LIMIT', 0, 100)
for _, id in ipairs(dead) do
  redis.call('SREM', KEYS[1], id .. '\6\22\6\22' .. id .. '.reply.celery.pidbox')
  redis.call('DEL', ARGV[3] .. id .. ARGV[4])
end
if #dead > 0 then redis.call('ZREM', KEYS[2], unpack(dead)) end

redis.call('SADD', KEYS[1], ARGV[1] .. '\6\22\6\22' .. ARGV[1] .. '.reply.celery.pidbox')
redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
-- Replies not read yet live as long as their mailbox (a no-op while it is empty).
redis.call('PEXPIRE', KEYS[3], ttl)
-- The shared keys live as long as the longest-lived mailbox: never shorten another's.
for i = 1, 2 do
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
if ARGV[5] == '1' and redis.call('LLEN', KEYS[4]) == 0 then
  redis.call('LPUSH', KEYS[4], 'wake')
  redis.call('PEXPIRE', KEYS[4], ttl)
end
return 1
