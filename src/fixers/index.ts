import { lintFixer, lockfileFixer } from './commands.js';
import { jsImportFixer } from './js-import.js';
import { modulePathFixer } from './module-path.js';
import { insertJsImport } from './js-insert.js';
import { pythonImportFixer } from './python-import.js';
import { insertPythonImport } from './python-insert.js';
import { goImportFixer, insertGoImport } from './go-import.js';
import { rustSuggestionFixer } from './rust-suggest.js';
import { tsImportFixer } from './ts-import.js';
import type { Fixer } from './types.js';

export type { Fixer, FixerContext, FixProposal } from './types.js';
export { workspacePath } from './types.js';
export {
  pythonImportFixer,
  insertPythonImport,
  jsImportFixer,
  modulePathFixer,
  tsImportFixer,
  insertJsImport,
  goImportFixer,
  insertGoImport,
  rustSuggestionFixer,
  lintFixer,
  lockfileFixer,
};
export { replacementModule } from './python-names.js';
export { FixerMemo } from './memo.js';
export { configuredLinters, newFindings, LintUnavailableError } from './lint-check.js';
export type { Linter, LintFinding } from './lint-check.js';
export { PythonStdlib, SandboxStdlib, pythonStdlib } from './python-stdlib.js';

/** Every deterministic fixer, in the order the loop tries them. */
export const builtinFixers: Fixer[] = [
  pythonImportFixer,
  tsImportFixer,
  jsImportFixer,
  modulePathFixer,
  goImportFixer,
  rustSuggestionFixer,
  lintFixer,
  lockfileFixer,
];
