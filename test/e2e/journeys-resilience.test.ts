// Journeys that kill and scale processes: the app dies mid-job and comes back; two `mimo worker` processes share
// a Redis queue. Real app processes, real Docker, real git, real redis-server.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHubDouble, type GitHubDouble, type RepoState } from './github-double/index.js';
import { eventually, startAppProcess, startWorkerProcess, type AppProcess } from './app-process.js';
import { commentPayload } from './payloads.js';

/** A journey runs real containers and git: minutes on a loaded 2-core machine, never forever. */
const JOURNEY_TIMEOUT = 600_000;

const BROKEN = 'def area(r):\n    return math.pi * r * r\n';
const FIXED = `import math\n\n\n${BROKEN}`;
const TESTS = (seconds: number) =>
  `import time\nfrom shapes import area\n\n\ndef test_area():\n    assert round(area(1), 2) == 3.14\n\n\ndef test_slow():\n    time.sleep(${seconds})\n`;

function pullWithMissingImport(double: GitHubDouble, name: string, sleep = 0) {
  const repo =
    double.state.repos.get(name) ??
    double.state.createRepo(name, { 'shapes.py': FIXED, 'tests/test_shapes.py': TESTS(sleep) });
  repo.permissions.set('maintainer', 'write');
  // Each PR's change differs, so two PRs of one repository never share a head commit.
  const pull = double.state.openPullRequest(repo, {
    branch: `drop-import-${repo.nextNumber}`,
    files: { 'shapes.py': `# change ${repo.nextNumber}\n${BROKEN}` },
    title: 'Tidy imports',
  });
  return { repo, pull };
}

function containersOf(pid: number): string {
  return execFileSync('docker', ['ps', '-q', '--filter', `label=dev.mimo.pid=${pid}`], {
    encoding: 'utf8',
  }).trim();
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('resilience journeys', () => {
  let double: GitHubDouble;
  const stops: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    double = await startGitHubDouble();
  });
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    expect(double.violations).toEqual([]);
  }, JOURNEY_TIMEOUT);
  afterAll(async () => {
    await double?.close();
  });

  it(
    '6. the app killed mid-job and restarted: the job resumes, is never lost and runs to one fix',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'mimo-restart-'));
      let app: AppProcess = await startAppProcess(double, {}, dataDir);
      const { repo, pull } = pullWithMissingImport(double, 'octo/restart', 4);
      await double.deliver(
        app.webhookUrl,
        'issue_comment',
        commentPayload(double, repo, pull.number, '/mimo fix', 'maintainer'),
      );
      const pid = app.child.pid!;
      await eventually('the job to be running in a sandbox', () => containersOf(pid) !== '');
      await app.stop('SIGKILL');

      app = await startAppProcess(double, {}, dataDir);
      stops.push(() => app.stop());
      const finished = await eventually('the resumed repair to conclude', () =>
        repo.checkRuns.find((c) => c.status === 'completed' && c.conclusion === 'success'),
      ).catch((error: unknown) => {
        process.stderr.write(
          `\njourney 6 diagnostics: check runs ${JSON.stringify(repo.checkRuns)}\n${app.output().slice(-6000)}\n`,
        );
        throw error;
      });
      expect(finished.headSha).toBe(pull.headSha);
      expect(repo.checkRuns.map((c) => [c.status, c.conclusion])).toEqual([
        ['completed', 'neutral'], // the attempt that died with the first process, concluded "Interrupted"
        ['completed', 'success'],
      ]);
      expect(repo.pulls.filter((p) => p.user === 'mimo-code[bot]')).toHaveLength(1);
      expect(containersOf(pid)).toBe(''); // the dead process's sandbox was swept
    },
    JOURNEY_TIMEOUT,
  );

  it(
    '7. with REDIS_URL, two mimo worker processes take six jobs across three repositories, each exactly once',
    async () => {
      const port = await freePort();
      const redis: ChildProcess = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      stops.push(async () => {
        redis.kill();
      });
      const REDIS_URL = `redis://127.0.0.1:${port}`;
      await eventually('redis to answer', () => {
        try {
          return execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).includes(
            'PONG',
          );
        } catch {
          return false;
        }
      });
      const app = await startAppProcess(double, { REDIS_URL, MIMO_EMBEDDED_WORKER: 'false' });
      stops.push(() => app.stop());
      const workers = [startWorkerProcess(double, { REDIS_URL }), startWorkerProcess(double, { REDIS_URL })];
      for (const worker of workers) stops.push(() => worker.stop());

      const targets: { repo: RepoState; number: number; sha: string }[] = [];
      for (const name of ['octo/scale-a', 'octo/scale-b', 'octo/scale-c']) {
        for (let i = 0; i < 2; i++) {
          const { repo, pull } = pullWithMissingImport(double, name);
          targets.push({ repo, number: pull.number, sha: pull.headSha });
        }
      }
      // Each delivered twice: the duplicates must collapse into the same six jobs.
      await Promise.all(
        [...targets, ...targets].map((t) =>
          double.deliver(
            app.webhookUrl,
            'issue_comment',
            commentPayload(double, t.repo, t.number, '/mimo fix', 'maintainer'),
          ),
        ),
      );
      for (const t of targets) {
        await eventually(`the repair of ${t.repo.fullName}#${t.number}`, () =>
          t.repo.checkRuns.some((c) => c.headSha === t.sha && c.status === 'completed'),
        );
      }
      for (const t of targets) {
        const runs = t.repo.checkRuns.filter((c) => c.headSha === t.sha);
        expect([t.repo.fullName, t.number, runs.map((c) => c.conclusion)]).toEqual([
          t.repo.fullName,
          t.number,
          ['success'],
        ]);
      }
      const repos = [...new Set(targets.map((t) => t.repo))];
      const fixes = repos.flatMap((repo) =>
        repo.pulls.filter((p) => p.user === 'mimo-code[bot]' && p.baseRef.startsWith('drop-import-')),
      );
      expect(new Set(fixes.map((p) => `${p.headRepo}#${p.baseRef}`)).size).toBe(6);
      expect(fixes).toHaveLength(6);
    },
    JOURNEY_TIMEOUT,
  );
});
