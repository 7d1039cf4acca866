import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeNames } from '../src/users.js';

test('only active users', () => {
  const users = [
    { name: 'b', active: true },
    { name: 'c', active: false },
    { name: 'a', active: true },
  ];
  assert.deepEqual(activeNames(users), ['a', 'b']);
});
