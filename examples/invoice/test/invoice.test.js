import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCents } from '../src/format.js';
import { invoiceTotals, lineAmount } from '../src/invoice.js';

test('a small order pays full price', () => {
  assert.equal(lineAmount({ unitCents: 250, quantity: 4 }), 1000);
});

test('the bulk discount starts at ten units', () => {
  assert.equal(lineAmount({ unitCents: 250, quantity: 10 }), 2250);
});

test('larger orders keep the bulk discount', () => {
  assert.equal(lineAmount({ unitCents: 250, quantity: 12 }), 2700);
});

test('invoice totals add tax on the discounted subtotal', () => {
  const totals = invoiceTotals(
    [
      { unitCents: 250, quantity: 10 },
      { unitCents: 1000, quantity: 1 },
    ],
    0.2,
  );
  assert.deepEqual(totals, { subtotal: 3250, tax: 650, total: 3900 });
});

test('amounts are formatted with two decimals', () => {
  assert.equal(formatCents(3900), '39.00 EUR');
});
