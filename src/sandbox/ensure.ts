import { assertEngineReachable, dockerClient, imageExists } from './engine.js';
import { buildImages, type BuildProgress } from './images.js';
import { runnerImageName } from './recipes.js';
import { familyImageName, type Family } from './recipes-ecosystems.js';

let pending: Promise<void> | null = null;

/**
 * Builds the default runner image when this engine does not have it yet, so `npm start` needs no separate build
 * step: the first job (or the app's start) triggers the build, progress goes to `onProgress`, and concurrent
 * callers share one build. A failed build is not cached: the next call tries again.
 */
export function ensureRunnerImage(onProgress: (progress: BuildProgress) => void = () => {}): Promise<void> {
  pending ??= (async () => {
    const docker = dockerClient();
    await assertEngineReachable(docker); // an actionable error, not a raw socket one
    if (await imageExists(docker, runnerImageName())) return;
    await buildImages(onProgress);
  })().catch((error: unknown) => {
    pending = null;
    throw error;
  });
  return pending;
}

const familyPending = new Map<Family, Promise<string>>();

/** Builds an ecosystem's image (and the runner under it) on first need; resolves to the image's name. */
export function ensureFamilyImage(
  family: Family,
  onProgress: (progress: BuildProgress) => void = () => {},
): Promise<string> {
  let pending = familyPending.get(family);
  if (!pending) {
    pending = (async () => {
      const docker = dockerClient();
      await assertEngineReachable(docker);
      const name = familyImageName(family);
      if (!(await imageExists(docker, name))) await buildImages(onProgress, { family });
      return name;
    })().catch((error: unknown) => {
      familyPending.delete(family);
      throw error;
    });
    familyPending.set(family, pending);
  }
  return pending;
}
