--[[
  Stores a task's meta and notifies watchers on the key's channel (Celery's SETEX + PUBLISH),
  unless a SUCCESS is already stored (a redelivered task must not overwrite its result), or a
  ready state (FAILURE, REVOKED) is stored and this one is not: a retry runs as soon as it is
  published, so its FAILURE can land before the RETRY of the attempt that sent it, and that late
  RETRY must not turn a finished task back into a pending one (its caller would wait forever).

  KEYS[1]  celery-task-meta-<id>
  ARGV[1]  meta JSON
  ARGV[2]  time to live in ms, or 0 for none
  ARGV[3]  the caller's reply channel, or '' (tq callers listen there: no SUBSCRIBE per result;
           '' for a big record, which then goes once, on the key's channel)
  ARGV[4]  task id (prefixes the reply: "<id>\n<meta JSON>")

  Returns 1 when stored, 0 when the stored record was kept.
]]
local READY = { SUCCESS = true, FAILURE = true, REVOKED = true }

-- Celery and tq both write `status` first; fall back to decoding for any other writer.
local function status_of(json)
  local status = string.match(json, '^%s*{%s*"status"%s*:%s*"([^"]*)"')
  if status then return status end
  local ok, meta = pcall(cjson.decode, json)
  if ok and type(meta) == 'table' then return meta.status end
end

local current = redis.call('GET', KEYS[1])
if current then
  local status = status_of(current)
  if status == 'SUCCESS' or (READY[status] and not READY[status_of(ARGV[1])]) then return 0 end
end
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
else
  redis.call('SET', KEYS[1], ARGV[1])
end
redis.call('PUBLISH', KEYS[1], ARGV[1])
if ARGV[3] ~= '' then redis.call('PUBLISH', ARGV[3], ARGV[4] .. '\n' .. ARGV[1]) end
return 1
