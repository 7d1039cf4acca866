// `npm start`: compiles dist/ when needed, then runs the GitHub App server (or its setup flow).
import { ensureBuilt } from './ensure-built.js';

ensureBuilt({ tolerateTypeErrors: true });
await import('../dist/app/main.js');
