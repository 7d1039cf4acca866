'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { assetPath } = require('../lib/assets');

test('joins under the static root', () => {
  assert.equal(assetPath('css', 'site.css'), '/srv/static/css/site.css');
});
