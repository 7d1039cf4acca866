// Sandbox benchmark: round trip of `true` through `sandbox.exec` (the resident runner: what the agent uses)
// against a bare dockerode exec and the `docker exec` CLI on the same container, in the same run; a 4 KiB file read
// through the runner; the time to open (create + start + copy in + runner start) and dispose a sandbox, and to
// open one from the warm pool (copy in + hand-over).
// Each figure is measured under runc and, when the engine has it (.ci/runsc), under runsc (gVisor) in the same run
// (BENCH_RUNTIMES=runc,runsc). Needs the Docker engine and the runner image (`mimo images build`). Prints one JSON
// object of figures.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import Docker from 'dockerode';
import { openDockerSandbox, runnerImageName, WarmPool } from '../dist/sandbox/index.js';
import { copyIntoContainer } from '../dist/sandbox/copy.js';
import { engineRuntimes } from '../dist/sandbox/engine.js';

const EXEC_RUNS = Number(process.env.BENCH_EXEC_RUNS ?? 200);
const OPEN_RUNS = Number(process.env.BENCH_OPEN_RUNS ?? 10);
const WARMUP = 10;

function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
function summary(samples) {
  const round = (x) => Math.round(x * 10) / 10;
  return {
    runs: samples.length,
    p50_ms: round(percentile(samples, 50)),
    p95_ms: round(percentile(samples, 95)),
  };
}
async function time(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}
async function measure(runs, fn) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await time(fn));
  return summary(samples);
}

const docker = new Docker();
const uidGid = () => ({ uid: process.getuid() || 65532, gid: process.getgid() || 65532 });
const workspace = mkdtempSync(join(tmpdir(), 'mimo-bench-'));
const image = runnerImageName();
const ratio = (a, b) => Math.round((a / b) * 1000) / 1000;

/** Every figure of one runtime: open/dispose, the command round trip (runner, bare exec, CLI), a file read. */
async function figures(runtime) {
  const policy = { runtime };
  // Open + dispose: a fresh locked-down container each time (engine ping, image check, create, start).
  const openSamples = [];
  const disposeSamples = [];
  for (let i = 0; i < OPEN_RUNS; i++) {
    let sandbox;
    openSamples.push(
      await time(async () => (sandbox = await openDockerSandbox({ workspace, image, policy, sweep: false }))),
    );
    disposeSamples.push(await time(() => sandbox.dispose()));
  }

  // Open from the warm pool: a started sandbox of the same shape waits (the pool refilled after the last open and
  // settled before the timer starts); the open is the archive copy of the workspace and the hand-over.
  const pool = new WarmPool({ size: 1 });
  await pool.warm({ workspace, image, policy });
  const warmSamples = [];
  for (let i = 0; i < OPEN_RUNS; i++) {
    await pool.settled();
    let sandbox;
    let how;
    warmSamples.push(
      await time(
        async () => (sandbox = await pool.open({ workspace, image, policy, sweep: false }, (h) => (how = h))),
      ),
    );
    if (how !== 'warm') throw new Error('the pool opened cold');
    await sandbox.dispose();
  }
  await pool.close();
  // Beside it, the engine's archive API putting the same workspace into a running container: what every open paid
  // before the upload through the runner, and still pays for a tar over 64 MiB or an image without head/tar/cat.
  const floor = await openDockerSandbox({ workspace, image, policy, sweep: false });
  const floorContainer = docker.getContainer((await floor.exec('cat /etc/hostname')).stdout.trim());
  const copySamples = [];
  for (let i = 0; i < OPEN_RUNS; i++) {
    copySamples.push(await time(() => copyIntoContainer(floorContainer, workspace, '/workspace', uidGid())));
  }
  await floor.dispose();

  const sandbox = await openDockerSandbox({ workspace, image, policy });
  try {
    const kernel = (await sandbox.exec('uname -r')).stdout.trim();
    const id = (await sandbox.exec('cat /etc/hostname')).stdout.trim();
    const container = (await docker.listContainers({ filters: { id: [id] } }))[0];
    const user = (await sandbox.exec('echo "$(id -u):$(id -g)"')).stdout.trim();

    // What the agent pays per command: one request to the resident runner (leftover sweep, OOM check included).
    const api = await measure(EXEC_RUNS, async () => {
      const r = await sandbox.exec('true');
      if (r.exitCode !== 0) throw new Error(`exec failed: ${JSON.stringify(r)}`);
    });
    // dockerode without the runner: the floor of an exec through the API.
    const c = docker.getContainer(container.Id);
    const raw = await measure(EXEC_RUNS, async () => {
      const exec = await c.exec({ Cmd: ['true'], User: user, AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: false });
      stream.resume();
      await new Promise((resolve) => stream.on('end', resolve));
      await exec.inspect();
    });
    // A file read through the runner (what read_file and the score's source reads pay).
    await sandbox.writeFile('bench.txt', 'x'.repeat(4096));
    const read = await measure(EXEC_RUNS, async () => {
      if (!(await sandbox.readFile('bench.txt'))) throw new Error('read failed');
    });
    // The docker CLI on the same container, same user.
    const cli = await measure(Math.min(EXEC_RUNS, 100), async () => {
      const r = spawnSync('docker', ['exec', '-u', user, container.Id, 'true']);
      if (r.status !== 0) throw new Error(`docker exec failed: ${r.stderr}`);
    });
    return {
      kernel,
      exec_true_api: api,
      exec_true_dockerode_raw: raw,
      // the goal: ≤ 5 ms at p50 and ≤ 0.15× a bare dockerode exec measured in the same run
      exec_true_api_vs_raw_p50: ratio(api.p50_ms, raw.p50_ms),
      read_file_4k_api: read,
      exec_true_docker_cli: cli,
      open_create_start: summary(openSamples),
      // the goal: ≤ 20 ms
      open_from_warm_pool: summary(warmSamples),
      archive_copy: summary(copySamples),
      warm_open_vs_archive_copy_p50: ratio(summary(warmSamples).p50_ms, summary(copySamples).p50_ms),
      dispose: summary(disposeSamples),
    };
  } finally {
    await sandbox.dispose();
  }
}

const available = await engineRuntimes(docker);
const asked = (process.env.BENCH_RUNTIMES ?? 'runc,runsc').split(',').filter(Boolean);
const runtimes = asked.filter((r) => r === 'runc' || available.includes(r));
const out = {
  engine: execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' }).trim(),
  image,
  runtimes_skipped: asked.filter((r) => !runtimes.includes(r)),
};
for (const runtime of runtimes) out[runtime] = await figures(runtime);
if (out.runc && out.runsc) {
  // gVisor's cost beside runc, same run, same machine load
  out.runsc_vs_runc_p50 = {
    exec_true_api: ratio(out.runsc.exec_true_api.p50_ms, out.runc.exec_true_api.p50_ms),
    read_file_4k_api: ratio(out.runsc.read_file_4k_api.p50_ms, out.runc.read_file_4k_api.p50_ms),
    open_create_start: ratio(out.runsc.open_create_start.p50_ms, out.runc.open_create_start.p50_ms),
    open_from_warm_pool: ratio(out.runsc.open_from_warm_pool.p50_ms, out.runc.open_from_warm_pool.p50_ms),
  };
}
console.log(JSON.stringify(out, null, 2));
