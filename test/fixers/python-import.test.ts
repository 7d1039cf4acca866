import { jest } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTestOutput } from '../../src/feedback/index.js';
import { insertPythonImport, pythonImportFixer, replacementModule } from '../../src/fixers/index.js';
import { Workspace } from '../../src/tools/index.js';
import { declaredDistributions } from '../../src/fixers/python-packages.js';
import { STDLIB_INDEX_SCRIPT, STDLIB_MODULES_SCRIPT } from '../../src/fixers/python-stdlib.js';
import type { ExecOptions } from '../../src/sandbox/index.js';
import { LocalSandbox } from '../helpers/fake-sandbox.js';
import { tempRepo } from '../helpers/tmp.js';

jest.setTimeout(300_000);
const PYTEST = 'python3 -m pytest -p no:cacheprovider';

/** Runs real pytest, asks the fixer, applies every proposal, runs pytest again. */
async function fixOnce(root: string) {
  const scripts: string[] = [];
  const sandbox = new (class extends LocalSandbox {
    override exec(command: string | string[], options?: ExecOptions) {
      if (Array.isArray(command)) scripts.push(command.at(-1)!);
      return super.exec(command, options);
    }
  })(root);
  const workspace = await Workspace.open(root);
  const env = { PYTHONDONTWRITEBYTECODE: '1' };
  const first = await sandbox.exec(PYTEST, { env });
  const output = first.stdout + first.stderr;
  const proposals = await pythonImportFixer.propose({
    workspace,
    sandbox,
    report: parseTestOutput(output),
    output,
    allowNetwork: false,
  });
  for (const p of proposals) await p.apply();
  const second = await sandbox.exec(PYTEST, { env });
  return { first, proposals, second, workspace, scripts };
}

const TEST_IMPORTS_APP = 'from app import run\n\n\ndef test_run():\n    assert run() == "ok"\n';

