import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import {
  compareRuns,
  ManifestError,
  modelLabel,
  readManifest,
  readSweBench,
  renderComparison,
  runEval,
  type EvalCase,
  type EvalSettings,
  type ParsedManifest,
} from '../../eval/index.js';
import { readEnv } from '../../config/index.js';
import { createModel, ModelConfigError, parseModelSpec, type Model } from '../../models/index.js';
import { EngineUnreachableError, ImageMissingError, runSandboxed } from '../../sandbox/index.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../program.js';

interface EvalFlags {
  cases?: string;
  sweBench?: string;
  checkouts?: string;
  sweImage?: string;
  sweTest?: string;
  model?: string;
  parallel: string;
  out: string;
  resume?: boolean;
  feedback: string;
  fixers: boolean;
  score: boolean;
  localize: boolean;
  proofRuns: string;
  maxIterations?: string;
  timeout?: string;
  image?: string;
}

function wholeNumber(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} ${value}: expected a whole number ≥ ${min}`);
  return n;
}

/**
 * A fresh model per case: a scripted replay keeps its place in its script, so each case gets its own. With
 * `scripted:DIR` (a folder), case ID replays `DIR/ID.jsonl`.
 */
function modelFactory(spec: string): (c: EvalCase) => Model | null {
  let parsed;
  try {
    parsed = parseModelSpec(spec);
    if (parsed.provider !== 'scripted') createModel(spec, { env: readEnv().models }); // a missing key fails here, once
  } catch (error) {
    if (error instanceof ModelConfigError) throw new UsageError(error.message);
    throw error;
  }
  if (parsed.provider === 'scripted') {
    const path = isAbsolute(parsed.file) ? parsed.file : resolve(parsed.file);
    if (!existsSync(path)) throw new UsageError(`--model ${spec}: no such file or folder ${path}`);
    const perCase = statSync(path).isDirectory();
    return (c) => createModel(`scripted:${perCase ? join(path, `${c.id}.jsonl`) : path}`);
  }
  const models = readEnv().models;
  return () => createModel(spec, { env: models });
}

async function casesOf(flags: EvalFlags): Promise<ParsedManifest & { source: string }> {
  if (!!flags.cases === !!flags.sweBench)
    throw new UsageError('give exactly one of --cases MANIFEST and --swe-bench FILE');
  try {
    if (flags.cases) return { ...(await readManifest(resolve(flags.cases))), source: flags.cases };
    if (!flags.checkouts)
      throw new UsageError(
        '--swe-bench needs --checkouts DIR (one checkout per instance: DIR/<instance_id>)',
      );
    const parsed = await readSweBench(resolve(flags.sweBench!), {
      checkouts: resolve(flags.checkouts),
      imageTemplate: flags.sweImage,
      testCommand: flags.sweTest,
    });
    return { ...parsed, source: flags.sweBench! };
  } catch (error) {
    if (error instanceof ManifestError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * `mimo eval --cases MANIFEST.jsonl | --swe-bench FILE --checkouts DIR [--model SPEC] [--parallel N] [--out DIR]
 * [--resume] [--feedback structured|raw] [--no-fixers] [--no-score] [--no-localize] [--proof-runs N]`, and
 * `mimo eval compare A B`. Progress on stderr; the last stdout line is one JSON summary.
 */
export function register(program: Command): void {
  const command = program
    .command('eval')
    .description(
      'run a corpus of cases in the sandbox, verify every diff on a fresh copy, report the resolved rate',
    )
    .option(
      '--cases <manifest>',
      'JSONL manifest: {"id","repo","test","setup"?,"failing"?,"image"?} per line',
    )
    .option('--swe-bench <file>', 'SWE-bench instances (JSON list or JSONL) instead of a manifest')
    .option(
      '--checkouts <dir>',
      'with --swe-bench: one checkout per instance, DIR/<instance_id>, at base_commit',
    )
    .option('--swe-image <template>', 'with --swe-bench: image per instance, {instance_id} replaced')
    .option(
      '--swe-test <cmd>',
      'with --swe-bench: test command before the test files (default python -m pytest -rA)',
    )
    .option(
      '--model <spec>',
      'none | scripted:FILE | scripted:DIR (DIR/ID.jsonl per case) | openai:MODEL | anthropic:MODEL | …',
    )
    .option('--parallel <n>', 'cases at a time, each in its own sandbox', '1')
    .option('--out <dir>', 'results.jsonl, report.md, chart.svg, run.json and logs/ go here', 'mimo-eval')
    .option('--resume', 'skip the cases already in DIR/results.jsonl')
    .option(
      '--feedback <style>',
      'structured (the parsed report) | raw (the output tail of the same size)',
      'structured',
    )
    .option('--no-fixers', 'no deterministic fixers before the model')
    .option('--no-score', 'no quality score computed or shown')
    .option('--no-localize', 'no suspicious locations in the first prompt')
    .option('--proof-runs <n>', 'reruns of the originally failing tests in the proof of fix', '3')
    .option('--max-iterations <n>', "model turns per case (default: each case's config)")
    .option('--timeout <seconds>', "wall time per case (default: each case's config)")
    .option('--image <name>', 'image for the cases that name none (default: the runner image); never pulled')
    .action(async (flags: EvalFlags) => {
      if (flags.feedback !== 'structured' && flags.feedback !== 'raw')
        throw new UsageError(`--feedback ${flags.feedback}: expected structured or raw`);
      const spec = flags.model ?? readEnv().defaultModel ?? 'none';
      const modelFor = modelFactory(spec);
      const parsed = await casesOf(flags);
      if (parsed.cases.length === 0) {
        throw new UsageError(
          `${parsed.source}: no valid case${parsed.invalid.length ? `:\n${parsed.invalid.map((e) => e.message).join('\n')}` : ''}`,
        );
      }
      const { label, scripted } = modelLabel(spec);
      const settings: EvalSettings = {
        model: spec,
        modelLabel: label,
        scripted,
        feedback: flags.feedback,
        fixers: flags.fixers,
        score: flags.score,
        localize: flags.localize,
        proofRuns: wholeNumber('--proof-runs', flags.proofRuns, 0)!,
        maxIterations: wholeNumber('--max-iterations', flags.maxIterations, 1),
        timeoutSeconds: wholeNumber('--timeout', flags.timeout, 1),
        parallel: wholeNumber('--parallel', flags.parallel, 1)!,
        ...(flags.image ? { image: flags.image } : {}),
        source: parsed.source,
      };
      const stop = new AbortController();
      const interrupted = () => {
        process.stderr.write(
          '[eval] interrupted: finishing the running cases as aborted, starting no more\n',
        );
        stop.abort();
      };
      process.once('SIGINT', interrupted);
      process.once('SIGTERM', interrupted);
      try {
        process.stderr.write(
          `[eval] ${parsed.cases.length} case(s) from ${parsed.source}, ${settings.parallel} at a time — model: ${label}\n`,
        );
        const summary = await runEval({
          cases: parsed.cases,
          invalid: parsed.invalid,
          out: resolve(flags.out),
          resume: !!flags.resume,
          settings,
          modelFor,
          run: runSandboxed,
          signal: stop.signal,
          progress: (line) => process.stderr.write(`${line}\n`),
        }).catch((error: unknown) => {
          if (error instanceof ImageMissingError || error instanceof EngineUnreachableError)
            throw new UsageError(
              `${error.message} (no case was recorded for this; fix it and run again with --resume)`,
            );
          throw error;
        });
        process.stderr.write(`[eval] report: ${summary.report}\n`);
        process.stdout.write(`${JSON.stringify(summary)}\n`);
        process.exitCode = summary.aborted || summary.invalid > 0 ? EXIT_FAILED : EXIT_OK;
      } finally {
        process.off('SIGINT', interrupted);
        process.off('SIGTERM', interrupted);
      }
    });

  command
    .command('compare <a> <b>')
    .description('compare two eval output folders case by case and overall')
    .action(async (a: string, b: string) => {
      try {
        const comparison = await compareRuns(resolve(a), resolve(b));
        process.stdout.write(`${renderComparison(comparison, a, b)}\n`);
        process.stdout.write(
          `${JSON.stringify({ resolvedDelta: comparison.resolvedDelta, a: comparison.a, b: comparison.b, settings: comparison.settings, cases: comparison.cases })}\n`,
        );
      } catch (error) {
        if (error instanceof ManifestError) throw new UsageError(error.message);
        throw error;
      }
    });
}
