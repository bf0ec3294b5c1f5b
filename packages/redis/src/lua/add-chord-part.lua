--[[
  Records one finished chord header member the way Celery's Redis backend does (ZADD to `.j`,
  total = `.s` + `.t`), counting each task id once, and hands the parts to exactly one caller:
  the one that completed the chord. Then clears `.j`, `.s`, `.t` like Celery and leaves a
  tombstone so late duplicates are ignored.

  KEYS[1]  celery-taskset-meta-<gid>.j   zset  '[1, "<task id>", "<state>", <result>]' -> group index
  KEYS[2]  celery-taskset-meta-<gid>.s   chord size
  KEYS[3]  celery-taskset-meta-<gid>.t   extra members (Task.replace)
  KEYS[4]  celery-taskset-meta-<gid>.tq  hash: task ids seen, and `~done` once completed
  ARGV[1]  task id
  ARGV[2]  score (group index or +inf)
  ARGV[3]  member JSON
  ARGV[4]  time to live (ms), or 0 for none

  Returns 'unknown' when the chord was never announced, 0 when not complete (or a duplicate),
  else { member1, score1, member2, score2, ... } in index order.
]]
if redis.call('HEXISTS', KEYS[4], '~done') == 1 or redis.call('HEXISTS', KEYS[4], ARGV[1]) == 1 then return 0 end
local size = redis.call('GET', KEYS[2])
if not size then return 'unknown' end
local ttl = tonumber(ARGV[4])
redis.call('HSET', KEYS[4], ARGV[1], 1)
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
if ttl > 0 then
  for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ttl) end
end
local total = tonumber(size) + tonumber(redis.call('GET', KEYS[3]) or '0')
if redis.call('ZCARD', KEYS[1]) < total then return 0 end
local parts = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('HSET', KEYS[4], '~done', 1)
return parts
