'use strict';

function shout(name) {
  return `HELLO, ${name.toUppercase()}!`;
}

module.exports = { shout };
