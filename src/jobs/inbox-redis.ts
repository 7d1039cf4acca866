/**
 * The inbox in Redis (when REDIS_URL is set): one hash per delivery (`<base>:d:<id>`), a sorted set of deliveries
 * waiting for triage scored by when they may be taken (`pending`), one of leased deliveries scored by lease expiry
 * (`leased`), one of finished deliveries scored by arrival (`finished`, for pruning) and one per scope (for
 * `/mimo status`). Every transition is one Lua script, atomic in Redis.
 */
import type { Redis } from 'ioredis';
import type {
  DeliveryRecord,
  DeliveryState,
  Inbox,
  InboxClaimer,
  InboxLimits,
  NewDelivery,
  PutResult,
  TriageDecision,
} from './inbox-types.js';

const PUT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, 0} end
local n = redis.call('ZCARD', KEYS[2]) + redis.call('ZCARD', KEYS[3])
if n >= tonumber(ARGV[5]) then return {-1, n} end
redis.call('HSET', KEYS[1], 'event', ARGV[2], 'payload', ARGV[3], 'receivedAt', ARGV[4], 'state', 'pending',
  'attempts', 0, 'notBefore', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
return {1, n}`;

// KEYS: pending, leased. ARGV: now, leaseUntil, owner, host, pid, record prefix.
const CLAIM = `
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('HSET', ARGV[6] .. id, 'state', 'pending', 'owner', '')
  redis.call('ZADD', KEYS[1], ARGV[1], id)
end
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1)
if #ids == 0 then return false end
local id = ids[1]
redis.call('ZREM', KEYS[1], id)
redis.call('ZADD', KEYS[2], ARGV[2], id)
redis.call('HSET', ARGV[6] .. id, 'state', 'triaging', 'owner', ARGV[3], 'ownerHost', ARGV[4], 'ownerPid', ARGV[5])
redis.call('HINCRBY', ARGV[6] .. id, 'attempts', 1)
return id`;

// KEYS: record, pending, leased. ARGV: id, owner (only that owner may release it).
const RELEASE = `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] or redis.call('ZSCORE', KEYS[3], ARGV[1]) == false then return 0 end
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[1], 'state', 'pending', 'owner', '')
redis.call('ZADD', KEYS[2], redis.call('HGET', KEYS[1], 'notBefore'), ARGV[1])
return 1`;

// KEYS: record, leased, pending, finished. ARGV: id, owner, state, decision, scope, now, scope key.
const FINISH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner and owner ~= '' and owner ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[1], 'state', ARGV[3], 'decision', ARGV[4], 'scope', ARGV[5], 'finishedAt', ARGV[6], 'owner', '')
redis.call('ZADD', KEYS[4], redis.call('HGET', KEYS[1], 'receivedAt'), ARGV[1])
if ARGV[5] ~= '' then redis.call('ZADD', ARGV[7], ARGV[6], ARGV[1]) end
return 1`;

// KEYS: record, leased, pending. ARGV: id, owner, notBefore, decision.
const RETRY = `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'state', 'pending', 'notBefore', ARGV[3], 'decision', ARGV[4], 'owner', '')
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
return 1`;

// KEYS: finished. ARGV: before, record prefix, scope prefix.
const PRUNE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, 1000)
for _, id in ipairs(ids) do
  local scope = redis.call('HGET', ARGV[2] .. id, 'scope')
  if scope and scope ~= '' then redis.call('ZREM', ARGV[3] .. scope, id) end
  redis.call('DEL', ARGV[2] .. id)
  redis.call('ZREM', KEYS[1], id)
end
return #ids`;

