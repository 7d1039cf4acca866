import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IterationEvent, Reporter, StopReason } from '../repair/index.js';

const TEST_PHASES = new Set(['baseline', 'fixer', 'reproduce', 'tests', 'proof']);

/**
 * The app's Prometheus metrics, all `mimo_*`, in their own Registry (never prom-client's global one, so two apps
 * in one process or a test do not share counters). One instance per process, passed to where things happen.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly deliveries = new Counter({
    name: 'mimo_webhook_deliveries_total',
    help: 'Webhook deliveries received (signature verified), by event and outcome (handled, failed).',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly triage = new Counter({
    name: 'mimo_triage_decisions_total',
    help: 'What triage decided about a delivery (enqueued, duplicate, answered, refused, ignored, cancelled, expired, failed), by event.',
    labelNames: ['decision', 'reason'] as const,
    registers: [this.registry],
  });
  readonly jobs = new Counter({
    name: 'mimo_jobs_total',
    help: 'Repair jobs finished, by final state (done, failed, cancelled) and stop reason.',
    labelNames: ['state', 'stop_reason'] as const,
    registers: [this.registry],
  });
  readonly jobsRunning = new Gauge({
    name: 'mimo_jobs_running',
    help: 'Repair jobs running in this process now.',
    registers: [this.registry],
  });
  readonly queueDepth: Gauge;
  readonly queueWait = new Histogram({
    name: 'mimo_queue_wait_seconds',
    help: 'Time from enqueue to a worker starting the job.',
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [this.registry],
  });
  readonly testRuns = new Histogram({
    name: 'mimo_test_run_duration_seconds',
    help: 'Duration of one test run in the sandbox, by phase (baseline, fixer, tests, proof...).',
    labelNames: ['phase'] as const,
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });
  readonly modelCalls = new Histogram({
    name: 'mimo_model_call_duration_seconds',
    help: 'Latency of one model call, by model.',
    labelNames: ['model'] as const,
    buckets: [0.5, 1, 2, 5, 10, 20, 40, 80, 160],
    registers: [this.registry],
  });
  readonly tokens = new Counter({
    name: 'mimo_model_tokens_total',
    help: 'Model tokens spent, by repository, model and direction (input, output).',
    labelNames: ['repository', 'model', 'direction'] as const,
    registers: [this.registry],
  });
  readonly dollars = new Counter({
    name: 'mimo_model_cost_dollars_total',
    help: 'Model spend in US dollars (list prices or MIMO_PRICING), by repository and model.',
    labelNames: ['repository', 'model'] as const,
    registers: [this.registry],
  });
  readonly sandboxes = new Counter({
    name: 'mimo_sandbox_opens_total',
    help: 'Sandboxes opened for jobs, by outcome (opened, failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly publications = new Counter({
    name: 'mimo_fix_deliveries_total',
    help: 'Green repairs delivered, by delivery mode asked and how it went out (pull_request, pushed, review, patch_comment).',
    labelNames: ['mode', 'kind'] as const,
    registers: [this.registry],
  });

  constructor(options: { queueDepth?: () => Promise<number> } = {}) {
    collectDefaultMetrics({ register: this.registry, prefix: 'mimo_' });
    const depth = options.queueDepth;
    this.queueDepth = new Gauge({
      name: 'mimo_queue_depth',
      help: 'Jobs waiting in the queue (read from the queue when scraped).',
      registers: [this.registry],
      // Read when scraped; a queue that does not answer keeps the last value instead of failing the scrape.
      async collect() {
        if (!depth) return;
        try {
          this.set(await depth());
        } catch {
          /* keep the last value */
        }
      },
    });
  }

  /** Prometheus text exposition of every family. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  jobStarted(queuedForMs: number): void {
    this.jobsRunning.inc();
    this.queueWait.observe(Math.max(0, queuedForMs) / 1000);
  }

  jobFinished(state: 'done' | 'failed' | 'cancelled', stopReason: StopReason | 'none'): void {
    this.jobsRunning.dec();
    this.jobs.inc({ state, stop_reason: stopReason });
  }

  /** A reporter that turns one job's iteration events into test-run, model-call, token and cost metrics. */
  reporter(repository: string, model: string): Reporter {
    return {
      event: (e: IterationEvent) => {
        if (TEST_PHASES.has(e.phase) && e.failures && e.durationMs !== undefined)
          this.testRuns.observe({ phase: e.phase }, e.durationMs / 1000);
        if (e.phase !== 'model') return;
        if (e.durationMs !== undefined) this.modelCalls.observe({ model }, e.durationMs / 1000);
        if (e.tokens) {
          this.tokens.inc({ repository, model, direction: 'input' }, e.tokens.input);
          this.tokens.inc({ repository, model, direction: 'output' }, e.tokens.output);
        }
        if (e.costUsd) this.dollars.inc({ repository, model }, e.costUsd);
      },
    };
  }
}
