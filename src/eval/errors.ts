/** A manifest line that is not a valid case; the other lines still run. */
export class ManifestLineError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${source} line ${line}: ${problem}`);
  }
}

/** The manifest (or SWE-bench file) cannot be read at all. */
export class ManifestError extends Error {}

/** A case's diff does not apply to a fresh copy of the case. */
export class PatchError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}