function toRecord(id: string, hash: Record<string, string>): DeliveryRecord | null {
  if (!hash.event) return null;
  const record: DeliveryRecord = {
    id,
    event: hash.event,
    payload: hash.payload ?? '',
    receivedAt: Number(hash.receivedAt),
    state: hash.state as DeliveryState,
    attempts: Number(hash.attempts ?? 0),
    notBefore: Number(hash.notBefore),
  };
  if (hash.decision) record.decision = JSON.parse(hash.decision) as TriageDecision;
  if (hash.finishedAt) record.finishedAt = Number(hash.finishedAt);
  return record;
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export class RedisInbox implements Inbox {
  private readonly rec: string;
  private readonly pendingKey: string;
  private readonly leasedKey: string;
  private readonly finishedKey: string;
  private readonly scopeKey: string;

  /** `base` namespaces every key, e.g. `mimo:inbox`. */
  constructor(
    private readonly redis: Redis,
    base: string,
    private readonly limits: InboxLimits,
    private readonly liveInstances: ReadonlySet<string> = new Set(),
    private readonly ownsConnection = true,
  ) {
    this.rec = `${base}:d:`;
    this.pendingKey = `${base}:pending`;
    this.leasedKey = `${base}:leased`;
    this.finishedKey = `${base}:finished`;
    this.scopeKey = `${base}:scope:`;
  }

  async put(delivery: NewDelivery): Promise<PutResult> {
    const { id, event, payload, receivedAt } = delivery;
    const [code, n] = (await this.redis.eval(
      PUT,
      3,
      this.rec + id,
      this.pendingKey,
      this.leasedKey,
      id,
      event,
      payload,
      receivedAt,
      this.limits.maxPending,
    )) as [number, number];
    if (code === 1) return { kind: 'stored' };
    return code === 0 ? { kind: 'duplicate' } : { kind: 'full', pending: n };
  }

  async claim(claimer: InboxClaimer, leaseMs: number, now: number): Promise<DeliveryRecord | null> {
    await this.reclaimDead(claimer);
    const id = (await this.redis.eval(
      CLAIM,
      2,
      this.pendingKey,
      this.leasedKey,
      now,
      now + leaseMs,
      claimer.instance,
      claimer.host,
      claimer.pid,
      this.rec,
    )) as string | null;
    return id ? this.get(id) : null;
  }

  /** Leased deliveries of a dead process on this host go back at once, without waiting for the lease. */
  private async reclaimDead(claimer: InboxClaimer): Promise<void> {
    const leased = await this.redis.zrange(this.leasedKey, '0', '-1');
    for (const id of leased) {
      const [owner, host, pid] = await this.redis.hmget(this.rec + id, 'owner', 'ownerHost', 'ownerPid');
      if (!owner || host !== claimer.host || !pid) continue;
      const dead = Number(pid) === process.pid ? !this.liveInstances.has(owner) : processIsGone(Number(pid));
      if (dead) await this.redis.eval(RELEASE, 3, this.rec + id, this.pendingKey, this.leasedKey, id, owner);
    }
  }

  async renew(ids: string[], claimer: InboxClaimer, leaseUntil: number): Promise<void> {
    for (const id of ids) {
      const owner = await this.redis.hget(this.rec + id, 'owner');
      if (owner === claimer.instance) await this.redis.zadd(this.leasedKey, 'XX', String(leaseUntil), id);
    }
  }

  async finish(id: string, claimer: InboxClaimer, decision: TriageDecision, now: number): Promise<void> {
    const scope = decision.scope ?? '';
    await this.redis.eval(
      FINISH,
      4,
      this.rec + id,
      this.leasedKey,
      this.pendingKey,
      this.finishedKey,
      id,
      claimer.instance,
      decision.outcome === 'failed' ? 'failed' : 'done',
      JSON.stringify(decision),
      scope,
      now,
      this.scopeKey + scope,
    );
  }

  async retryAt(id: string, claimer: InboxClaimer, notBefore: number, reason: string): Promise<void> {
    const decision = JSON.stringify({ outcome: 'failed', reason: `will retry: ${reason}` });
    await this.redis.eval(
      RETRY,
      3,
      this.rec + id,
      this.leasedKey,
      this.pendingKey,
      id,
      claimer.instance,
      notBefore,
      decision,
    );
  }

  async get(id: string): Promise<DeliveryRecord | null> {
    return toRecord(id, await this.redis.hgetall(this.rec + id));
  }

  async known(ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const id of ids) if ((await this.redis.exists(this.rec + id)) === 1) found.add(id);
    return found;
  }

  async decisions(scope: string, limit: number): Promise<DeliveryRecord[]> {
    const ids = await this.redis.zrevrange(this.scopeKey + scope, 0, limit - 1);
    const records = await Promise.all(ids.map((id) => this.get(id)));
    return records.filter((r): r is DeliveryRecord => r !== null);
  }

  async pendingCount(): Promise<number> {
    return (await this.redis.zcard(this.pendingKey)) + (await this.redis.zcard(this.leasedKey));
  }

  async prune(before: number): Promise<number> {
    let total = 0;
    for (;;) {
      const n = (await this.redis.eval(
        PRUNE,
        1,
        this.finishedKey,
        before,
        this.rec,
        this.scopeKey,
      )) as number;
      total += n;
      if (n < 1000) return total;
    }
  }

  async settle(): Promise<void> {
    // Redis persists on its own schedule; nothing is left for a quiet moment.
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.redis.quit().catch(() => undefined);
  }
}
