// Builds dist/ with tsc when it is missing or older than any file in src/, so `npm start` and `mimo`
// work on a fresh clone with no manual build step.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

/**
 * tolerateTypeErrors: tsc still emits JavaScript when types are wrong; the test run uses that output and leaves
 * type errors to `npm run typecheck` (which .ci/run runs), so one organ's type error does not hide every test.
 */
export function ensureBuilt({ quiet = false, tolerateTypeErrors = false } = {}) {
  const sources = Math.max(
    newestMtime(join(root, 'src')),
    statSync(join(root, 'tsconfig.build.json')).mtimeMs,
  );
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= sources) return false;
  if (!quiet) process.stderr.write('mimo: compiling TypeScript (dist/ is missing or older than src/)…\n');
  try {
    execFileSync(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: root,
        stdio: ['ignore', tolerateTypeErrors ? 'ignore' : 'inherit', 'inherit'],
      },
    );
  } catch (error) {
    if (!tolerateTypeErrors) throw error;
    process.stderr.write(
      'mimo: tsc reported type errors (run `npm run typecheck`); testing the emitted JavaScript\n',
    );
    return true;
  }
  writeFileSync(stamp, new Date().toISOString());
  return true;
}
