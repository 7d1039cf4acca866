export type { TestReport, Failure, Frame, Locals } from './types.js';
