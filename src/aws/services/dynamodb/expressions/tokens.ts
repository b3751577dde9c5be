// The lexer shared by every expression language. Tokens keep their source offsets so that syntax
// errors can quote the text around the offending token exactly as DynamoDB does.

export type TokenKind = 'ident' | 'name' | 'value' | 'number' | 'punct' | 'bad' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

const PUNCT2 = new Set(['<>', '<=', '>=']);
const PUNCT1 = new Set(['(', ')', '[', ']', ',', '.', '=', '<', '>', '+', '-']);

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isWord(c: number): boolean {
  return isAlpha(c) || isDigit(c) || c === 95;
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    const start = i;
    if (isAlpha(c)) {
      while (i < n && isWord(src.charCodeAt(i))) i++;
      out.push({ kind: 'ident', text: src.slice(start, i), start, end: i });
    } else if (isDigit(c)) {
      while (i < n && isDigit(src.charCodeAt(i))) i++;
      out.push({ kind: 'number', text: src.slice(start, i), start, end: i });
    } else if ((c === 35 || c === 58) && i + 1 < n && isWord(src.charCodeAt(i + 1))) {
      i++;
      while (i < n && isWord(src.charCodeAt(i))) i++;
      out.push({ kind: c === 35 ? 'name' : 'value', text: src.slice(start, i), start, end: i });
    } else {
      const two = src.slice(i, i + 2);
      if (PUNCT2.has(two)) {
        i += 2;
        out.push({ kind: 'punct', text: two, start, end: i });
      } else {
        const cp = src.codePointAt(i)!;
        const width = cp > 0xffff ? 2 : 1;
        i += width;
        const text = src.slice(start, i);
        out.push({ kind: PUNCT1.has(text) ? 'punct' : 'bad', text, start, end: i });
      }
    }
  }
  out.push({ kind: 'eof', text: '<EOF>', start: n, end: n });
  return out;
}

/** "Syntax error; token: "x", near: "a x b"": the text from the token before to the token after. */
export function syntaxErrorMessage(src: string, tokens: Token[], at: number): string {
  const tok = tokens[at];
  const prev = at > 0 ? tokens[at - 1] : undefined;
  const next = tok.kind !== 'eof' && at + 1 < tokens.length && tokens[at + 1].kind !== 'eof' ? tokens[at + 1] : undefined;
  const start = prev ? prev.start : tok.start;
  const end = next ? next.end : tok.kind === 'eof' ? (prev ? prev.end : 0) : tok.end;
  return `Syntax error; token: "${tok.text}", near: "${src.slice(start, end)}"`;
}
