'use strict';

const ROOT = '/srv/static';

function assetPath(...parts) {
  return join(ROOT, ...parts);
}

module.exports = { assetPath };
