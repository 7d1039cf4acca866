import type { Command } from 'commander';
import {
  baseImageName,
  buildImages,
  dockerClient,
  engineEndpoint,
  imageExists,
  assertEngineReachable,
  runnerImageName,
  FAMILIES,
  type Family,
} from '../../sandbox/index.js';
import { UsageError } from '../program.js';

/** `mimo images build|list`: the runner images the sandbox uses, built from Debian (never pulled). */
export function register(program: Command): void {
  const images = program.command('images').description('build or list the sandbox runner images');

  images
    .command('build')
    .description(
      'build mimo-base (debootstrap) and the polyglot runner image when missing; progress on stderr',
    )
    .option('--force', 'rebuild even when the images are present')
    .option('--mirror <url>', 'Debian mirror for debootstrap (default $MIMO_DEBIAN_MIRROR or deb.debian.org)')
    .option(
      '--family <name>',
      `also build an ecosystem's image: ${FAMILIES.join('|')} (otherwise built on first need)`,
    )
    .action(async (flags: { force?: boolean; mirror?: string; family?: string }) => {
      if (flags.family && !(FAMILIES as readonly string[]).includes(flags.family)) {
        throw new UsageError(`--family ${flags.family}: expected one of ${FAMILIES.join(', ')}`);
      }
      const built = await buildImages(
        ({ image, message }) => process.stderr.write(`[${image}] ${message}\n`),
        { force: flags.force, mirror: flags.mirror, family: flags.family as Family | undefined },
      );
      process.stdout.write(`${JSON.stringify({ images: built }, null, 2)}\n`);
    });

  images
    .command('list')
    .description('the images the sandbox uses by default and whether the engine has them, as JSON')
    .action(async () => {
      const docker = dockerClient();
      await assertEngineReachable(docker);
      const names = [baseImageName(), runnerImageName()];
      const list = [];
      for (const name of names) list.push({ name, present: await imageExists(docker, name) });
      process.stdout.write(`${JSON.stringify({ engine: engineEndpoint(docker), images: list }, null, 2)}\n`);
    });
}
