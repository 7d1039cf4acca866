export { buildProgram, runCli, UsageError, EXIT_OK, EXIT_FAILED, EXIT_USAGE } from './program.js';
