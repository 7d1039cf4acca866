import { z } from 'zod';
import {
  agentTools,
  executeToolCall,
  toolDefinitions,
  unifiedDiff,
  Workspace,
  type ToolContext,
} from '../../src/tools/index.js';
import { HostFolderFiles } from '../helpers/fake-sandbox.js';
import { tempRepo } from '../helpers/tmp.js';

const SOURCE =
  'def total(items):\n    s = 0\n    for i in items:\n        s += i\n    return s\n\n\ndef zero():\n    s = 0\n    return s\n';

describe('agent tools', () => {
  let repo: ReturnType<typeof tempRepo>;
  let context: ToolContext;
  let ran: Array<string[] | undefined>;
  const call = (name: string, args: unknown) => executeToolCall({ id: '1', name, arguments: args }, context);

  beforeEach(async () => {
    repo = tempRepo({
      'calc.py': SOURCE,
      'tests/test_calc.py': 'def test_total():\n    assert total([1]) == 1\n',
    });
    ran = [];
    context = {
      workspace: await Workspace.open(repo.root),
      checkEdit: (path) => (path.startsWith('tests/') ? 'tests are protected' : null),
      runTests: async (tests) => {
        ran.push(tests);
        return '1 passed';
      },
    };
  });
  afterEach(() => repo.cleanup());

  it('are defined once with zod schemas that convert to JSON Schema', () => {
    expect(agentTools.map((t) => t.name)).toEqual([
      'read_file',
      'list_files',
      'search',
      'edit',
      'create_file',
      'run_tests',
      'finish',
    ]);
    const edit = toolDefinitions().find((t) => t.name === 'edit')!;
    const schema = z.toJSONSchema(edit.parameters) as {
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(schema.required).toEqual(['path', 'edits']);
  });

  it('edit reads the file once through the sandbox and records what it replaced', async () => {
    const reads: string[] = [];
    const files = new (class extends HostFolderFiles {
      readonly workdir = '/workspace';
      override readFile(path: string, options?: { maxBytes?: number }) {
        reads.push(path);
        return super.readFile(path, options);
      }
    })(repo.root);
    context = { ...context, workspace: Workspace.of(files) };
    const out = await call('edit', {
      path: 'calc.py',
      edits: [{ search: 'def zero():\n    s = 0', replace: 'def zero():\n    s = 1' }],
    });
    expect(out).toMatchObject({ isError: false, edited: ['calc.py'] });
    expect(reads).toEqual(['calc.py']);
    expect(context.workspace.edits()).toEqual([
      {
        path: 'calc.py',
        before: SOURCE,
        after: SOURCE.replace('def zero():\n    s = 0', 'def zero():\n    s = 1'),
      },
    ]);
  });

  it('read_file numbers lines and honours a range', async () => {
    const out = await call('read_file', { path: 'calc.py', startLine: 2, endLine: 3 });
    expect(out).toEqual({
      content: 'calc.py (lines 2-3 of 10)\n    2|     s = 0\n    3|     for i in items:',
      isError: false,
    });
  });

  it('edit applies an exact unique match and records it', async () => {
    const out = await call('edit', {
      path: 'calc.py',
      edits: [{ search: '        s += i\n', replace: '        s += i * 2\n' }],
    });
    expect(out).toMatchObject({ isError: false, edited: ['calc.py'] });
    expect(context.workspace.edits()[0]!.after).toContain('s += i * 2');
  });

  it('edit explains an ambiguous match with the line numbers', async () => {
    const out = await call('edit', {
      path: 'calc.py',
      edits: [{ search: '    s = 0\n', replace: '    s = 1\n' }],
    });
    expect(out.isError).toBe(true);
    expect(out.content).toBe(
      'the search text occurs 2 times in calc.py (lines 2, 9); include more surrounding lines so it matches exactly one place.',
    );
    expect(context.workspace.edits()).toEqual([]);
  });

  it('edit explains a miss caused by indentation, and a miss with the closest line', async () => {
    const indent = await call('edit', {
      path: 'calc.py',
      edits: [
        { search: 'def zero', replace: 'def nil' },
        { search: 'for i in items:\ns += i', replace: 'x' },
      ],
    });
    expect(indent.content).toMatch(
      /^block 2: no exact match in calc\.py, but the same lines with different indentation .* at line 3\./,
    );
    const miss = await call('edit', {
      path: 'calc.py',
      edits: [{ search: 'def total(items, start):', replace: 'x' }],
    });
    expect(miss.content).toMatch(/^no match for the search text in calc\.py\./);
    const none = await call('edit', {
      path: 'calc.py',
      edits: [{ search: 'nothing like this', replace: 'x' }],
    });
    expect(none.content).toMatch(/No line of the search text occurs in the file/);
  });

  it('edit and create_file go through the guard', async () => {
    const out = await call('edit', {
      path: 'tests/test_calc.py',
      edits: [{ search: '== 1', replace: '== 2' }],
    });
    expect(out).toMatchObject({
      isError: true,
      rejected: 'tests are protected',
      content: 'Edit rejected: tests are protected',
    });
    const created = await call('create_file', { path: 'tests/test_new.py', content: 'x' });
    expect(created.rejected).toBe('tests are protected');
    expect(await call('create_file', { path: 'calc.py', content: 'x' })).toMatchObject({
      isError: true,
      content: 'calc.py already exists; use edit to change it.',
    });
  });

  it('paths out of the workspace come back as errors, not crashes', async () => {
    expect(await call('read_file', { path: '../../etc/passwd' })).toMatchObject({
      isError: true,
      content: expect.stringMatching(/outside the workspace/),
    });
  });

  it('invalid arguments name the field', async () => {
    expect(await call('read_file', { path: 3 })).toMatchObject({
      isError: true,
      content: expect.stringMatching(/^Invalid arguments for read_file: path: /),
    });
    expect(await call('delete_everything', {})).toMatchObject({
      isError: true,
      content: expect.stringMatching(/^Unknown tool delete_everything/),
    });
    const invalid = await executeToolCall(
      { id: '2', name: 'edit', arguments: {}, invalid: 'malformed JSON' },
      context,
    );
    expect(invalid).toEqual({ content: 'malformed JSON', isError: true });
  });

  it('search, list_files, run_tests and finish', async () => {
    expect((await call('search', { pattern: 's = 0' })).content).toBe(
      'calc.py:2:     s = 0\ncalc.py:9:     s = 0',
    );
    expect((await call('search', { pattern: '^def \\w+', regex: true, path: 'calc.py' })).content).toBe(
      'calc.py:1: def total(items):\ncalc.py:8: def zero():',
    );
    expect((await call('search', { pattern: '(', regex: true })).isError).toBe(true);
    expect((await call('list_files', {})).content).toBe('calc.py\ntests/test_calc.py');
    expect(await call('run_tests', { tests: ['tests/test_calc.py::test_total'] })).toMatchObject({
      content: '1 passed',
      ranTests: true,
    });
    expect(ran).toEqual([['tests/test_calc.py::test_total']]);
    expect((await call('finish', { status: 'give_up', summary: 'no idea' })).finish).toEqual({
      status: 'give_up',
      summary: 'no idea',
    });
  });

  it('unifiedDiff produces git-style hunks', () => {
    expect(unifiedDiff('a.py', 'a\nb\nc\n', 'a\nB\nc\n')).toBe(
      '--- a/a.py\n+++ b/a.py\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n',
    );
    expect(unifiedDiff('n.py', null, 'x\n')).toBe('--- /dev/null\n+++ b/n.py\n@@ -0,0 +1,1 @@\n+x\n');
  });
});
