// DynamoDB JSON ({"S": "x"}, {"N": "1"}, {"M": {...}}, ...) as the pages show and check it.

export type AttributeValue = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;

const TYPES = ['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS'];

/** A plain JavaScript view of a value (numbers stay strings when they would lose precision). */
export function plain(v: AttributeValue | undefined): unknown {
  if (!v || typeof v !== 'object') return v;
  if ('S' in v) return v.S;
  if ('N' in v) {
    const n = Number(v.N);
    return Number.isSafeInteger(n) || (!Number.isInteger(n) && String(n) === v.N) ? n : v.N;
  }
  if ('BOOL' in v) return v.BOOL;
  if ('NULL' in v) return null;
  if ('B' in v) return `<${byteLength(String(v.B))} bytes>`;
  if ('SS' in v) return v.SS;
  if ('NS' in v) return (v.NS as string[]).map(Number);
  if ('BS' in v) return (v.BS as string[]).map((b) => `<${byteLength(b)} bytes>`);
  if ('L' in v) return (v.L as AttributeValue[]).map(plain);
  if ('M' in v) return Object.fromEntries(Object.entries(v.M as Item).map(([k, x]) => [k, plain(x)]));
  return v;
}

function byteLength(base64: string): number {
  const pad = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - pad;
}

/** One line for a table cell. */
export function cell(v: AttributeValue | undefined): string {
  if (v === undefined) return '';
  if ('SS' in v) return `{${(v.SS as string[]).join(', ')}}`;
  if ('NS' in v) return `{${(v.NS as string[]).join(', ')}}`;
  const p = plain(v);
  return typeof p === 'string' ? p : JSON.stringify(p);
}

/** The type letter of a value, for a hint next to it. */
export function typeOf(v: AttributeValue | undefined): string {
  return v ? (Object.keys(v)[0] ?? '') : '';
}

/** Checks DynamoDB JSON; returns the first problem, naming where it is. */
export function checkValue(v: unknown, path: string): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${path} must be an object like {"S": "text"} or {"N": "1"}.`;
  const keys = Object.keys(v);
  if (keys.length !== 1 || !TYPES.includes(keys[0])) return `${path} must have exactly one of ${TYPES.join(', ')} (found ${keys.join(', ') || 'nothing'}).`;
  const [t] = keys;
  const x = (v as Record<string, unknown>)[t];
  switch (t) {
    case 'S':
    case 'B':
      return typeof x === 'string' ? undefined : `${path}.${t} must be a string.`;
    case 'N':
      return typeof x === 'string' && x.trim() !== '' && !Number.isNaN(Number(x)) ? undefined : `${path}.N must be a number written as a string, like "42".`;
    case 'BOOL':
      return typeof x === 'boolean' ? undefined : `${path}.BOOL must be true or false.`;
    case 'NULL':
      return x === true ? undefined : `${path}.NULL must be true.`;
    case 'SS':
    case 'BS':
      return Array.isArray(x) && x.every((s) => typeof s === 'string') ? undefined : `${path}.${t} must be a list of strings.`;
    case 'NS':
      return Array.isArray(x) && x.every((s) => typeof s === 'string' && !Number.isNaN(Number(s))) ? undefined : `${path}.NS must be a list of numbers written as strings.`;
    case 'L':
      if (!Array.isArray(x)) return `${path}.L must be a list.`;
      for (const [i, e] of x.entries()) {
        const p = checkValue(e, `${path}.L[${i}]`);
        if (p) return p;
      }
      return undefined;
    case 'M':
      return checkItem(x, `${path}.M`);
  }
  return undefined;
}

export function checkItem(v: unknown, path = 'The item'): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${path} must be a JSON object of attributes.`;
  for (const [k, x] of Object.entries(v)) {
    const p = checkValue(x, `${path === 'The item' ? '' : `${path}.`}${k}`);
    if (p) return p;
  }
  return undefined;
}

/** A key value typed by its attribute type (S, N or B) from a text box, or a message. */
export function keyValue(type: string, text: string, what: string): AttributeValue | string {
  if (type === 'N') {
    if (text.trim() === '' || Number.isNaN(Number(text))) return `${what} is a number: "${text}" is not one.`;
    return { N: text.trim() };
  }
  if (type === 'B') {
    try {
      atob(text);
    } catch {
      return `${what} is binary: give it as base64.`;
    }
    return { B: text };
  }
  return { S: text };
}
