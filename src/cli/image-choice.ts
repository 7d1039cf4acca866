/** The image a repository's tests run in: its config's, else its ecosystem's (built on first need), else the runner. */
import { runnerOfCommand } from '../feedback/index.js';
import { ensureFamilyImage, familyOfRunner, runnerImageName } from '../sandbox/index.js';

export async function imageFor(configImage: string | undefined, testCommand: string): Promise<string> {
  if (configImage) return configImage;
  const runner = runnerOfCommand(testCommand);
  const family = runner ? familyOfRunner(runner) : null;
  if (!family) return runnerImageName();
  return ensureFamilyImage(family, ({ image, message }) => process.stderr.write(`[${image}] ${message}\n`));
}
