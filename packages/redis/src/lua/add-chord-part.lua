--[[
  Records one finished chord header member in Celery's keys and hands the parts to exactly one
  caller: the one whose call finds the chord complete and wins its claim (ADR 22).

  Celery 5.6 and earlier: ZADD `.j`, total = `.s` + `.t`, DEL `.j .s .t` once fired.
  Celery 5.7 adds `.d`, a set of '<task id>:<score>' recorded once each (a redelivered member
  counts once even if its result differs), and `.c`, the dispatch claim: SET NX with a token by the
  worker that fires the body, then 'done' once it cleaned up; a part finding 'done' is ignored.
  tq writes both, so 5.7 workers de-duplicate tq's parts and the other way round, and takes `.c` in
  the same step as it reads the parts, so a body fires once whoever counts last.

  `.s` is written by Python only just before it sends the LAST header member: a part finding no
  `.s` is recorded and nothing more happens. Completion is checked on every call, a duplicate's
  too (as Celery 5.7 does), so a member recorded before `.s` existed and then redelivered can
  still complete the chord.

  KEYS[1]  celery-taskset-meta-<gid>.j  zset  '[1, "<task id>", "<state>", <result>]' -> group index
  KEYS[2]  celery-taskset-meta-<gid>.s  chord size (absent until Python sends its last member)
  KEYS[3]  celery-taskset-meta-<gid>.t  extra members (Task.replace)
  KEYS[4]  celery-taskset-meta-<gid>.d  set '<task id>:<score>' of recorded parts (Celery 5.7)
  KEYS[5]  celery-taskset-meta-<gid>.c  dispatch claim: a token, or 'done' (Celery 5.7)
  ARGV[1]  task id
  ARGV[2]  score: group index, or '+inf' (the same text Celery puts after ':' in `.d`)
  ARGV[3]  member JSON
  ARGV[4]  time to live (ms), or 0 for none
  ARGV[5]  how long 'done' stays in `.c` (ms)

  Returns 0 when nothing is for this caller, else { member1, score1, member2, score2, ... } in
  index order, after deleting `.j .s .t .d` and setting `.c` to 'done'.
]]
local claim = redis.call('GET', KEYS[5])
if claim == 'done' then return 0 end
local ttl = tonumber(ARGV[4])
local seen = ARGV[1] .. ':' .. ARGV[2]
if redis.call('SADD', KEYS[4], seen) == 1 then redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3]) end
if ttl > 0 then
  for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ttl) end
end
local size = redis.call('GET', KEYS[2])
-- Not announced yet, or a Python 5.7 worker holds the claim and is sending the body.
if not size or claim then return 0 end
local total = tonumber(size) + tonumber(redis.call('GET', KEYS[3]) or '0')
if redis.call('ZCARD', KEYS[1]) < total then return 0 end
local parts = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
redis.call('SET', KEYS[5], 'done', 'PX', ARGV[5])
return parts