describe('python-import fixer (real pytest output)', () => {
  it('adds the missing `import statistics` to the csv-pipeline example', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mimo-csv-'));
    cpSync(new URL('../../examples/csv-pipeline', import.meta.url).pathname, root, { recursive: true });
    try {
      const { first, proposals, second, workspace } = await fixOnce(root);
      expect(first.exitCode).toBe(1);
      expect(proposals.map((p) => p.description)).toEqual([
        "add `import statistics` to pipeline/stats.py (NameError: name 'statistics' is not defined)",
      ]);
      expect(second.exitCode).toBe(0);
      expect(workspace.changedFiles()).toEqual(['pipeline/stats.py']);
      expect(readFileSync(join(root, 'pipeline/stats.py'), 'utf8')).toMatch(
        /^import statistics\nfrom collections import defaultdict\n\n\ndef /,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('knows a standard module used as one from the module list alone; a bare name builds the names index', async () => {
    const asModule = tempRepo({
      'app.py': 'def run():\n    return "ok" if math.floor(2.5) == 2 else "no"\n',
      'test_app.py': TEST_IMPORTS_APP,
    });
    const bareName = tempRepo({
      'app.py': 'def run():\n    return "ok" if sqrt(4.0) == 2.0 else "no"\n',
      'test_app.py': TEST_IMPORTS_APP,
    });
    try {
      const first = await fixOnce(asModule.root);
      expect(first.proposals[0]!.description).toMatch(/^add `import math` to app\.py/);
      expect(first.second.exitCode).toBe(0);
      expect(first.scripts).toEqual([STDLIB_MODULES_SCRIPT]);
      const second = await fixOnce(bareName.root);
      expect(second.proposals[0]!.description).toMatch(/^add `from math import sqrt` to app\.py/);
      expect(second.second.exitCode).toBe(0);
      expect(second.scripts).toEqual([STDLIB_MODULES_SCRIPT, STDLIB_INDEX_SCRIPT]);
    } finally {
      asModule.cleanup();
      bareName.cleanup();
    }
  });

  it('renames a Python 2 module, keeping its name as an alias when the code uses it', async () => {
    const repo = tempRepo({
      'app.py':
        'import ConfigParser\n\n\ndef run():\n    parser = ConfigParser.ConfigParser()\n    return "ok" if parser.sections() == [] else "no"\n',
      'test_app.py': TEST_IMPORTS_APP,
    });
    try {
      const { proposals, second } = await fixOnce(repo.root);
      expect(proposals[0]!.description).toMatch(
        /^replace `import ConfigParser` with `import configparser as ConfigParser` in app\.py/,
      );
      expect(second.exitCode).toBe(0);
    } finally {
      repo.cleanup();
    }
  });

  it('corrects a misspelt standard-library module and a name that moved to collections.abc', async () => {
    const repo = tempRepo({
      'app.py':
        'import colections\nfrom collections import OrderedDict, Mapping\n\n\ndef run():\n' +
        '    return "ok" if isinstance(OrderedDict(), Mapping) and collections.Counter("a")["a"] == 1 else "no"\n',
      'test_app.py': TEST_IMPORTS_APP,
    });
    try {
      const first = await fixOnce(repo.root);
      expect(first.proposals.map((p) => p.description)).toEqual([
        'replace `import colections` with `import collections` in app.py (ModuleNotFoundError: colections)',
      ]);
      const second = await fixOnce(repo.root);
      expect(second.proposals[0]!.description).toMatch(
        /from collections import OrderedDict; from collections\.abc import Mapping/,
      );
      expect(second.second.exitCode).toBe(0);
    } finally {
      repo.cleanup();
    }
  });
});

describe('python-import fixer: declared packages and relative imports (real pytest output)', () => {
  it('imports a name of a declared package from the module that defines it (packaging.version)', async () => {
    const repo = tempRepo({
      'requirements.txt': 'packaging>=21\n',
      'app.py': 'def run():\n    return "ok" if Version("1.10") > Version("1.9") else "no"\n',
      'test_app.py': TEST_IMPORTS_APP,
    });
    try {
      const { proposals, second } = await fixOnce(repo.root);
      expect(proposals.map((p) => p.description)[0]).toBe(
        "add `from packaging.version import Version` to app.py (NameError: name 'Version' is not defined)",
      );
      expect(second.exitCode).toBe(0);
    } finally {
      repo.cleanup();
    }
  });

  it('searches only the packages the repository declares, in any manifest', async () => {
    const repo = tempRepo({
      'pyproject.toml':
        '[project]\nname = "x"\ndependencies = [\n  "PyYAML>=6; python_version>\'3.8\'",\n  "attrs",\n]\n\n' +
        '[project.optional-dependencies]\ntest = ["pytest>=7", "pytest-cov"]\n\n[tool.pytest.ini_options]\naddopts = "-ra"\n',
      'setup.py':
        'from setuptools import setup\nsetup(install_requires=["requests>=2"], extras_require={"s3": ["boto3"]})\n',
      'requirements-dev.txt': '# tools\n-r requirements.txt\nruff==0.4.1\n-e .\n',
      'app.py': '',
    });
    try {
      expect(await declaredDistributions(await Workspace.open(repo.root))).toEqual([
        'PyYAML',
        'attrs',
        'boto3',
        'pytest',
        'pytest-cov',
        'requests',
        'ruff',
      ]);
      // An extra's brackets inside a quoted requirement do not end the list (the names after it were lost).
      const extras = tempRepo({
        'pyproject.toml':
          '[project]\nname = "y"\ndependencies = [\n  "requests[socks]>=2",  # it\'s for the proxy\n  "click",\n]\n\n' +
          '[project.optional-dependencies]\ntest = ["coverage[toml]", "hypothesis"]\n',
        'setup.py': 'from setuptools import setup\nsetup(install_requires=["httpx[http2]", "rich"])\n',
      });
      expect(await declaredDistributions(await Workspace.open(extras.root))).toEqual([
        'click',
        'coverage',
        'httpx',
        'hypothesis',
        'requests',
        'rich',
      ]);
      extras.cleanup();
      const empty = tempRepo({ 'app.py': '' });
      expect(await declaredDistributions(await Workspace.open(empty.root))).toEqual([]);
      empty.cleanup();
    } finally {
      repo.cleanup();
    }
  });

  it('writes a repository name relatively when the file imports its own package that way', async () => {
    const repo = tempRepo({
      'md/__init__.py': '',
      'md/util/__init__.py': '',
      'md/util/text.py': 'def escape_html(s):\n    return s.replace("<", "&lt;")\n',
      'md/util/links.py': 'def link(s):\n    return s\n',
      'md/render/__init__.py': '',
      'md/render/html.py':
        'from ..util.links import link\n\n\ndef render(s):\n    return link(escape_html(s))\n',
      'test_html.py':
        'from md.render.html import render\n\n\ndef test_render():\n    assert render("<") == "&lt;"\n',
    });
    try {
      const { proposals, second } = await fixOnce(repo.root);
      expect(proposals.map((p) => p.description)[0]).toBe(
        "add `from ..util.text import escape_html` to md/render/html.py (NameError: name 'escape_html' is not defined)",
      );
      expect(second.exitCode).toBe(0);
      expect(readFileSync(join(repo.root, 'md/render/html.py'), 'utf8')).toMatch(
        /^from \.\.util\.links import link\nfrom \.\.util\.text import escape_html\n/,
      );
    } finally {
      repo.cleanup();
    }
  });
});

describe('python import helpers', () => {
  it('map Python 2 and misspelt module names to the standard library', () => {
    expect(replacementModule('Queue')).toBe('queue');
    expect(replacementModule('colections')).toBe('collections');
    expect(replacementModule('requests')).toBeUndefined();
  });

  it('insert after the docstring and the __future__ imports', () => {
    const source = '"""Module doc."""\nfrom __future__ import annotations\n\nimport os\n\nx = os.sep\n';
    expect(insertPythonImport(source, 'import json')).toBe(
      '"""Module doc."""\nfrom __future__ import annotations\n\nimport json\nimport os\n\nx = os.sep\n',
    );
    expect(insertPythonImport('x = json.dumps(1)\n', 'import json')).toBe(
      'import json\n\nx = json.dumps(1)\n',
    );
  });

  it('join an existing import of the module, in isort order, and keep PEP 8 spacing', () => {
    expect(
      insertPythonImport('from decimal import ROUND_HALF_UP\n\nx = 1\n', 'from decimal import Decimal'),
    ).toBe('from decimal import ROUND_HALF_UP, Decimal\n\nx = 1\n');
    expect(insertPythonImport('from math import isclose\n', 'from math import floor')).toBe(
      'from math import floor, isclose\n',
    );
    expect(insertPythonImport('"""Doc."""\n\n\ndef f():\n    pass\n', 'from a.b import c')).toBe(
      '"""Doc."""\n\nfrom a.b import c\n\n\ndef f():\n    pass\n',
    );
    const stdlibFirst = (m: string) =>
      m === '__future__' ? 'future' : m.startsWith('pkg') ? 'local' : 'stdlib';
    expect(
      insertPythonImport(
        '#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n# License: MIT\n"""Doc."""\n\nimport os\nfrom collections import defaultdict\n\nfrom pkg.core import run\n',
        'import json',
        stdlibFirst,
      ),
    ).toBe(
      '#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n# License: MIT\n"""Doc."""\n\nimport json\nimport os\nfrom collections import defaultdict\n\nfrom pkg.core import run\n',
    );
    expect(
      insertPythonImport('import os\n\nfrom pkg.core import run\n', 'from pkg.util import x', stdlibFirst),
    ).toBe('import os\n\nfrom pkg.core import run\nfrom pkg.util import x\n');
  });
});
