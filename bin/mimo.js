#!/usr/bin/env node
// The `mimo` command: builds dist/ when the sources are newer, then runs the compiled CLI.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Before `npm install` neither tsc nor the CLI's dependencies exist: say so in one line, not two stack traces.
if (
  !existsSync(join(root, 'node_modules', 'typescript')) ||
  !existsSync(join(root, 'node_modules', 'commander'))
) {
  process.stderr.write(`mimo: dependencies are not installed; run \`npm install\` in ${root} first\n`);
  process.exit(2);
}
const { ensureBuilt } = await import('../scripts/ensure-built.js');
ensureBuilt({ tolerateTypeErrors: true });
await import('../dist/cli/main.js');
