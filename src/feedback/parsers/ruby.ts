/** Ruby backtraces and exceptions shared by the RSpec and minitest parsers. */
import { withExpectedActual, type ErrorInfo } from '../extract.js';
import { frame } from '../paths.js';
import type { Frame } from '../types.js';

// `./lib/cart.rb:24:in `label'` (Ruby ≤ 3.3) or `lib/cart.rb:24:in 'Cart#label'` (Ruby 3.4), rspec's `# ` prefix.
const RB_FRAME = /^\s*(?:# )?(\S+?\.rb):(\d+)(?::in [`'](.*)')?\s*$/;

export function rubyFrame(line: string): Frame | null {
  const m = RB_FRAME.exec(line);
  if (!m) return null;
  return frame(m[1]!.replace(/^\.\//, ''), Number(m[2]), m[3]);
}

export function isRubyFrame(line: string): boolean {
  return RB_FRAME.test(line);
}

/**
 * The body of a failure: an exception kind on its own line (`NoMethodError:`) or in front of the message
 * (`NoMethodError: undefined method …`), message lines, the code excerpt Ruby 3.1+ prints, backtrace frames.
 */
export function parseRubyError(lines: string[], defaultKind: string): ErrorInfo {
  const frames: Frame[] = [];
  const message: string[] = [];
  let kind = '';
  for (const line of lines) {
    const f = rubyFrame(line);
    if (f) {
      frames.push(f);
      continue;
    }
    if (frames.length) continue;
    const alone = /^\s*((?:[A-Z]\w*::)*[A-Z]\w*(?:Error|Exception|Failure|Interrupt|NotMetError)?):$/.exec(
      line,
    );
    if (alone && !kind && /[a-z]/.test(alone[1]!)) {
      kind = alone[1]!;
      message.length = 0;
      continue;
    }
    const inline = /^\s*((?:[A-Z]\w*::)*[A-Z]\w*(?:Error|Exception)): (.*)$/.exec(line);
    if (inline && !kind) {
      kind = inline[1]!;
      message.length = 0;
      message.push(inline[2]!);
      continue;
    }
    message.push(line);
  }
  // Ruby ≥ 3.1 repeats the failing code with carets under it: not part of the message.
  const text = trimCode(message).join('\n').trim();
  return rubyExpectedActual({ kind: (kind || defaultKind).replace(/^.*::/, ''), message: text, frames });
}

function trimCode(lines: string[]): string[] {
  const out = lines.map((l) => l.trimEnd());
  const caret = out.findIndex((l) => /^\s+\^+$/.test(l));
  if (caret > 0) out.splice(caret - 1, 2);
  const indent = Math.min(...out.filter((l) => l.trim()).map((l) => l.search(/\S/)));
  return out.map((l) => l.slice(Number.isFinite(indent) ? indent : 0));
}

/** RSpec `expected: 6 / got: 5`, minitest `Expected: 6 / Actual: 5`. */
function rubyExpectedActual(info: ErrorInfo): ErrorInfo {
  const expected = /^\s*expected: (.*)$/im.exec(info.message);
  const actual = /^\s*(?:got|actual): (.*)$/im.exec(info.message);
  if (expected && actual) {
    info.expected = expected[1]!.trim();
    info.actual = actual[1]!.trim();
    return info;
  }
  return withExpectedActual(info);
}
