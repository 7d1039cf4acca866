'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { cartTotal } = require('../lib/cart');

test('total with VAT', () => {
  assert.equal(cartTotal([{ cents: 100, quantity: 2 }, { cents: 50, quantity: 1 }]), 300);
});
