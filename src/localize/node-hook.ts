/**
 * Per-test V8 coverage for Node runners, from one ordinary run. The hook is preloaded into every node process of the
 * run (`NODE_OPTIONS=--require hook.cjs`, with `NODE_V8_COVERAGE` set) and, where it recognises the runner, calls
 * `v8.takeCoverage()` (which writes the counts so far and resets them) before and after each test, recording
 * which coverage file belongs to which test and whether it failed:
 * - mocha: the Runner's `test` / `test end` events (its `lib/runner.js` is patched when it is loaded);
 * - jest: the test environment's `handleTestEvent` (`test_fn_start` / `test_done`), added to the environment class
 *   (jest-environment-node or -jsdom) when the worker loads it.
 * Processes where no runner is recognised (node:test runs each test file in its own process; vitest forks) keep
 * one coverage file per process, which the collector turns into one "test" per test file.
 * A process ended by SIGTERM (vitest's fork workers) writes its coverage in the signal's handler first.
 * The hook writes only under its own directory and never changes what the tests do.
 */
export const NODE_HOOK = String.raw`'use strict';
const v8 = require('v8');
const fs = require('fs');
const path = require('path');
const Module = require('module');
const dir = process.env.NODE_V8_COVERAGE;
const meta = process.env.MIMO_LOCALIZE_META;
if (dir && meta) {
  // A pool's worker ended by SIGTERM (vitest's forks) writes no coverage at exit: write it first. Re-raised only
  // when no one else listens, so a process's own SIGTERM handling stays as it was.
  process.once('SIGTERM', () => {
    try { v8.takeCoverage(); } catch (error) {}
    if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
  });
  let seq = 0;
  const take = (name, file, failed) => {
    try {
      fs.mkdirSync(dir, { recursive: true });
      const before = new Set(fs.readdirSync(dir));
      v8.takeCoverage();
      const files = fs.readdirSync(dir).filter((f) => !before.has(f));
      fs.appendFileSync(
        path.join(meta, process.pid + '.jsonl'),
        JSON.stringify({ seq: seq++, files, name, file, failed }) + '\n',
      );
    } catch (error) {
      // coverage is best effort: the run itself must not change
    }
  };
  const patchMochaRunner = (Runner) => {
    if (Runner.__mimoPatched) return;
    Runner.__mimoPatched = true;
    const run = Runner.prototype.run;
    Runner.prototype.run = function (...args) {
      this.on('test', () => take(null, null, false));
      this.on('test end', (test) => take(test.fullTitle(), test.file || null, test.state === 'failed'));
      return run.apply(this, args);
    };
  };
  const patchJestEnvironment = (Env) => {
    if (!Env || !Env.prototype || Env.__mimoPatched) return;
    Env.__mimoPatched = true;
    const own = Env.prototype.handleTestEvent;
    Env.prototype.handleTestEvent = function (event, state) {
      if (event.name === 'test_fn_start') take(null, null, false);
      if (event.name === 'test_done') {
        const names = [];
        for (let t = event.test; t && t.parent; t = t.parent) names.unshift(t.name);
        take(names.join(' '), null, event.test.errors.length > 0);
      }
      return own ? own.call(this, event, state) : undefined;
    };
  };
  // Code a runner transformed before running it (babel-jest, vite-node): V8's offsets are into that code, so the
  // collector needs it (and its inline source map) to find the original lines.
  const root = process.env.MIMO_LOCALIZE_ROOT;
  const vm = require('vm');
  const recorded = new Set();
  const record = (filename, code) => {
    try {
      if (!root || typeof filename !== 'string' || typeof code !== 'string') return;
      const file = filename.startsWith('file://') ? decodeURIComponent(filename.slice(7)) : filename;
      if (!file.startsWith(root + '/') || file.includes('/node_modules/') || recorded.has(file)) return;
      recorded.add(file);
      fs.appendFileSync(path.join(meta, 'sources-' + process.pid + '.jsonl'), JSON.stringify({ file, code }) + '\n');
    } catch (error) {
      // best effort
    }
  };
  const Script = vm.Script;
  vm.Script = class extends Script {
    constructor(code, options) {
      super(code, options);
      record(typeof options === 'string' ? options : options && options.filename, code);
    }
  };
  const compileFunction = vm.compileFunction;
  vm.compileFunction = function (code, params, options) {
    record(options && options.filename, code);
    return compileFunction.apply(this, arguments);
  };
  const runInThisContext = vm.runInThisContext;
  vm.runInThisContext = function (code, options) {
    record(typeof options === 'string' ? options : options && options.filename, code);
    return runInThisContext.apply(this, arguments);
  };
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    const loaded = load.apply(this, arguments);
    try {
      if (loaded && typeof loaded === 'function' && loaded.constants && loaded.constants.EVENT_TEST_END &&
          loaded.prototype && typeof loaded.prototype.runTests === 'function') patchMochaRunner(loaded);
      else if (/jest-environment-(node|jsdom)/.test(request) && loaded)
        patchJestEnvironment(loaded.TestEnvironment || loaded.default || loaded);
    } catch (error) {
      // never break the run
    }
    return loaded;
  };
}
`;

