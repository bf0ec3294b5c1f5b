--[[
  Stores a task's meta and notifies watchers on the key's channel (Celery's SETEX + PUBLISH),
  unless a SUCCESS is already stored: a redelivered task must not overwrite its result.

  KEYS[1]  celery-task-meta-<id>
  ARGV[1]  meta JSON
  ARGV[2]  time to live in ms, or 0 for none
  ARGV[3]  the caller's reply channel, or '' (tq callers listen there: no SUBSCRIBE per result)
  ARGV[4]  task id (prefixes the reply: "<id>\n<meta JSON>")

  Returns 1 when stored, 0 when a SUCCESS was kept.
]]
local current = redis.call('GET', KEYS[1])
if current then
  -- Celery and tq both write `status` first; fall back to decoding for any other writer.
  local status = string.match(current, '^%s*{%s*"status"%s*:%s*"([^"]*)"')
  if not status then
    local ok, meta = pcall(cjson.decode, current)
    if ok and type(meta) == 'table' then status = meta.status end
  end
  if status == 'SUCCESS' then return 0 end
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
