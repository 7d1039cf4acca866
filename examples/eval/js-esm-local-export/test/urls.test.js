import { test } from 'node:test';
import assert from 'node:assert/strict';
import { postUrl } from '../src/urls.js';

test('post url', () => {
  assert.equal(postUrl({ year: 2026, title: 'Hello, World!' }), '/2026/hello-world/');
});
