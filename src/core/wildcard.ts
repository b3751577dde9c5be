// `*` wildcards (EventBridge and Lambda event filters, CloudWatch Logs filter-pattern values) matched
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
export function compileWildcard(pattern: string, options: { escapes?: boolean } = {}): Wildcard {
  const parts: string[] = [];
  let run = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (options.escapes && ch === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) run += pattern[++i];
    else if (ch === '*') parts.push(run), (run = '');
    else run += ch;
  }
  parts.push(run);
  return { parts, test: (value) => matchParts(parts, value) };
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
