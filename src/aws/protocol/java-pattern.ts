// AWS's `pattern` constraints are Java regular expressions, matched against the whole value
// (`Pattern.matches`). They run on client input, so they are compiled with re2js, whose matching time
// is linear in the input: no pattern from a model and no value from a request can make it backtrack.
// RE2 lacks a few Java constructs (lookaround, backreferences, possessive quantifiers, some \p{...}
// classes); a pattern that does not compile is not enforced, and is listed by skippedPatterns().
import { RE2JS } from 're2js';

const compiled = new Map<string, RE2JS | null>();
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

export function compile(pattern: string): RE2JS | null {
  let re = compiled.get(pattern);
  if (re !== undefined) return re;
  try {
    re = RE2JS.compile(toRe2(pattern));
  } catch (e) {
    re = null;
    skipped.set(pattern, e instanceof Error ? e.message : String(e));
  }
  compiled.set(pattern, re);
  return re;
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
