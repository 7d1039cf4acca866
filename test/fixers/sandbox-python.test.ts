// Missing imports injected into real-shaped Python projects, repaired by the deterministic fixers alone in the real
// runner image (`mimo fix --model none`'s loop): the sandbox's own Python says what its standard library exports.
import { jest } from '@jest/globals';
import { repairCase } from './sandbox-case.js';

jest.setTimeout(600_000);

describe('python fixers in the real sandbox', () => {
  it('src layout + pytest: a name from `math` joins the existing `from math import …` line', async () => {
    const c = await repairCase({
      fixture: 'fixers-py-src-pytest',
      fault: { 'src/unitconv/lengths.py': ['from math import floor, isclose', 'from math import isclose'] },
      test: 'python3 -m pytest',
    });
    expect(c.result.stop.reason).toBe('green');
    expect(c.result.rootCause).toBe(
      "add `from math import floor` to src/unitconv/lengths.py (NameError: name 'floor' is not defined)",
    );
    expect(c.read('src/unitconv/lengths.py')).toContain(
      '"""Length conversions."""\nfrom __future__ import annotations\n\nfrom math import floor, isclose\n',
    );
    expect(c.fixerLines.join('\n')).not.toMatch(/lint check skipped|adds \d+ lint error/);
  });

  it('src layout + pytest: a name the repository defines is imported from its module', async () => {
    const c = await repairCase({
      fixture: 'fixers-py-src-pytest',
      fault: { 'src/unitconv/temps.py': ['from unitconv.rounding import round_half_up\n', ''] },
      test: 'python3 -m pytest',
    });
    expect(c.result.stop.reason).toBe('green');
    expect(c.read('src/unitconv/temps.py')).toMatch(
      /^"""Temperature conversions\."""\n\nfrom unitconv\.rounding import round_half_up\n\n\ndef celsius_to_fahrenheit/,
    );
  });

  it('flat package + unittest: `textwrap.indent` gets `import textwrap` in the stdlib group, isort order', async () => {
    const c = await repairCase({
      fixture: 'fixers-py-flat-unittest',
      fault: { 'ledger/report.py': ['import textwrap\n', ''] },
      test: 'python3 -m unittest discover -s tests -t .',
    });
    expect(c.result.stop.reason).toBe('green');
    expect(c.read('ledger/report.py')).toContain(
      '"""Plain-text ledger reports."""\n\nimport textwrap\nfrom collections import defaultdict\n\nfrom ledger.money import from_cents, to_cents\n',
    );
  });

  it('flat package + unittest: a class from `decimal` merges into the import of that module', async () => {
    const c = await repairCase({
      fixture: 'fixers-py-flat-unittest',
      fault: {
        'ledger/money.py': [
          'from decimal import ROUND_HALF_UP, Decimal',
          'from decimal import ROUND_HALF_UP',
        ],
      },
      test: 'python3 -m unittest discover -s tests -t .',
    });
    expect(c.result.stop.reason).toBe('green');
    expect(c.read('ledger/money.py').split('\n')[0]).toBe('from decimal import ROUND_HALF_UP, Decimal');
  });

  it('doctests: a NameError inside a doctest run is fixed below the shebang, encoding line and docstring', async () => {
    const c = await repairCase({
      fixture: 'fixers-py-doctest',
      fault: { 'roman.py': ['from collections import Counter\n', ''] },
      test: 'python3 -m pytest',
    });
    expect(c.result.stop.reason).toBe('green');
    const text = c.read('roman.py');
    expect(text.startsWith('#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n"""Roman numerals.')).toBe(true);
    expect(text).toContain('2\n"""\nfrom collections import Counter\n\nNUMERALS');
  });
});
