// The repair loop: pure TypeScript over Sandbox, Model, Workspace and Reporter.
export { Budget, BudgetExceededError, budgetFromLimits } from './budget.js';
export type { BudgetLimits, BudgetLimit, ConfiguredLimits } from './budget.js';
export { runRepair } from './loop.js';
export type { RepairOptions, Analyzer, TestRun, Ablation } from './context.js';
export type { RepairResult, StopInfo } from './session.js';
export { isGreen, failingTests, newFailures, selectTests, runTestCommand } from './testrun.js';
export { checkEdit, isTestFile, matchesAny, ALWAYS_DENIED } from './guard.js';
export type { GuardPolicy, ProposedEdit, PathResolver, ResolvedPath } from './guard.js';
export { protectedReason, harnessChange } from './harness.js';
export { MemoryLog, JsonlLog, fanOut, parseJsonlLog } from './log.js';
export type { IterationEvent, Reporter, StopReason, Phase } from './log.js';
export {
  renderIterationTable,
  renderFailingChart,
  renderSummary,
  renderMarkdownReport,
  renderProgress,
} from './render.js';
export { systemPrompt, initialPrompt, turnFeedback } from './prompt.js';
export { defaultAnalyzer, runnerHint } from './analyzer.js';
export type { AnalyzerOptions } from './analyzer.js';
