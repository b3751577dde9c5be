// IAM policy variables (IAM User Guide, "IAM policy elements: Variables and tags"): `${aws:username}`,
// `${aws:PrincipalTag/team}`, a default `${aws:PrincipalTag/team, 'company-wide'}`, and the three
// characters that cannot be written literally where wildcards apply: `${*}`, `${?}`, `${$}`.
// - Only in policies of Version 2012-10-17; in older or versionless ones the text is literal.
// - Only in the Resource element's resource part (after the fifth colon) and in the values of
//   string, ARN and Bool conditions (policy.ts and conditions.ts decide where a template is built).
// - Key names are case-insensitive; only single-valued keys resolve.
// - A variable with no value and no default leaves the element with no value at all: it matches no
//   resource, and a condition value that is "effectively null" equals nothing (a negated operator
//   therefore holds). resolve() answers undefined for that.
import type { ContextValue } from './types.ts';

/** Stand-ins for a literal `*` and `?` inside a wildcard pattern (Unicode private use; see match.ts). */
export const LITERAL_STAR = '\uE000';
export const LITERAL_QUESTION = '\uE001';

type Part = string | { key: string; fallback?: string };

/** Text with variables, split once at compile time. */
export interface Template {
  readonly text: string;
  /** Undefined when the text has no variable: it is used as written. */
  readonly parts?: readonly Part[];
}

/** Looks a condition key up (the key is lower-case); undefined when the request has no value for it. */
export type ContextLookup = (lowerKey: string) => ContextValue | undefined;

const VARIABLE = /^\s*([^\s,'}]+)\s*(?:,\s*'([^']*)'\s*)?$/;

/** Splits `text` into literal runs and variables. `enabled` is false outside Version 2012-10-17. */
export function compileTemplate(text: string, enabled: boolean): Template {
  if (!enabled || !text.includes('${')) return { text };
  const parts: Part[] = [];
  let run = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start < 0) break;
    const end = text.indexOf('}', start + 2);
    if (end < 0) break;
    run += text.slice(i, start);
    const inner = text.slice(start + 2, end);
    if (inner === '*' || inner === '?' || inner === '$') {
      // A fixed character: kept apart from the run so that a wildcard pattern treats it literally.
      if (run) parts.push(run), (run = '');
      parts.push({ key: `\u0000${inner}` });
    } else {
      const m = VARIABLE.exec(inner);
      if (m) {
        if (run) parts.push(run), (run = '');
        parts.push(m[2] === undefined ? { key: m[1].toLowerCase() } : { key: m[1].toLowerCase(), fallback: m[2] });
      } else run += text.slice(start, end + 1); // not a variable AWS documents: the text stays literal
    }
    i = end + 1;
  }
  run += text.slice(i);
  if (run) parts.push(run);
  return parts.some((p) => typeof p !== 'string') ? { text, parts } : { text };
}

/** A single-valued context value as the string a variable stands for; undefined for multivalued keys. */
export function contextString(value: ContextValue | undefined): string | undefined {
  if (value === undefined || Array.isArray(value)) return undefined;
  if (value instanceof Date) return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return String(value);
}

/**
 * The template's text with its variables replaced. With `pattern`, the characters that came from
 * variables (and `${*}`/`${?}`) are the literal stand-ins, so a wildcard matcher does not take a `*` in
 * a user name for a wildcard. Undefined when a variable has no value and no default.
 */
export function resolve(template: Template, lookup: ContextLookup, pattern: boolean): string | undefined {
  if (!template.parts) return template.text;
  let out = '';
  for (const part of template.parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    let value: string | undefined;
    if (part.key.charCodeAt(0) === 0) value = part.key.slice(1);
    else value = contextString(lookup(part.key)) ?? part.fallback;
    if (value === undefined) return undefined;
    out += pattern ? literalInPattern(value) : value;
  }
  return out;
}

/** `value` with `*` and `?` replaced by their literal stand-ins. */
export function literalInPattern(value: string): string {
  if (!value.includes('*') && !value.includes('?')) return value;
  return value.replaceAll('*', LITERAL_STAR).replaceAll('?', LITERAL_QUESTION);
}
