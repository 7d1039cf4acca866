/** `12.34 EUR` from cents. */
export function formatCents(cents, currency = 'EUR') {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}
