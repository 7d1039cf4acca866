'use strict';

function withVat(cents, rate = 0.2) {
  return Math.round(cents * (1 + rate));
}

module.exports = { withVat };
