/**
 * Lua scripts for the job records BullmqQueue keeps next to BullMQ's own keys. Each runs atomically in Redis, so
 * dedup, group locks and state transitions hold across every worker process and machine. Record keys are built
 * from ARGV prefixes, so this needs a single Redis (not Redis Cluster), like the rest of the queue.
 *
 * Record hash fields: id key group scope version payload state attempts seq createdAt startedAt finishedAt reason
 * cancelReason owner.
 */

/** KEYS: dedupKey, idsZset, seqCounter, scopeSet|'' ; ARGV: recPrefix id key group scope version payload now */
export const ENQUEUE = `
local existing = redis.call('GET', KEYS[1])
if existing then
  local f = redis.call('HMGET', ARGV[1] .. existing, 'state', 'cancelReason')
  if (f[1] == 'queued' or f[1] == 'running') and not f[2] then return {existing, 1} end
end
local rec = ARGV[1] .. ARGV[2]
local seq = redis.call('INCR', KEYS[3])
redis.call('HSET', rec, 'id', ARGV[2], 'key', ARGV[3], 'group', ARGV[4], 'payload', ARGV[7],
  'state', 'queued', 'attempts', 0, 'seq', seq, 'createdAt', ARGV[8])
if ARGV[5] ~= '' then
  redis.call('HSET', rec, 'scope', ARGV[5])
  redis.call('SADD', KEYS[4], ARGV[2])
end
if ARGV[6] ~= '' then redis.call('HSET', rec, 'version', ARGV[6]) end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], seq, ARGV[2])
return {ARGV[2], 0}
`;

// Shared Lua helpers: drop the dedup entry and the group lock when they still point at this job.
const RELEASE = `
local function release(rec, id, keyPrefix, groupPrefix)
  local f = redis.call('HMGET', rec, 'key', 'group')
  if f[1] and redis.call('GET', keyPrefix .. f[1]) == id then redis.call('DEL', keyPrefix .. f[1]) end
  if f[2] and redis.call('GET', groupPrefix .. f[2]) == id then redis.call('DEL', groupPrefix .. f[2]) end
end
`;

/** ARGV: recPrefix id reason now keyPrefix groupPrefix → 'queued' | 'running' | false */
export const CANCEL = `${RELEASE}
local rec = ARGV[1] .. ARGV[2]
local f = redis.call('HMGET', rec, 'state', 'cancelReason', 'key')
if f[1] == 'queued' then
  redis.call('HSET', rec, 'state', 'cancelled', 'reason', ARGV[3], 'finishedAt', ARGV[4])
  release(rec, ARGV[2], ARGV[5], ARGV[6])
  return 'queued'
end
if f[1] == 'running' and not f[2] then
  redis.call('HSET', rec, 'cancelReason', ARGV[3])
  if redis.call('GET', ARGV[5] .. f[3]) == ARGV[2] then redis.call('DEL', ARGV[5] .. f[3]) end
  return 'running'
end
return false
`;

/**
 * A worker received the job from BullMQ. ARGV: recPrefix id owner now groupPrefix leaseMs maxAttempts keyPrefix
 * → 'started' | 'busy' (its group runs another job) | 'finished' (nothing to do) | 'interrupted' | 'missing'
 */
export const START = `${RELEASE}
local rec = ARGV[1] .. ARGV[2]
local f = redis.call('HMGET', rec, 'state', 'cancelReason', 'attempts', 'group')
if not f[1] then return 'missing' end
if f[1] ~= 'queued' and f[1] ~= 'running' then return 'finished' end
if f[2] then
  redis.call('HSET', rec, 'state', 'cancelled', 'reason', f[2], 'finishedAt', ARGV[4])
  redis.call('HDEL', rec, 'owner')
  release(rec, ARGV[2], ARGV[8], ARGV[5])
  return 'finished'
end
local lock = ARGV[5] .. f[4]
local holder = redis.call('GET', lock)
if holder and holder ~= ARGV[2] then return 'busy' end
if f[1] == 'running' and tonumber(f[3]) >= tonumber(ARGV[7]) then return 'interrupted' end
redis.call('SET', lock, ARGV[2], 'PX', ARGV[6])
redis.call('HSET', rec, 'state', 'running', 'startedAt', ARGV[4], 'owner', ARGV[3])
redis.call('HINCRBY', rec, 'attempts', 1)
redis.call('HDEL', rec, 'finishedAt')
return 'started'
`;

