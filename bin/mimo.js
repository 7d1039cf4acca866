#!/usr/bin/env node
// The `mimo` command: builds dist/ when the sources are newer, then runs the compiled CLI.
import { ensureBuilt } from '../scripts/ensure-built.js';

ensureBuilt({ tolerateTypeErrors: true });
await import('../dist/cli/main.js');
