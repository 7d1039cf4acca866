/**
 * Environment for every setup and test command. pnpm 10 switches to the release a repository's `packageManager`
 * field names by downloading it: impossible in the offline test phase (each `pnpm test` waits on the registry, then
 * fails) and refused during setup when the release's registry signature cannot be checked (a TLS-intercepting
 * proxy). The image's pnpm reads the same lockfiles, so it runs as it is.
 */
export const TOOL_ENV: Readonly<Record<string, string>> = {
  npm_config_manage_package_manager_versions: 'false',
};
