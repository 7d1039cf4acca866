import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTestOutput } from '../../src/feedback/index.js';
import { lintFixer, lockfileFixer } from '../../src/fixers/index.js';
import { Workspace } from '../../src/tools/index.js';
import { FakeSandbox, LocalSandbox } from '../helpers/fake-sandbox.js';
import { tempRepo } from '../helpers/tmp.js';

describe('command fixers', () => {
  it('runs the repository’s own prettier --write on the files a format check names, recording the edits', async () => {
    const repo = tempRepo({
      'src/a.js': 'const x = {a:1,b:2}\n',
      'src/b.js': 'export const y = 1;\n',
      '.prettierrc.json': '{"singleQuote":true}\n',
    });
    try {
      cpSync(join(process.cwd(), 'node_modules/prettier'), join(repo.root, 'node_modules/prettier'), {
        recursive: true,
      });
      mkdirSync(join(repo.root, 'node_modules/.bin'));
      symlinkSync('../prettier/bin/prettier.cjs', join(repo.root, 'node_modules/.bin/prettier'));
      const sandbox = new LocalSandbox(repo.root);
      const check = await sandbox.exec('node_modules/.bin/prettier --check src');
      const output = check.stdout + check.stderr;
      expect(output).toContain('[warn] src/a.js');
      const workspace = await Workspace.open(repo.root);
      const proposals = await lintFixer.propose({
        workspace,
        sandbox,
        report: parseTestOutput(output),
        output,
        allowNetwork: false,
      });
      expect(proposals.map((p) => p.description)).toEqual(["prettier --write 'src/a.js'"]);
      expect(await proposals[0]!.apply()).toEqual(['src/a.js']);
      expect(workspace.edits()).toEqual([
        { path: 'src/a.js', before: 'const x = {a:1,b:2}\n', after: 'const x = { a: 1, b: 2 };\n' },
      ]);
      expect((await sandbox.exec('node_modules/.bin/prettier --check src')).exitCode).toBe(0);
    } finally {
      repo.cleanup();
    }
  });

  it('regenerates an out-of-sync npm lockfile with the network on only for that command, when allowed', async () => {
    const repo = tempRepo({
      'package.json': '{"dependencies":{"left-pad":"1.3.0"}}\n',
      'package-lock.json': '{"lockfileVersion":3}\n',
    });
    try {
      const sandbox = new FakeSandbox(repo.root, (command) => {
        if (command.startsWith('npm install --package-lock-only')) {
          writeFileSync(
            join(repo.root, 'package-lock.json'),
            '{"lockfileVersion":3,"packages":{"node_modules/left-pad":{}}}\n',
          );
        }
        return {};
      });
      const output =
        'npm error code EUSAGE\nnpm error `npm ci` can only install packages when your package.json and package-lock.json or ' +
        'npm-shrinkwrap.json are in sync. Please update your lock file with `npm install` before continuing.\n' +
        'npm error Missing: left-pad@1.3.0 from lock file\n';
      const context = {
        workspace: await Workspace.open(repo.root),
        sandbox,
        report: parseTestOutput(output),
        output,
      };
      expect(await lockfileFixer.propose({ ...context, allowNetwork: false })).toEqual([]);
      const [proposal] = await lockfileFixer.propose({ ...context, allowNetwork: true });
      expect(proposal!.description).toBe('refresh package-lock.json (npm)');
      expect(await proposal!.apply()).toEqual(['package-lock.json']);
      expect(sandbox.network).toEqual([true, false]);
      expect(readFileSync(join(repo.root, 'package-lock.json'), 'utf8')).toContain('left-pad');
    } finally {
      repo.cleanup();
    }
  });
});
