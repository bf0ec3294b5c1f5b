--[[
  Undoes a claim (applyAsync with deduplicate) whose send failed: deletes the task's record only
  while it is still the claim's PENDING one. A state a worker stored meanwhile (the send did get
  through after all) stays. Only tq's claim stores PENDING, and tq writes `status` first.

  KEYS[1]  celery-task-meta-<id>

  Returns 1 when deleted, 0 when the record was kept (or absent).
]]
local current = redis.call('GET', KEYS[1])
if current and string.match(current, '^%s*{%s*"status"%s*:%s*"PENDING"') then return redis.call('DEL', KEYS[1]) end
return 0
