import { lintFixer, lockfileFixer } from './commands.js';
import { jsImportFixer, insertJsImport } from './js-import.js';
import { pythonImportFixer, insertPythonImport } from './python-import.js';
import type { Fixer } from './types.js';

export type { Fixer, FixerContext, FixProposal } from './types.js';
export { workspacePath } from './types.js';
export { pythonImportFixer, insertPythonImport, jsImportFixer, insertJsImport, lintFixer, lockfileFixer };
export { importForName, replacementModule } from './python-names.js';

/** Every deterministic fixer, in the order the loop tries them. */
export const builtinFixers: Fixer[] = [pythonImportFixer, jsImportFixer, lintFixer, lockfileFixer];
