import type { Fixer, FixerContext, FixProposal } from './types.js';

/** A proposal that runs a command in the sandbox and records the files it changed as edits. */
function commandProposal(
  context: FixerContext,
  fixer: string,
  description: string,
  command: string,
  options: { network?: boolean } = {},
): FixProposal {
  return {
    fixer,
    description,
    key: `${fixer}:${command}`,
    apply: async () => {
      const before = await context.workspace.snapshot();
      if (options.network) await context.sandbox.setNetwork(true);
      try {
        await context.sandbox.exec(command, { timeoutMs: 300_000, signal: context.signal });
      } finally {
        if (options.network) await context.sandbox.setNetwork(false);
      }
      const after = await context.workspace.snapshot();
      return context.workspace.recordSnapshotDiff(before, after);
    },
  };
}

const LINT_KIND = /^(?:[\w-]+\/)?[a-z]+(?:-[a-z]+)+$|^prettier$/;

/** `eslint --fix` and `prettier --write` on the files the lint/format failures name, with the repository's own tools. */
export const lintFixer: Fixer = {
  name: 'lint',
  async propose(context) {
    const proposals: FixProposal[] = [];
    const ws = context.workspace;
    const hasEslint = await ws.exists('node_modules/.bin/eslint').catch(() => false);
    const hasPrettier = await ws.exists('node_modules/.bin/prettier').catch(() => false);
    const eslintFailures =
      context.report.runner === 'eslint' ||
      context.report.failures.some((f) => LINT_KIND.test(f.kind) && f.kind !== 'prettier');
    const prettierFailure =
      /\[warn\] Code style issues|Code style issues found|prettier\/prettier/.test(context.output) ||
      context.report.failures.some((f) => f.kind === 'prettier' || f.kind === 'prettier/prettier');
    const files = [
      ...new Set(
        context.report.failures.map((f) => f.file).filter((f): f is string => !!f && !f.startsWith('/')),
      ),
    ];
    const targets = files.length > 0 ? files.map((f) => `'${f.replace(/'/g, `'\\''`)}'`).join(' ') : '.';
    if (hasEslint && eslintFailures) {
      proposals.push(
        commandProposal(
          context,
          'eslint-fix',
          `eslint --fix ${targets}`,
          `node_modules/.bin/eslint --fix ${targets}`,
        ),
      );
    }
    if (hasPrettier && prettierFailure) {
      const prettierTargets = /\[warn\] ([^\s]+)/g.test(context.output)
        ? [...context.output.matchAll(/^\[warn\] ([^\s[]+\.\w+)$/gm)].map((m) => `'${m[1]}'`).join(' ') || '.'
        : targets;
      proposals.push(
        commandProposal(
          context,
          'prettier-write',
          `prettier --write ${prettierTargets}`,
          `node_modules/.bin/prettier --write ${prettierTargets}`,
        ),
      );
    }
    return proposals;
  },
};

const LOCKFILE_MESSAGES: Array<[RegExp, string, string]> = [
  [
    /package\.json and package-lock\.json[^\n]*(?:not in sync|in sync)|Missing: \S+ from lock file|npm ci` can only install packages when/,
    'npm install --package-lock-only --ignore-scripts --no-audit --no-fund',
    'refresh package-lock.json (npm)',
  ],
  [/ERR_PNPM_OUTDATED_LOCKFILE/, 'pnpm install --lockfile-only --ignore-scripts', 'refresh pnpm-lock.yaml'],
  [
    /Your lockfile needs to be updated|The lockfile would have been modified/,
    'yarn install --mode update-lockfile',
    'refresh yarn.lock',
  ],
  [
    /poetry\.lock[^\n]*(?:not consistent|changed significantly)/,
    'poetry lock --no-update',
    'refresh poetry.lock',
  ],
];

/** A lockfile out of sync with its manifest: regenerate it (network only when the config allows setup network). */
export const lockfileFixer: Fixer = {
  name: 'lockfile',
  async propose(context) {
    if (!context.allowNetwork) return [];
    for (const [re, command, description] of LOCKFILE_MESSAGES) {
      if (re.test(context.output))
        return [commandProposal(context, 'lockfile', description, command, { network: true })];
    }
    return [];
  },
};
