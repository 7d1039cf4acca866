/** What a test run means, in the words a developer would use. */

export interface Frame {
  file: string;
  line: number;
  function?: string;
  /** True when the frame is inside the project (not the framework, node_modules, site-packages, stdlib). */
  inProject: boolean;
}

export type Locals = Record<string, string>;

export interface Failure {
  /** Test id as the runner names it (e.g. `tests/test_x.py::test_mean`, `suite › case`). */
  test: string;
  /** Innermost location inside the project, as the runner printed it. */
  file?: string;
  line?: number;
  /** Exception or diagnostic kind: `AssertionError`, `TypeError`, `TS2304`, `no-unused-vars`, `panic`… */
  kind: string;
  message: string;
  expected?: string;
  actual?: string;
  frames: Frame[];
  locals?: Locals;
}

export interface TestReport {
  runner: string;
  passed: number;
  failed: number;
  skipped: number;
  failures: Failure[];
  /**
   * Set when the runner printed no per-test line for passing tests in some of the run (`go test` without `-v`
   * prints only `ok pkg` for a green package): `passed` counts only the passes seen, the real number is unknown.
   * Absent when the counts are the runner's own.
   */
  passedUnknown?: true;
}
