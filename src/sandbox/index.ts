export type { Sandbox, ExecOptions, ExecResult } from './types.js';
