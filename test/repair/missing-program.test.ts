import {
  missingPackage,
  missingPackageDetail,
  missingProgram,
  missingProgramDetail,
  ownModulePath,
} from '../../src/repair/missing-program.js';
import { Workspace } from '../../src/tools/index.js';
import { tempRepo } from '../helpers/tmp.js';

describe('missingProgram', () => {
  it.each([
    ['> tiny@1.0.0 test\n> mocha\n\nsh: 1: mocha: not found\n', 127, 'mocha'],
    ['bash: line 1: jest: command not found\n', 127, 'jest'],
    [' ERR_PNPM_RECURSIVE_EXEC_FIRST_FAIL  Command "vitest" not found\n', 1, 'vitest'],
    ['/usr/bin/python3: No module named pytest\n', 1, 'pytest'],
  ])('names the program in %j', (output, exitCode, program) => {
    expect(missingProgram({ output, exitCode })).toBe(program);
  });

  it('says nothing when the runner ran', () => {
    expect(
      missingProgram({ output: 'FAILED tests/test_x.py::test_a - assert 1 == 2\n', exitCode: 1 }),
    ).toBeNull();
  });

  it('tells the user which field to set', () => {
    expect(missingProgramDetail('mocha', 'npm test')).toMatch(
      /`mocha` is not installed.*Set `setup:` in \.github\/mimo\.yml/,
    );
  });
});

describe('missingPackage', () => {
  // lines of real runs in the runner image: pytest collecting a module that imports an uninstalled package, and
  // node requiring / importing one
  it.each([
    [
      "weather/client.py:1: in <module>\n    import requests\nE   ModuleNotFoundError: No module named 'requests'\n" +
        '=========================== short test summary info ============================\nERROR tests/test_client.py\n',
      'requests',
    ],
    ["Error: Cannot find module 'left-pad'\nRequire stack:\n- /workspace/[eval]\n", 'left-pad'],
    ["Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'ms' imported from /workspace/e.mjs\n", 'ms'],
    ["Error: Cannot find module '@scope/pkg/lib/x.js'\n", '@scope/pkg'],
  ])('names the package in %j', (output, module) => {
    expect(missingPackage({ output })).toBe(module);
  });

  it('a relative module that is not there is not a package', () => {
    expect(missingPackage({ output: "Error: Cannot find module './slug'\nRequire stack:\n" })).toBeNull();
    expect(missingPackage({ output: 'AssertionError: 1 == 2\n' })).toBeNull();
  });

  it('names the setup that ran and the field to set', () => {
    expect(missingPackageDetail('requests', "python3 -m pip install -q -e '.[test]'")).toMatch(
      /`requests`, which is not installed in the sandbox after setup `python3 -m pip install.*Set `setup:`/,
    );
  });

  it("says when the missing module is the repository's own code, not a package to install", async () => {
    const repo = tempRepo({
      'pyproject.toml': '[project]\nname = "shapes"\n',
      'src/shapes/__init__.py': 'from .area import area\n',
      'src/shapes/area.py': 'def area(r):\n    return 3.14 * r * r\n',
      'tools/gen.py': '',
      'tests/test_area.py': 'from shapes import area\n',
    });
    try {
      const ws = await Workspace.open(repo.root);
      expect(await ownModulePath(ws, 'shapes.area')).toBe('src/shapes');
      expect(await ownModulePath(ws, 'requests')).toBeNull();
      expect(await ownModulePath(ws, 'gen')).toBeNull(); // a script folder is not a source root
      const detail = missingPackageDetail('shapes', undefined, 'src/shapes');
      expect(detail).toMatch(/`shapes`, which is this repository's own code \(`src\/shapes`\)/);
      expect(detail).toContain('PYTHONPATH=src');
      expect(detail).not.toMatch(/registry/);
    } finally {
      repo.cleanup();
    }
  });
});
