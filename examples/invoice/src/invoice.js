/** Invoice totals: line amounts, a bulk discount, then tax. Amounts are in cents to avoid rounding drift. */

export const BULK_QUANTITY = 10;
export const BULK_DISCOUNT = 0.1;

/** Amount of one line in cents, with the bulk discount from BULK_QUANTITY units on. */
export function lineAmount({ unitCents, quantity }) {
  const gross = unitCents * quantity;
  const discounted = quantity > BULK_QUANTITY ? gross * (1 - BULK_DISCOUNT) : gross;
  return Math.round(discounted);
}

/** Subtotal, tax and total of an invoice in cents. */
export function invoiceTotals(lines, taxRate) {
  const subtotal = lines.reduce((sum, line) => sum + lineAmount(line), 0);
  const tax = Math.round(subtotal * taxRate);
  return { subtotal, tax, total: subtotal + tax };
}
