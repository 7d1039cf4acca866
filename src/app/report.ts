import type { IterationEvent, RepairResult } from '../repair/index.js';
import { renderFailingChart, renderIterationTable, renderSummary } from '../repair/index.js';
import { GITHUB_TEXT_LIMIT } from '../github/index.js';
import type { RepairRequest } from './request.js';

const MARKER = '<!-- mimo-code -->';

function jsonl(events: IterationEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n');
}

function proofLines(events: IterationEvent[]): string {
  const proof = events.filter((e) => e.phase === 'proof');
  if (proof.length === 0) return 'No proof runs (the repair did not reach a green state).';
  return proof
    .map(
      (e) =>
        `- ${e.message}${e.failures ? ` — ${e.failures.failed} failing, ${e.failures.passed} passing` : ''}`,
    )
    .join('\n');
}

function target(request: RepairRequest): string {
  return request.pr ? `#${request.pr.number}` : `issue #${request.issue?.number}`;
}

/** The fix PR's body: summary, proof of fix, iteration table and chart, cost, and the whole log when it fits. */
export function pullRequestBody(
  request: RepairRequest,
  result: RepairResult,
  events: IterationEvent[],
): string {
  const head = [
    MARKER,
    request.mode === 'issue'
      ? `Closes #${request.issue?.number}. mimo-code wrote a test that reproduces the issue, then fixed the code.`
      : `Fixes the failing tests of ${target(request)} (\`${request.pr?.headSha.slice(0, 7)}\`), requested by @${request.requestedBy}.`,
    '',
    renderSummary(events),
    '',
    '### Proof of fix',
    proofLines(events),
    '',
    '### Iterations',
    renderIterationTable(events),
    '',
    renderFailingChart(events),
    '',
    `<details><summary>Diff</summary>\n\n\`\`\`diff\n${result.diff}\n\`\`\`\n</details>`,
  ].join('\n');
  const log = `\n\n<details><summary>Full iteration log (JSONL)</summary>\n\n\`\`\`json\n${jsonl(events)}\n\`\`\`\n</details>\n`;
  return head.length + log.length <= GITHUB_TEXT_LIMIT
    ? head + log
    : `${head}\n\nThe full iteration log is too long for this description: it is in the "mimo fix" check run's details.\n`;
}

/** The tests still failing at the last run, as a short list (the table only counts them). */
function stillFailing(events: IterationEvent[]): string {
  const tests = [...events].reverse().find((e) => e.failures)?.failures?.tests ?? [];
  if (tests.length === 0) return '';
  const shown = tests.slice(0, 20).map((t) => `- \`${t}\``);
  if (tests.length > shown.length) shown.push(`- … and ${tests.length - shown.length} more`);
  return `\n\n**Failing at the last run:**\n${shown.join('\n')}`;
}

/** The check run's text while running and at the end: the table (and the log when it fits). */
export function checkRunOutput(
  events: IterationEvent[],
  final = false,
): { title: string; summary: string; text: string } {
  const stop = [...events].reverse().find((e) => e.phase === 'stop')?.stop;
  const lastRun = [...events].reverse().find((e) => e.failures);
  const title =
    final && stop
      ? `${stop.reason === 'green' ? 'Fixed' : stop.reason === 'nothing_to_fix' ? 'Nothing to fix' : 'Not fixed'}: ${stop.detail}`
      : `Iteration ${events.at(-1)?.iteration ?? 0}${lastRun?.failures ? `: ${lastRun.failures.failed} failing` : ''}`;
  return {
    title,
    summary: `${renderSummary(events)}${stillFailing(events)}\n\n${renderIterationTable(events)}`,
    text: `${renderFailingChart(events)}\n\n\`\`\`json\n${jsonl(events)}\n\`\`\``,
  };
}

/** The comment on the original PR or issue when no fix PR was opened: what was tried and why it stopped. */
export function failureComment(
  request: RepairRequest,
  events: IterationEvent[],
  checkUrl: string,
  extra = '',
): string {
  return [
    MARKER,
    `I could not repair ${target(request)}.`,
    '',
    renderSummary(events) + stillFailing(events),
    '',
    renderIterationTable(events),
    extra ? `\n${extra}` : '',
    checkUrl ? `\nFull log: ${checkUrl}` : '',
  ].join('\n');
}

export function patchComment(request: RepairRequest, result: RepairResult, reason: string): string {
  return [
    MARKER,
    `The tests of ${target(request)} pass with the patch below. ${reason}`,
    '',
    'Apply it with `git apply`:',
    '',
    '```diff',
    result.diff,
    '```',
  ].join('\n');
}
