import type Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { dockerClient, assertEngineReachable, hasDefaultBridge, imageExists } from './engine.js';
import { ImageBuildError } from './errors.js';
import { readEnv } from '../config/index.js';
import { BASE_RECIPE, baseImageName, runnerContext, runnerImageName } from './recipes.js';
import { familyContext, familyImageName, type Family } from './recipes-ecosystems.js';

/*
 * Builds the runner images of recipes.ts: `debootstrap` into a temporary directory, streamed as a tar into
 * `docker import` for the base, then `docker build` of the runner's context on top. Progress is reported
 * line by line; failures carry the last lines of output.
 */

export interface BuildProgress {
  image: string;
  message: string;
}

export interface BuildImagesOptions {
  docker?: Docker;
  /** Build even when the tag is present. */
  force?: boolean;
  /** Debian mirror for debootstrap (default MIMO_DEBIAN_MIRROR or deb.debian.org). */
  mirror?: string;
  /** Also build this ecosystem's image (recipes-ecosystems.ts) on top of the runner. */
  family?: Family;
}

export interface BuiltImage {
  name: string;
  built: boolean;
  seconds: number;
}

function run(cmd: string, args: string[], onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const line = (l: string) => {
      tail.push(l);
      if (tail.length > 20) tail.shift();
      onLine(l);
    };
    createInterface({ input: child.stdout }).on('line', line);
    createInterface({ input: child.stderr }).on('line', line);
    child.on('error', (error) => reject(new ImageBuildError(`cannot run ${cmd}: ${error.message}`)));
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new ImageBuildError(`${cmd} exited with ${code}:\n${tail.join('\n')}`)),
    );
  });
}

function follow(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  onLine: (line: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const tail: string[] = [];
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: { error?: string }[]) => {
        const failed = error ?? events.find((e) => e.error)?.error;
        if (failed) reject(new ImageBuildError(`${String(failed)}\n${tail.join('\n')}`));
        else resolve();
      },
      (event: { stream?: string; status?: string; error?: string }) => {
        const text = (event.stream ?? event.status ?? event.error ?? '').trimEnd();
        if (!text) return;
        tail.push(text);
        if (tail.length > 20) tail.shift();
        onLine(text);
      },
    );
  });
}

async function buildBase(
  docker: Docker,
  name: string,
  mirror: string,
  onLine: (l: string) => void,
): Promise<void> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new ImageBuildError(
      'building mimo-base runs debootstrap, which needs root: run `sudo mimo images build`',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'mimo-rootfs-'));
  try {
    await run(
      'debootstrap',
      [`--variant=${BASE_RECIPE.variant}`, BASE_RECIPE.suite, dir, mirror],
      onLine,
    ).catch((error: Error) => {
      throw new ImageBuildError(
        `${error.message}\n(debootstrap must be installed: \`apt-get install debootstrap\`, and ${mirror} reachable)`,
      );
    });
    await run('sh', ['-c', `cd "$1" && rm -rf ${BASE_RECIPE.cleanup.join(' ')}`, 'sh', dir], onLine);
    onLine(`importing the root filesystem as ${name}`);
    const tar = spawn('tar', ['-C', dir, '--numeric-owner', '-c', '.'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [repo, tag] = name.split(':') as [string, string];
    const stream = (await docker.importImage(tar.stdout, {
      repo,
      tag,
      changes: ['CMD ["bash"]'],
    })) as NodeJS.ReadableStream;
    await follow(docker, stream, onLine);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Builds `files` (a Dockerfile and what it copies) as the image `name`; exported for the engine tests. */
export async function buildContext(
  docker: Docker,
  name: string,
  onLine: (l: string) => void,
  files: Record<string, string> = runnerContext(),
): Promise<void> {
  const context = pack();
  for (const [path, text] of Object.entries(files)) {
    context.entry({ name: path, mode: path.endsWith('.sh') ? 0o755 : 0o644 }, text);
  }
  context.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of context) chunks.push(chunk as Buffer);
  // A build's RUN steps (apt-get, npm) get the default bridge's network; an engine started with `--bridge none`
  // would give them none, so there they share the engine host's network. Only our own recipes run in a build.
  const bridged = await hasDefaultBridge(docker);
  if (!bridged) onLine("the engine has no default bridge: the build's steps use the engine host's network");
  const stream = await docker.buildImage(Readable.from([Buffer.concat(chunks)]), {
    t: name,
    rm: true,
    forcerm: true,
    labels: { 'dev.mimo.recipe': name },
    ...(bridged ? {} : { networkmode: 'host' }),
  });
  await follow(docker, stream, onLine);
}

/**
 * Builds mimo-base and the runner when their tags are missing (or always with `force`), reporting each line of
 * progress. Takes minutes the first time, nothing after.
 */
export async function buildImages(
  onProgress: (progress: BuildProgress) => void = () => {},
  options: BuildImagesOptions = {},
): Promise<BuiltImage[]> {
  const docker = options.docker ?? dockerClient();
  await assertEngineReachable(docker);
  const mirror = options.mirror ?? readEnv().debianMirror;
  const steps: [string, (name: string, onLine: (l: string) => void) => Promise<void>][] = [
    [baseImageName(), (name, onLine) => buildBase(docker, name, mirror, onLine)],
    [runnerImageName(), (name, onLine) => buildContext(docker, name, onLine)],
  ];
  const family = options.family;
  if (family)
    steps.push([
      familyImageName(family),
      (name, onLine) => buildContext(docker, name, onLine, familyContext(family)),
    ]);
  const results: BuiltImage[] = [];
  for (const [name, build] of steps) {
    const started = Date.now();
    if (!options.force && (await imageExists(docker, name))) {
      onProgress({ image: name, message: 'present, not rebuilt' });
      results.push({ name, built: false, seconds: 0 });
    } else {
      onProgress({ image: name, message: 'building' });
      await build(name, (message) => onProgress({ image: name, message }));
      const seconds = Math.round((Date.now() - started) / 1000);
      onProgress({ image: name, message: `built in ${seconds} s` });
      results.push({ name, built: true, seconds });
    }
    // `mimo-runner` (i.e. :latest) names the current recipe, for `image: mimo-runner` in .github/mimo.yml.
    await docker.getImage(name).tag({ repo: name.split(':')[0]!, tag: 'latest' });
  }
  return results;
}
