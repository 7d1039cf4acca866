import { parse } from 'yaml';
import { familyOfActions, type Family } from '../sandbox/index.js';

/** What the failing CI job tells about how to run this repository's tests. */
export interface WorkflowHints {
  job: string;
  /** The job's `container:` image (the user's engine may have it; otherwise the runner image is used). */
  image?: string;
  /** Dependency install commands, in order. */
  setup: string[];
  test?: string;
  /** The ecosystem image its setup-java / setup-ruby / setup-php steps call for. */
  family?: Family;
}

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
}
interface Job {
  name?: string;
  container?: string | { image?: string };
  steps?: Step[];
}

const TEST_STEP =
  /\b(pytest|unittest|jest|vitest|mocha|go test|cargo test|npm (run )?test|pnpm (run )?test|yarn (run )?test|make test|tox|node --test|mvnw? (-\S+ )*(test|verify|package|install)|gradlew? (\S+ )*(test|check|build)|rspec|rake test|rails test|phpunit|dotnet test)\b/;
const SETUP_STEP =
  /\b(pip install|pip3 install|poetry install|uv sync|npm ci|npm install|pnpm install|yarn install|yarn$|go mod download|cargo fetch|cargo build|bundle install|composer install|dependency:go-offline|dotnet restore)\b/m;

function findJob(jobs: Record<string, Job>, failedName: string): [string, Job] | null {
  const base = failedName.replace(/\s*\(.*\)$/, ''); // matrix suffix: "test (3.12)" → "test"
  const entries = Object.entries(jobs);
  return (
    entries.find(([id, job]) => id === failedName || job.name === failedName) ??
    entries.find(([id, job]) => id === base || job.name?.replace(/\s*\$\{\{.*\}\}.*$/, '').trim() === base) ??
    (entries.length === 1 ? entries[0]! : null)
  );
}

/** Steps that use expressions or sudo cannot run as-is in the sandbox. */
function runnable(command: string): boolean {
  return !command.includes('${{') && !/\bsudo\b/.test(command);
}

/** Reads the workflow file of a failed job; null when the file or the job cannot be understood. */
export function workflowHints(workflowYaml: string, failedJobName: string): WorkflowHints | null {
  let doc: { jobs?: Record<string, Job> };
  try {
    doc = parse(workflowYaml) as typeof doc;
  } catch {
    return null;
  }
  if (!doc?.jobs || typeof doc.jobs !== 'object') return null;
  const found = findJob(doc.jobs, failedJobName);
  if (!found) return null;
  const [id, job] = found;
  const image = typeof job.container === 'string' ? job.container : job.container?.image;
  const runs = (job.steps ?? []).filter(
    (s): s is Step & { run: string } => typeof s.run === 'string' && runnable(s.run),
  );
  const testIndex = runs.findLastIndex((s) => TEST_STEP.test(s.run) || /\btest/i.test(s.name ?? ''));
  const setup = runs.slice(0, testIndex < 0 ? runs.length : testIndex).filter((s) => SETUP_STEP.test(s.run));
  return {
    job: id,
    ...(image && runnable(image) ? { image } : {}),
    setup: setup.map((s) => s.run.trim()),
    ...(testIndex >= 0 ? { test: runs[testIndex]!.run.trim() } : {}),
    ...familyHint(job.steps ?? []),
  };
}

function familyHint(steps: Step[]): { family?: Family } {
  const family = familyOfActions(
    steps.map((s) => (typeof s.uses === 'string' ? s.uses : '')).filter(Boolean),
  );
  return family ? { family } : {};
}
