// Compiles dist/ once per test run so CLI and server tests run the real binaries.
import { ensureBuilt } from '../scripts/ensure-built.js';

export default async function globalSetup() {
  ensureBuilt({ quiet: true, tolerateTypeErrors: true });
}
