/**
 * A bounded cache of a pure function of a string: a log names the same stack lines, paths and packages
 * thousands of times. Keys and the string fields of values are stored as copies (`detach`): a line sliced out
 * of a chunk would otherwise keep the whole chunk alive for as long as the cache lives (the module's life).
 * A hit returns the stored value itself, so a caller may keep per-entry state in it.
 */
import { detach } from './text.js';

export class Memo<V> {
  private readonly entries = new Map<string, V>();

  constructor(
    private readonly compute: (key: string) => V,
    private readonly maxEntries = 4_096,
    /** Longer keys are computed each time (a pathological line is not worth keeping). */
    private readonly maxKey = 1_024,
  ) {}

  get(key: string): V {
    const hit = this.entries.get(key);
    if (hit !== undefined || this.entries.has(key)) return hit as V;
    const value = ownStrings(this.compute(key));
    if (key.length <= this.maxKey) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(detach(key), value);
    }
    return value;
  }
}

/** `value` with its own copy of every string it holds (itself, or an object's own string fields). */
function ownStrings<V>(value: V): V {
  if (typeof value === 'string') return detach(value) as V;
  if (value === null || typeof value !== 'object') return value;
  const out = { ...value } as Record<string, unknown>;
  for (const key of Object.keys(out)) {
    const field = out[key];
    if (typeof field === 'string') out[key] = detach(field);
  }
  return out as V;
}
