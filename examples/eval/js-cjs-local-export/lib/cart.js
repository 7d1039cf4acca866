'use strict';

function cartTotal(items) {
  return items.reduce((sum, item) => sum + withVat(item.cents * item.quantity), 0);
}

module.exports = { cartTotal };
