import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEnv } from '../config/index.js';

/**
 * The runner images. No registry can be pulled from, so the base is a Debian root filesystem made by
 * debootstrap and imported; the runner is one Dockerfile layer on top with every toolchain we support
 * (one polyglot image: see docs/sandbox.md for why). Both are tagged by a hash of their recipe, so a changed
 * recipe builds new images and an unchanged one is never rebuilt.
 */
export const BASE_RECIPE = {
  tool: 'debootstrap',
  variant: 'minbase',
  suite: 'trixie',
  cleanup: ['var/lib/apt/lists/*', 'var/cache/apt/*.bin', 'var/cache/apt/archives/*.deb'],
};

/** Debian packages of the polyglot runner. */
export const RUNNER_PACKAGES = [
  'ca-certificates',
  'make',
  'procps',
  'python3',
  'python-is-python3',
  'python3-pytest',
  'python3-pytest-cov',
  'python3-coverage',
  'python3-pip',
  'python3-venv',
  'nodejs',
  'npm',
  'golang-go',
  'cargo',
  'rustc',
  // Linters and compilers the deterministic fixers use to check an edit (helper "fixers", issue 12): flake8 (with
  // pyflakes) for Python repositories configured for it, Debian's TypeScript compiler and mocha for repositories
  // that run them without installing their own. ESLint is not here: Debian's 6.4 cannot read flat configs.
  'flake8',
  'node-typescript',
  'mocha',
];

/**
 * npm packages installed globally in the runner, pinned: ESLint for the post-fix lint check (flat configs); pnpm and
 * yarn (classic; it hands over to a repository's own yarn 2+ release named in .yarnrc.yml) for repositories with
 * pnpm-lock.yaml or yarn.lock.
 */
export const RUNNER_NPM_GLOBALS = ['eslint@9.39.5', 'pnpm@10.34.8', 'yarn@1.22.22'];

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

export function baseImageName(): string {
  return `mimo-base:${shortHash(JSON.stringify(BASE_RECIPE))}`;
}

/**
 * Extra certificate authorities the host trusts (`/usr/local/share/ca-certificates`, or MIMO_EXTRA_CA_DIR): behind
 * a TLS-intercepting proxy (common in companies) the setup phase's `npm install` / `pip install` need them too.
 */
export function hostExtraCas(dir = readEnv().extraCaDir): Record<string, string> {
  if (!existsSync(dir)) return {};
  const cas: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.crt')) cas[`extra-ca/${name}`] = readFileSync(join(dir, name), 'utf8');
  }
  return cas;
}

/** The Dockerfile of the runner: HOME is a tmpfs at run time; toolchains told not to fetch anything unasked. */
export function runnerDockerfile(
  base: string = baseImageName(),
  withExtraCas = Object.keys(hostExtraCas()).length > 0,
): string {
  return [
    `FROM ${base}`,
    'ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8',
    'RUN apt-get update \\',
    ` && apt-get install -y --no-install-recommends ${RUNNER_PACKAGES.join(' ')} \\`,
    ' && apt-get clean && rm -rf /var/lib/apt/lists/* \\',
    ' && mkdir -p /workspace /home/sandbox && chmod 1777 /home/sandbox',
    // Names for the usual workspace owners (a developer's 1000, the fallback 10001), for tools that look the
    // user up (getpass, whoami). A layer of its own, so the toolchain layer above stays cached.
    'RUN groupadd -g 10001 sandbox && useradd -u 10001 -g 10001 -d /home/sandbox -M -s /bin/sh sandbox \\',
    ' && groupadd -g 1000 developer && useradd -u 1000 -g 1000 -d /home/sandbox -M -s /bin/sh developer',
    'ENV HOME=/home/sandbox GOTOOLCHAIN=local GOFLAGS=-buildvcs=false PIP_BREAK_SYSTEM_PACKAGES=1 \\',
    '    PIP_DISABLE_PIP_VERSION_CHECK=1 npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false',
    'COPY go-seed /tmp/go-seed',
    'COPY go-wrapper.sh /usr/local/bin/go',
    'RUN cd /tmp/go-seed && GOCACHE=/usr/local/lib/mimo/go-build HOME=/tmp/go-seed /usr/bin/go test ./... \\',
    ' && chmod -R a+rX /usr/local/lib/mimo && rm -rf /tmp/go-seed',
    // Last, so a host's changed certificates rebuild only this layer. Debian's node reads the system store via
    // NODE_EXTRA_CA_CERTS; pip, curl and git use the system store directly.
    ...(withExtraCas
      ? [
          'COPY extra-ca/ /usr/local/share/ca-certificates/mimo/',
          'RUN update-ca-certificates >/dev/null',
          'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
        ]
      : []),
    // After the certificates: behind a TLS-intercepting proxy the npm registry is reached only with them.
    `RUN npm install -g --no-audit --no-fund --no-update-notifier ${RUNNER_NPM_GLOBALS.join(' ')} && npm cache clean --force`,
    'WORKDIR /workspace',
    'CMD ["sleep", "infinity"]',
    '',
  ].join('\n');
}

/**
 * Go builds the standard library into its build cache on first use (15-40 s), and HOME, where that cache lives,
 * is a fresh tmpfs in every sandbox. So the image carries a cache of the packages tests commonly use, prebuilt,
 * and this `go` wrapper (first on PATH) copies it into an empty GOCACHE before running the real go.
 */
const GO_WRAPPER = `#!/bin/sh
c="\${GOCACHE:-$HOME/.cache/go-build}"
if [ ! -d "$c" ] && [ -d /usr/local/lib/mimo/go-build ]; then
  mkdir -p "$c" && cp -R /usr/local/lib/mimo/go-build/. "$c/" 2>/dev/null
fi
exec /usr/bin/go "$@"
`;

const GO_SEED_TEST = `package seed

import (
\t"bufio"
\t"bytes"
\t"context"
\t"encoding/json"
\t"errors"
\t"fmt"
\t"io"
\t"math"
\t"net/http"
\t"net/http/httptest"
\t"os"
\t"path/filepath"
\t"reflect"
\t"regexp"
\t"sort"
\t"strconv"
\t"strings"
\t"sync"
\t"testing"
\t"time"
)

var _ = []any{bufio.NewReader, bytes.NewBuffer, context.Background, json.Marshal, errors.New, fmt.Sprint, io.EOF,
\tmath.Pi, http.Get, httptest.NewServer, os.Getenv, filepath.Join, reflect.TypeOf, regexp.MustCompile, sort.Ints,
\tstrconv.Itoa, strings.Split, sync.NewCond, time.Now}

func TestSeed(t *testing.T) {}
`;

/** The files of the runner's build context (the Dockerfile first). */
export function runnerContext(base: string = baseImageName()): Record<string, string> {
  const cas = hostExtraCas();
  return {
    Dockerfile: runnerDockerfile(base, Object.keys(cas).length > 0),
    ...cas,
    'go-wrapper.sh': GO_WRAPPER,
    'go-seed/go.mod': 'module mimo.local/seed\n\ngo 1.22\n',
    'go-seed/seed_test.go': GO_SEED_TEST,
  };
}

/** The default polyglot runner image (python3 + pytest + coverage, node + npm, go, cargo). */
export function runnerImageName(): string {
  return `mimo-runner:${shortHash(JSON.stringify(runnerContext()))}`;
}
