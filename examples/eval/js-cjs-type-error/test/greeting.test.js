'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { shout } = require('../lib/greeting');

test('shouts', () => {
  assert.equal(shout('ada'), 'HELLO, ADA!');
});
