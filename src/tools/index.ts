export { Workspace, WorkspacePathError, IGNORED_DIRS } from './workspace.js';
export type { FileEdit, Checkpoint } from './workspace.js';
export { unifiedDiff, diffOfEdits, changedLineNumbers, removedLines, diffStats } from './diff.js';
export { applyReplaceBlocks } from './replace.js';
export type { ReplaceBlock, ReplaceResult } from './replace.js';
export { searchWorkspace } from './search.js';
export {
  agentTools,
  toolDefinitions,
  executeToolCall,
  readFileTool,
  listFilesTool,
  searchTool,
  editTool,
  createFileTool,
  runTestsTool,
  finishTool,
} from './tools.js';
export type { AgentTool, ToolContext, ToolOutcome, FinishRequest } from './tools.js';
export { HostFiles } from './host-files.js';
