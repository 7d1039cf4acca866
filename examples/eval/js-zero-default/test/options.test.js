import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryOptions } from '../src/options.js';

test('defaults', () => {
  assert.deepEqual(retryOptions(), { retries: 3, delayMs: 100 });
});

test('zero retries is kept', () => {
  assert.equal(retryOptions({ retries: 0 }).retries, 0);
});
