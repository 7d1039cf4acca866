export { type Octokit, type RepoId, fitGithubText, GITHUB_TEXT_LIMIT } from './octokit.js';
export {
  RepairCheckRun,
  concludeAbandonedCheckRuns,
  CHECK_NAME,
  type CheckConclusion,
  type CheckOutput,
} from './checks.js';
export { failedWorkflowRunLogs, failedCheckRunLogs, cleanActionsLog, type FailedJobLog } from './ci-logs.js';
export { workflowHints, type WorkflowHints } from './workflow.js';
export { openFixPullRequest, comment, fileAt, type FixPullRequest } from './pulls.js';
export { reviewWithSuggestions, type SuggestionReview } from './reviews.js';
export {
  planSuggestions,
  commentableLines,
  type ReviewComment,
  type SuggestionPlan,
  type CommentableLines,
} from './suggestions.js';
