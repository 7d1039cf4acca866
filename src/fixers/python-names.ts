/**
 * What no introspection can tell: conventional aliases, Python 2 module names, names that left a module. The
 * standard library itself comes from the sandbox's Python (python-stdlib.ts); PY_STDLIB_MODULES is the fallback when
 * that Python cannot be asked.
 */

export const PY_STDLIB_MODULES = new Set(
  (
    'abc argparse array ast asyncio base64 binascii bisect builtins bz2 calendar cmath codecs collections ' +
    'colorsys concurrent configparser contextlib contextvars copy copyreg csv ctypes dataclasses datetime decimal ' +
    'difflib dis email enum errno fnmatch fractions functools gc getpass gettext glob gzip hashlib heapq hmac html ' +
    'http importlib inspect io ipaddress itertools json keyword locale logging lzma math mimetypes multiprocessing ' +
    'numbers operator os pathlib pickle platform pprint queue random re reprlib secrets select shelve shlex shutil ' +
    'signal socket socketserver sqlite3 ssl stat statistics string struct subprocess sys sysconfig tarfile tempfile ' +
    'textwrap threading time timeit tkinter token tokenize tomllib traceback types typing unicodedata unittest ' +
    'urllib uuid warnings weakref xml zipfile zlib zoneinfo'
  ).split(' '),
);

/** Conventional aliases (`np` → `import numpy as np`). */
export const PY_ALIASES: Record<string, string> = {
  np: 'import numpy as np',
  pd: 'import pandas as pd',
  plt: 'import matplotlib.pyplot as plt',
  mpl: 'import matplotlib as mpl',
  sns: 'import seaborn as sns',
  sp: 'import scipy as sp',
  nx: 'import networkx as nx',
  tf: 'import tensorflow as tf',
  dt: 'import datetime as dt',
  pl: 'import polars as pl',
};

/** Python 2 module names and their Python 3 successors. */
export const PY_RENAMED_MODULES: Record<string, string> = {
  ConfigParser: 'configparser',
  Queue: 'queue',
  cPickle: 'pickle',
  StringIO: 'io',
  cStringIO: 'io',
  urllib2: 'urllib.request',
  urlparse: 'urllib.parse',
  httplib: 'http.client',
  HTMLParser: 'html.parser',
  Tkinter: 'tkinter',
  __builtin__: 'builtins',
  SocketServer: 'socketserver',
  copy_reg: 'copyreg',
  commands: 'subprocess',
};

/** Names that moved between standard-library modules: `from collections import Mapping` → `collections.abc`. */
export const PY_MOVED_NAMES: Record<string, Record<string, string>> = {
  collections: Object.fromEntries(
    'Mapping MutableMapping Sequence MutableSequence Iterable Iterator Callable Set MutableSet Hashable Sized Container Generator'
      .split(' ')
      .map((n) => [n, 'collections.abc']),
  ),
  cgi: { escape: 'html' },
  fractions: { gcd: 'math' },
};

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The standard-library module a missing module name was meant to be (renamed in Python 3, or misspelt). */
export function replacementModule(
  missing: string,
  stdlib: ReadonlySet<string> = PY_STDLIB_MODULES,
): string | undefined {
  if (PY_RENAMED_MODULES[missing]) return PY_RENAMED_MODULES[missing];
  const top = missing.split('.')[0]!;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const module of stdlib) {
    if (module.includes('.') || module.startsWith('_')) continue;
    const d = editDistance(top.toLowerCase(), module);
    if (d < bestDistance) {
      best = module;
      bestDistance = d;
    }
  }
  if (best && (bestDistance === 0 || (bestDistance <= 2 && top.length >= 5))) {
    return missing.replace(top, best);
  }
  return undefined;
}