/** ARGV: recPrefix id owner groupPrefix leaseMs → false when the owner lost the job, else { cancelReason or '' } */
export const RENEW = `
local rec = ARGV[1] .. ARGV[2]
local f = redis.call('HMGET', rec, 'state', 'owner', 'cancelReason', 'group')
if f[1] ~= 'running' or f[2] ~= ARGV[3] then return false end
local lock = ARGV[4] .. f[4]
local holder = redis.call('GET', lock)
if not holder or holder == ARGV[2] then redis.call('SET', lock, ARGV[2], 'PX', ARGV[5]) end
return {f[3] or ''}
`;

/**
 * ARGV: recPrefix id owner outcome('done'|'failed'|'requeue') reason now keyPrefix groupPrefix → 1 recorded, 0 lost.
 * A pending cancellation wins over the handler's outcome; a requeue (worker shutdown) does not count as an attempt.
 */
export const FINISH = `${RELEASE}
local rec = ARGV[1] .. ARGV[2]
local f = redis.call('HMGET', rec, 'state', 'owner', 'cancelReason')
if f[1] ~= 'running' or f[2] ~= ARGV[3] then return 0 end
redis.call('HDEL', rec, 'owner')
if ARGV[4] == 'requeue' and not f[3] then
  redis.call('HSET', rec, 'state', 'queued')
  redis.call('HINCRBY', rec, 'attempts', -1)
  local g = redis.call('HGET', rec, 'group')
  if redis.call('GET', ARGV[8] .. g) == ARGV[2] then redis.call('DEL', ARGV[8] .. g) end
  return 1
end
local state = ARGV[4]
local reason = ARGV[5]
if f[3] then state = 'cancelled'; reason = f[3] end
redis.call('HSET', rec, 'state', state, 'finishedAt', ARGV[6])
if reason ~= '' then redis.call('HSET', rec, 'reason', reason) end
release(rec, ARGV[2], ARGV[7], ARGV[8])
return 1
`;

/**
 * The job's workers died too often: interrupted, exactly once (1 for the caller that made the transition).
 * ARGV: recPrefix id reason now keyPrefix groupPrefix
 */
export const INTERRUPT = `${RELEASE}
local rec = ARGV[1] .. ARGV[2]
local f = redis.call('HMGET', rec, 'state', 'cancelReason')
if f[1] ~= 'running' and f[1] ~= 'queued' then return 0 end
if f[2] then
  redis.call('HSET', rec, 'state', 'cancelled', 'reason', f[2], 'finishedAt', ARGV[4])
  redis.call('HDEL', rec, 'owner')
  release(rec, ARGV[2], ARGV[5], ARGV[6])
  return 0
end
redis.call('HSET', rec, 'state', 'interrupted', 'reason', ARGV[3], 'finishedAt', ARGV[4])
redis.call('HDEL', rec, 'owner')
release(rec, ARGV[2], ARGV[5], ARGV[6])
return 1
`;

/** ARGV: recPrefix id reason now keyPrefix groupPrefix: BullMQ refused the job, so it will never run. */
export const FAIL_QUEUED = `${RELEASE}
local rec = ARGV[1] .. ARGV[2]
if redis.call('HGET', rec, 'state') ~= 'queued' then return 0 end
redis.call('HSET', rec, 'state', 'failed', 'reason', ARGV[3], 'finishedAt', ARGV[4])
release(rec, ARGV[2], ARGV[5], ARGV[6])
return 1
`;
