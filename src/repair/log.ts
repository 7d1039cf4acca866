import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ScoreParts } from '../score/index.js';

/** Why a run ended; every run ends with exactly one of these in its log. */
export type StopReason =
  | 'green'
  | 'nothing_to_fix'
  | 'budget'
  | 'no_progress'
  | 'setup_needed'
  | 'gave_up'
  | 'aborted'
  | 'reproduction_failed'
  | 'flaky'
  | 'tests_dropped'
  | 'error';

export type Phase =
  'start' | 'baseline' | 'fixer' | 'reproduce' | 'model' | 'tool' | 'tests' | 'proof' | 'stop';

/** One line of the JSONL iteration log: everything a run does is here, and everything reported comes from here. */
export interface IterationEvent {
  ts: string;
  /** 0 for the baseline and fixers, then one per model turn. */
  iteration: number;
  phase: Phase;
  /** One human-readable line. */
  message: string;
  command?: string;
  exitCode?: number;
  failures?: { passed: number; failed: number; skipped: number; tests: string[]; signature?: string };
  score?: { value: number; parts: ScoreParts };
  tokens?: { input: number; output: number };
  costUsd?: number;
  durationMs?: number;
  diff?: string;
  tool?: { name: string; arguments?: unknown; isError?: boolean; rejected?: string };
  stop?: { reason: StopReason; detail: string; limit?: string };
  files?: string[];
  rootCause?: string;
  /** Totals so far (on stop events). */
  totals?: { iterations: number; tokens: number; costUsd: number; wallTimeMs: number; modelId?: string };
  flaky?: string[];
}

/** Where events go: a JSONL file, the CLI's stderr, a check run… */
export interface Reporter {
  event(event: IterationEvent): void;
}

/** Sends each event to several reporters. */
export function fanOut(...reporters: Array<Reporter | undefined>): Reporter {
  const list = reporters.filter((r): r is Reporter => r !== undefined);
  return { event: (e) => list.forEach((r) => r.event(e)) };
}

/** Keeps events in memory (renderers, tests). */
export class MemoryLog implements Reporter {
  readonly events: IterationEvent[] = [];
  event(event: IterationEvent): void {
    this.events.push(event);
  }
}

/** Appends each event as one JSON line, synchronously, so a crash keeps every event written before it. */
export class JsonlLog implements Reporter {
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '');
  }
  event(event: IterationEvent): void {
    appendFileSync(this.path, JSON.stringify(event) + '\n');
  }
}

/** Reads a JSONL log back (blank lines ignored). */
export function parseJsonlLog(text: string): IterationEvent[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as IterationEvent);
}
