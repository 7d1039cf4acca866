/** The job records of BullmqQueue in Redis: the source of truth for JobRecord; BullMQ only carries job ids. */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { INTERRUPTED_REASON } from './errors.js';
import { MAX_ATTEMPTS } from './options.js';
import { CANCEL, ENQUEUE, FAIL_QUEUED, FINISH, INTERRUPT, RENEW, START } from './redis-scripts.js';
import type { EnqueueInput, EnqueueResult, JobRecord, JobState } from './types.js';

export type StartResult = 'started' | 'busy' | 'finished' | 'interrupted' | 'missing';
export type FinishOutcome = { kind: 'done' } | { kind: 'failed'; reason: string } | { kind: 'requeue' };

const STATES: readonly JobState[] = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'];

export class RedisRecords<T> {
  private readonly rec: string;
  private readonly keys: string;
  private readonly groups: string;
  private readonly ids: string;
  private readonly seq: string;
  private readonly scopes: string;

  /** `base` namespaces every key, e.g. `mimo:mimo:repairs`. */
  constructor(
    private readonly redis: Redis,
    base: string,
  ) {
    this.rec = `${base}:rec:`;
    this.keys = `${base}:key:`;
    this.groups = `${base}:group:`;
    this.ids = `${base}:ids`;
    this.seq = `${base}:seq`;
    this.scopes = `${base}:scope:`;
  }

  async enqueue(input: EnqueueInput<T>, now: number): Promise<EnqueueResult> {
    const scopeSet = input.scope ? this.scopes + input.scope : this.scopes;
    const [id, duplicate] = (await this.redis.eval(
      ENQUEUE,
      4,
      this.keys + input.key,
      this.ids,
      this.seq,
      scopeSet,
      this.rec,
      randomUUID(),
      input.key,
      input.group,
      input.scope ?? '',
      input.version ?? '',
      JSON.stringify(input.payload),
      now,
    )) as [string, number];
    return { id, duplicate: duplicate === 1 };
  }

  async get(id: string): Promise<JobRecord<T> | null> {
    return decode<T>(await this.redis.hgetall(this.rec + id));
  }

  async list(filter: { group?: string; scope?: string; states?: JobState[] } = {}): Promise<JobRecord<T>[]> {
    const ids = filter.scope
      ? await this.redis.smembers(this.scopes + filter.scope)
      : await this.redis.zrange(this.ids, '0', '-1');
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.rec + id);
    const replies = (await pipeline.exec()) ?? [];
    const records: { seq: number; record: JobRecord<T> }[] = [];
    for (const [error, hash] of replies) {
      if (error) throw error;
      const fields = hash as Record<string, string>;
      const record = decode<T>(fields);
      if (!record) continue;
      if (filter.group !== undefined && record.group !== filter.group) continue;
      if (filter.scope !== undefined && record.scope !== filter.scope) continue;
      if (filter.states && !filter.states.includes(record.state)) continue;
      records.push({ seq: Number(fields.seq), record });
    }
    return records.sort((a, b) => a.seq - b.seq).map((entry) => entry.record);
  }

  async cancel(id: string, reason: string, now: number): Promise<'queued' | 'running' | null> {
    const was = await this.redis.eval(CANCEL, 0, this.rec, id, reason, now, this.keys, this.groups);
    return was === 'queued' || was === 'running' ? was : null;
  }

  /** Ids of the live jobs of `scope` at another version than `version`. */
  async stale(scope: string, version: string): Promise<string[]> {
    const jobs = await this.list({ scope, states: ['queued', 'running'] });
    return jobs.filter((job) => job.version !== version).map((job) => job.id);
  }

  async start(id: string, owner: string, leaseMs: number, now: number): Promise<StartResult> {
    return (await this.redis.eval(
      START,
      0,
      this.rec,
      id,
      owner,
      now,
      this.groups,
      leaseMs,
      MAX_ATTEMPTS,
      this.keys,
    )) as StartResult;
  }

  /** Renews the group lock; null when `owner` lost the job, else its pending cancel reason (or null). */
  async renew(id: string, owner: string, leaseMs: number): Promise<{ cancelReason: string | null } | null> {
    const reply = (await this.redis.eval(RENEW, 0, this.rec, id, owner, this.groups, leaseMs)) as
      [string] | null;
    if (!reply) return null;
    return { cancelReason: reply[0] === '' ? null : reply[0] };
  }

  async finish(id: string, owner: string, outcome: FinishOutcome, now: number): Promise<boolean> {
    const reason = outcome.kind === 'failed' ? outcome.reason : '';
    const done = await this.redis.eval(
      FINISH,
      0,
      this.rec,
      id,
      owner,
      outcome.kind,
      reason,
      now,
      this.keys,
      this.groups,
    );
    return done === 1;
  }

  /** True for exactly one caller: the one that moved the job to `interrupted`. */
  async interrupt(id: string, now: number): Promise<boolean> {
    const done = await this.redis.eval(
      INTERRUPT,
      0,
      this.rec,
      id,
      INTERRUPTED_REASON,
      now,
      this.keys,
      this.groups,
    );
    return done === 1;
  }

  async failQueued(id: string, reason: string, now: number): Promise<void> {
    await this.redis.eval(FAIL_QUEUED, 0, this.rec, id, reason, now, this.keys, this.groups);
  }
}

function decode<T>(fields: Record<string, string>): JobRecord<T> | null {
  if (!fields.id || !fields.key || !fields.group || fields.payload === undefined) return null;
  const state = STATES.find((s) => s === fields.state) ?? 'failed';
  const record: JobRecord<T> = {
    id: fields.id,
    key: fields.key,
    group: fields.group,
    payload: JSON.parse(fields.payload) as T,
    state,
    attempts: Number(fields.attempts ?? 0),
    createdAt: Number(fields.createdAt),
  };
  if (fields.scope !== undefined) record.scope = fields.scope;
  if (fields.version !== undefined) record.version = fields.version;
  if (fields.startedAt !== undefined) record.startedAt = Number(fields.startedAt);
  if (fields.finishedAt !== undefined) record.finishedAt = Number(fields.finishedAt);
  const reason = fields.reason ?? (state === 'running' ? fields.cancelReason : undefined);
  if (reason !== undefined) record.reason = reason;
  return record;
}
