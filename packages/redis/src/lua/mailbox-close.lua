--[[
  Closes a pidbox reply mailbox: unbinds it (so late replies are dropped, not stored) and deletes
  its list with any reply nobody read.

  KEYS[1]  kombu's binding set of the reply exchange
  KEYS[2]  deadlines zset
  KEYS[3]  the mailbox's list
  ARGV[1]  mailbox id
]]
redis.call('SREM', KEYS[1], ARGV[1] .. '\6\22\6\22' .. ARGV[1] .. '.reply.celery.pidbox')
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
return 1
