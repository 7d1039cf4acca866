import { missingProgram, missingProgramDetail } from '../../src/repair/missing-program.js';

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
