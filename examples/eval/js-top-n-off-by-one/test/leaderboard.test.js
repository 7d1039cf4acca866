import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topScores } from '../src/leaderboard.js';

test('top three', () => {
  assert.deepEqual(topScores([5, 9, 1, 7, 3], 3), [9, 7, 5]);
});

test('fewer scores than n', () => {
  assert.deepEqual(topScores([2], 3), [2]);
});
