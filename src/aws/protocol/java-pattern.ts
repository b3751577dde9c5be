// AWS's `pattern` constraints are Java regular expressions, matched against the whole value
// (`Pattern.matches`). They run on client input, so they are compiled with re2js, whose matching time
// is linear in the input: no pattern from a model and no value from a request can make it backtrack.
// RE2 lacks some Java constructs: lookbehinds are enabled (re2js runs them in linear time), and a
// lookahead opening the pattern or one of its top-level alternatives (`(?!^[0-9]+$)[a-zA-Z0-9-_]+`,
// `^(?!\s*$).+`) becomes a second pattern tested at the start of the value. Any other pattern RE2
// cannot compile (a lookahead further in, backreferences) is not enforced; skippedPatterns() lists them.
import { re2js, type RE2JS } from '../../core/re2.ts';

export interface PatternMatcher {
  matches(value: string): boolean;
}

const compiled = new Map<string, PatternMatcher | null>();
const skipped = new Map<string, string>();

/** Whether `value` matches all of `pattern`; undefined when the pattern cannot be enforced. */
export function matchesJavaPattern(pattern: string, value: string): boolean | undefined {
  const re = compile(pattern);
  return re ? re.matches(value) : undefined;
}

/** The patterns met so far that RE2 cannot compile, with the reason. */
export function skippedPatterns(): ReadonlyMap<string, string> {
  return skipped;
}

export function compile(pattern: string): PatternMatcher | null {
  let re = compiled.get(pattern);
  if (re !== undefined) return re;
  try {
    re = build(pattern);
  } catch (e) {
    re = null;
    skipped.set(pattern, e instanceof Error ? e.message : String(e));
  }
  compiled.set(pattern, re);
  return re;
}

function build(pattern: string): PatternMatcher {
  try {
    return re2(pattern);
  } catch (e) {
    // `A|B` matches a whole value when one alternative does: each may then be a lookahead form.
    const alternatives = splitTopLevel(pattern);
    if (alternatives.length > 1) {
      const parts = alternatives.map(build);
      return { matches: (v) => parts.some((p) => p.matches(v)) };
    }
    // A group around the whole pattern only captures, which matching ignores: `((?!A)B)` is `(?!A)B`.
    if (pattern.startsWith('(') && !pattern.startsWith('(?') && closingParen(pattern, 0) === pattern.length - 1) {
      return build(pattern.slice(1, -1));
    }
    const lookahead = withLeadingLookahead(pattern);
    if (lookahead) return lookahead;
    throw e;
  }
}

function re2(pattern: string): RE2JS {
  const RE2 = re2js();
  return RE2.compile(toRe2(pattern), RE2.LOOKBEHINDS);
}

/**
 * `^?(?!A)B` / `^?(?=A)B`: the value matches B, and A does not (or does) match at its start, which is
 * what the lookahead asks at position 0. Undefined when the pattern does not open with one.
 */
function withLeadingLookahead(pattern: string): PatternMatcher | undefined {
  const start = pattern.startsWith('^') ? 1 : 0;
  const kind = pattern.slice(start, start + 3);
  if (kind !== '(?!' && kind !== '(?=') return undefined;
  const end = closingParen(pattern, start);
  if (end === undefined) return undefined;
  const after = pattern.slice(end + 1);
  // `(?=A)B|C` looks ahead for B only: not this form (build() splits alternatives first).
  if (splitTopLevel(after).length > 1) return undefined;
  const ahead = re2(`^(?:${pattern.slice(start + 3, end)})`);
  const rest = re2(pattern.slice(0, start) + after);
  const negative = kind === '(?!';
  return { matches: (v) => rest.matches(v) && ahead.matcher(v).lookingAt() !== negative };
}

/** The top-level alternatives of a pattern (one element when it has none). */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(s.slice(from, i));
      from = i + 1;
    }
  }
  out.push(s.slice(from));
  return out;
}

/** Index of the parenthesis closing the group that opens at `open`, skipping escapes and classes. */
function closingParen(s: string, open: number): number | undefined {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return undefined;
}

/**
 * Java syntax RE2 spells differently: `\uXXXX` (exactly four hex digits, so `\u10000` is U+1000
 * then '0', as Java reads it) becomes `\x{XXXX}`, a surrogate pair one code point; `\Z` (end, before
 * a final line terminator) is read as RE2's `\z`; the POSIX class `\p{Print}` as printable ASCII.
 */
export function toRe2(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c !== '\\' || i + 1 >= pattern.length) {
      if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      out += c;
      continue;
    }
    // Java's POSIX class \p{Print} is printable ASCII, RE2's [[:print:]].
    if (pattern.startsWith('p{Print}', i + 1)) {
      out += inClass ? '\\x20-\\x7e' : '[[:print:]]';
      i += 8;
      continue;
    }
    const next = pattern[i + 1]!;
    const unit = next === 'u' ? hex4(pattern, i + 2) : undefined;
    if (unit !== undefined) {
      const low = unit >= 0xd800 && unit <= 0xdbff && pattern[i + 6] === '\\' && pattern[i + 7] === 'u' ? hex4(pattern, i + 8) : undefined;
      if (low !== undefined && low >= 0xdc00 && low <= 0xdfff) {
        out += `\\x{${(((unit - 0xd800) << 10) + (low - 0xdc00) + 0x10000).toString(16)}}`;
        i += 11;
      } else {
        out += `\\x{${unit.toString(16)}}`;
        i += 5;
      }
      continue;
    }
    out += next === 'Z' ? '\\z' : `\\${next}`;
    i++;
  }
  return out;
}

function hex4(s: string, at: number): number | undefined {
  const digits = s.slice(at, at + 4);
  return /^[0-9a-fA-F]{4}$/.test(digits) ? parseInt(digits, 16) : undefined;
}
