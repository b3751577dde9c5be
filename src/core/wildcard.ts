// `*` wildcards (EventBridge and Lambda event filters, CloudWatch Logs filter-pattern values, and with
// `?` the ARN patterns of IAM-style policies such as S3 bucket policies) matched
// without a regular expression. `^a.*a.*a…$` in a backtracking engine is O(n^k) in the number of stars:
// seven stars over 60 characters stalled the whole process for a minute. Here the literal runs
// between stars are found left to right, each at its earliest place (the earliest place never loses a
// match for the runs after it), so one test costs O(value × pattern) at worst and usually O(value).

export interface Wildcard {
  /** The literal runs between the stars; a pattern without a star has one run. */
  readonly parts: readonly string[];
  test(value: string): boolean;
}

/**
 * Compiles a pattern whose `*` matches any run of characters (including none). With `escapes`,
 * `\*` and `\\` stand for a literal star and backslash (EventBridge's syntax); escape checking is
 * the caller's (each service words its own errors).
 */
export function compileWildcard(pattern: string, options: { escapes?: boolean; anyChar?: boolean } = {}): Wildcard {
  const parts: string[] = [];
  let run = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (options.escapes && ch === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) run += pattern[++i];
    else if (ch === '*') parts.push(run), (run = '');
    else run += ch;
  }
  parts.push(run);
  // With anyChar, `?` in a run matches any one character (IAM's syntax, which has no escapes).
  if (options.anyChar && pattern.includes('?')) return { parts, test: (value) => matchPartsAnyChar(parts, value) };
  return { parts, test: (value) => matchParts(parts, value) };
}

/** Whether `run` (where `?` is any character) matches `value` at `at`. */
function runAt(value: string, run: string, at: number): boolean {
  if (at < 0 || at + run.length > value.length) return false;
  for (let j = 0; j < run.length; j++) if (run[j] !== '?' && run[j] !== value[at + j]) return false;
  return true;
}

/** matchParts for runs containing `?`: the earliest place of each run still never loses a match. */
function matchPartsAnyChar(parts: readonly string[], value: string): boolean {
  if (parts.length === 1) return value.length === parts[0].length && runAt(value, parts[0], 0);
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (value.length < first.length + last.length || !runAt(value, first, 0) || !runAt(value, last, value.length - last.length)) return false;
  let at = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const p = parts[i];
    if (p === '') continue;
    let found = -1;
    for (let k = at; k + p.length <= end; k++) if (runAt(value, p, k)) { found = k; break; }
    if (found < 0) return false;
    at = found + p.length;
  }
  return true;
}

function matchParts(parts: readonly string[], value: string): boolean {
  if (parts.length === 1) return value === parts[0];
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let at = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const p = parts[i];
    if (p === '') continue;
    const found = value.indexOf(p, at);
    if (found < 0 || found + p.length > end) return false;
    at = found + p.length;
  }
  return true;
}