/**
 * Runs in the sandbox after the tests: groups the coverage files into tests (by the hook's records, else one per
 * process) and prints them as JSON, keeping only the project's scripts (no node_modules, no node: internals).
 */
export const NODE_COLLECT = String.raw`'use strict';
const fs = require('fs');
const path = require('path');
const [dir, meta, root] = process.argv.slice(2);
const project = (url) => {
  const file = url.startsWith('file://') ? decodeURIComponent(url.slice(7)) : url;
  return file.startsWith(root + '/') && !file.includes('/node_modules/') ? file.slice(root.length + 1) : null;
};
const read = (file) => {
  const data = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  const maps = data['source-map-cache'] || {};
  const scripts = [];
  for (const s of data.result || []) {
    const rel = project(s.url);
    if (rel === null) continue;
    const map = maps[s.url];
    let code;
    if (map) try { code = fs.readFileSync(s.url.startsWith('file://') ? decodeURIComponent(s.url.slice(7)) : s.url, 'utf8'); } catch (error) {}
    scripts.push({ file: rel, functions: s.functions, ...(map ? { map: map.data, code } : {}) });
  }
  return scripts;
};
const owned = new Map();
const hooked = new Set();
for (const f of fs.existsSync(meta) ? fs.readdirSync(meta) : []) {
  if (f.startsWith('sources-')) continue;
  const pid = f.replace(/\.jsonl$/, '');
  hooked.add(pid);
  for (const line of fs.readFileSync(path.join(meta, f), 'utf8').split('\n')) {
    if (!line) continue;
    const rec = JSON.parse(line);
    for (const c of rec.files) owned.set(c, rec);
  }
}
const tests = [];
for (const f of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
  if (!f.endsWith('.json')) continue;
  const rec = owned.get(f);
  if (rec) {
    if (rec.name !== null) tests.push({ name: rec.name, file: rec.file ? (project(rec.file) || rec.file) : null, failed: rec.failed, scripts: read(f) });
    continue;
  }
  const pid = (/^coverage-(\d+)-/.exec(f) || [])[1];
  if (pid && hooked.has(pid)) continue; // the rest of a hooked process after its last test
  tests.push({ name: null, file: null, failed: null, scripts: read(f) });
}
const sources = {};
for (const f of fs.existsSync(meta) ? fs.readdirSync(meta) : []) {
  if (!f.startsWith('sources-')) continue;
  for (const line of fs.readFileSync(path.join(meta, f), 'utf8').split('\n')) {
    if (!line) continue;
    const { file, code } = JSON.parse(line);
    const rel = project(file);
    let disk = null;
    try { disk = fs.readFileSync(file, 'utf8'); } catch (error) {}
    if (rel !== null && code !== disk) sources[rel] = code;
  }
}
process.stdout.write(JSON.stringify({ tests, sources }));
`;
