/**
 * Facts a fixer computes once per run from the sandbox (the standard-library index of its Python, `go list std`):
 * the session owns one memo and hands it to every fixer. Never shared between runs, so nothing one repository's
 * sandbox said can reach another repository's run.
 */
export class FixerMemo {
  private readonly values = new Map<string, Promise<unknown>>();

  /** The value under `key`, computing it on first use; a failed computation is forgotten so a later call retries. */
  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const known = this.values.get(key);
    if (known) return known as Promise<T>;
    const value = compute();
    this.values.set(key, value);
    value.catch(() => this.values.delete(key));
    return value;
  }
}
