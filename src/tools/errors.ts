/** A path the agent asked for that is outside the workspace, or otherwise unusable. */
export class WorkspacePathError extends Error {
  override name = 'WorkspacePathError';
}
