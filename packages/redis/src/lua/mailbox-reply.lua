--[[
  Delivers a pidbox reply like kombu's direct exchange (spec §9.3): onto the mailbox's list only
  while its binding exists, so nothing is stored for a caller that is gone. The list expires with
  the mailbox (tq's deadline; a Python caller's mailbox has none: the fallback), so replies to a
  caller that dies before reading them do not stay either (kombu#294).

  KEYS[1]  kombu's binding set of the reply exchange
  KEYS[2]  deadlines zset: mailbox id -> deadline (ms, Redis clock)
  KEYS[3]  the mailbox's list
  ARGV[1]  mailbox id
  ARGV[2]  the reply's envelope
  ARGV[3]  ttl of a mailbox without a deadline (ms, an integer)

  Returns 1 when delivered, 0 when dropped.
]]
if redis.call('SISMEMBER', KEYS[1], ARGV[1] .. '\6\22\6\22' .. ARGV[1] .. '.reply.celery.pidbox') == 0 then return 0 end
local ttl = ARGV[3]
local deadline = redis.call('ZSCORE', KEYS[2], ARGV[1])
if deadline then
  local time = redis.call('TIME')
  local left = tonumber(deadline) - (tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000))
  -- Past its deadline: its caller is gone, and the next open sweeps the binding.
  if left <= 0 then return 0 end
  -- '%d': a Lua number would reach Redis in exponent form, which PEXPIRE refuses.
  ttl = string.format('%d', left)
else
  -- A Python caller's mailbox, bound in a set a tq mailbox gave a ttl: keep its binding at least
  -- as long as its list, so it does not lose the rest of its replies when that ttl runs out.
  local bindingTtl = redis.call('PTTL', KEYS[1])
  if bindingTtl >= 0 and bindingTtl < tonumber(ttl) then redis.call('PEXPIRE', KEYS[1], ttl) end
end
redis.call('LPUSH', KEYS[3], ARGV[2])
redis.call('PEXPIRE', KEYS[3], ttl)
return 1
