import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { IterationEvent, Reporter } from '../repair/index.js';

/** What the run page shows besides the log: who asked, on what, and how it ended. Never a token or a secret. */
export interface RunMeta {
  jobId: string;
  installationId: number;
  repo: string;
  /** `#12` or `issue #3`. */
  target: string;
  title?: string;
  headSha?: string;
  deliveryId?: string;
  requestedBy?: string;
  startedAt: string;
  finishedAt?: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  /** One line: "fix pull request #5", "pushed to feature", "3 suggestions", "not fixed: budget spent". */
  outcome?: string;
  /** Where the fix went (the fix PR, the review, the check run). */
  links?: { label: string; url: string }[];
  diff?: string;
}

export type RunListener = (message: { event?: IterationEvent; index?: number; end?: RunMeta }) => void;

interface LiveRun {
  meta: RunMeta;
  events: IterationEvent[];
  listeners: Set<RunListener>;
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The run pages' records, one folder per job under `dir` (meta.json + events.jsonl, appended as the loop reports),
 * and the live fan-out: while a job runs in this process its events are also kept in memory and pushed to the
 * page's listeners (server-sent events). A job run by a `mimo worker` on another machine shows here only when
 * `dir` is shared.
 */
export class RunStore {
  readonly dir: string;
  private readonly live = new Map<string, LiveRun>();

  constructor(dir: string) {
    this.dir = resolve(dir);
    mkdirSync(this.dir, { recursive: true });
  }

  private folder(jobId: string): string {
    if (!SAFE_ID.test(jobId)) throw new Error(`not a job id: ${JSON.stringify(jobId.slice(0, 40))}`);
    return join(this.dir, jobId);
  }

  /** Starts (or restarts, for a resumed job) a run's record; returns the reporter the loop's events go to. */
  start(meta: Omit<RunMeta, 'state' | 'startedAt'> & { startedAt?: string }): Reporter {
    const folder = this.folder(meta.jobId);
    mkdirSync(folder, { recursive: true });
    const full: RunMeta = {
      ...meta,
      startedAt: meta.startedAt ?? new Date().toISOString(),
      state: 'running',
    };
    writeFileSync(join(folder, 'meta.json'), JSON.stringify(full));
    writeFileSync(join(folder, 'events.jsonl'), '');
    const run: LiveRun = { meta: full, events: [], listeners: new Set() };
    this.live.set(meta.jobId, run);
    return {
      event: (event) => {
        run.events.push(event);
        appendFileSync(join(folder, 'events.jsonl'), `${JSON.stringify(event)}\n`);
        for (const listener of run.listeners) listener({ event, index: run.events.length - 1 });
      },
    };
  }

  /** Records how the run ended and tells the live pages, which then reload into the finished page. */
  finish(jobId: string, end: Pick<RunMeta, 'state'> & Partial<RunMeta>): void {
    const meta = { ...(this.meta(jobId) ?? this.live.get(jobId)?.meta), ...end } as RunMeta;
    if (!meta.jobId) return;
    meta.finishedAt ??= new Date().toISOString();
    writeFileSync(join(this.folder(jobId), 'meta.json'), JSON.stringify(meta));
    const run = this.live.get(jobId);
    this.live.delete(jobId);
    for (const listener of run?.listeners ?? []) listener({ end: meta });
  }

  meta(jobId: string): RunMeta | null {
    if (!SAFE_ID.test(jobId)) return null;
    const live = this.live.get(jobId);
    if (live) return live.meta;
    const path = join(this.dir, jobId, 'meta.json');
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RunMeta) : null;
  }

  events(jobId: string): IterationEvent[] {
    const live = this.live.get(jobId);
    if (live) return [...live.events];
    const path = join(this.folder(jobId), 'events.jsonl');
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as IterationEvent);
  }

  /**
   * Sends the events so far (from `from`), then every new one, then the end; returns the unsubscribe function.
   * Synchronous up to the subscription, so no event falls between the replay and the live stream.
   */
  follow(jobId: string, from: number, listener: RunListener): () => void {
    const live = this.live.get(jobId);
    const events = live ? live.events : this.events(jobId);
    events.slice(from).forEach((event, i) => listener({ event, index: from + i }));
    if (!live) {
      const meta = this.meta(jobId);
      if (meta) listener({ end: meta });
      return () => {};
    }
    live.listeners.add(listener);
    return () => live.listeners.delete(listener);
  }

  /** The runs of one installation, newest first. */
  list(installationId: number, limit = 100): RunMeta[] {
    const metas: RunMeta[] = [];
    for (const name of readdirSync(this.dir)) {
      const meta = this.meta(name);
      if (meta?.installationId === installationId) metas.push(meta);
    }
    return metas.sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, limit);
  }
}
