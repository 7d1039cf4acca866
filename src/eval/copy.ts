import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PatchError } from './errors.js';
import { applyDiff } from './patch.js';
import type { EvalCase } from './types.js';

/** Folders never copied into a sandbox workspace: VCS metadata (the container never sees `.git`) and our logs. */
const NOT_COPIED = new Set(['.git', '.mimo']);

/** A fresh copy of a case's folder (with its test patch applied), as `mimo fix` makes one; the caller removes it. */
export async function freshCopy(c: EvalCase, purpose: 'run' | 'verify'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `mimo-eval-${purpose}-${c.id.slice(0, 40)}-`));
  try {
    await cp(c.repo, dir, {
      recursive: true,
      verbatimSymlinks: true,
      filter: (src) => src === c.repo || !NOT_COPIED.has(basename(src)),
    });
    if (c.testPatch) {
      await applyDiff(dir, c.testPatch).catch((error: unknown) => {
        throw error instanceof PatchError
          ? new PatchError(error.file, `the case's test patch does not apply: ${error.message}`)
          : error;
      });
    }
    return dir;
  } catch (error) {
    await removeCopy(dir);
    throw error;
  }
}

export async function removeCopy(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
