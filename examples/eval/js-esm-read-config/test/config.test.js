import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../src/config.js';

test('defaults are filled in', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  writeFileSync(join(dir, 'c.json'), '{"host":"x"}');
  assert.deepEqual(readConfig(join(dir, 'c.json')), { port: 8080, host: 'x' });
});
