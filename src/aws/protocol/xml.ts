// A small, strict XML 1.0 parser (into a plain element tree) and the escaping a writer needs.
// Requests are untrusted, so the parser refuses what AWS refuses: anything not well-formed, DTDs
// (and so any entity but the five predefined ones and numeric character references), invalid
// UTF-8 and absurd nesting. Callers turn XmlSyntaxError into their protocol's MalformedXML.
// Namespaces are not resolved: AWS clients and servers match on local names.

export interface XmlElement {
  /** Local name, without any namespace prefix. */
  name: string;
  prefix?: string;
  /** Attributes as written (`xmlns:foo`, `xsi:type`, ...); absent when there are none. */
  attributes?: Record<string, string>;
  children: XmlElement[];
  /** Character data directly inside the element (text and CDATA, entity-decoded), concatenated. */
  text: string;
}

export class XmlSyntaxError extends Error {
  readonly position: number;
  constructor(message: string, position: number) {
    super(`${message} (at offset ${position})`);
    this.name = 'XmlSyntaxError';
    this.position = position;
  }
}

/** Deeper documents are refused: no AWS API nests anywhere near this, and it bounds recursion later. */
export const MAX_XML_DEPTH = 256;

// Characters XML 1.0 forbids anywhere in a document, even as character references.
const INVALID_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a whole document and returns its root element; throws XmlSyntaxError when malformed. */
export function parseXml(input: string | Uint8Array): XmlElement {
  let s: string;
  if (typeof input === 'string') {
    s = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else {
    try {
      s = utf8.decode(input); // also drops a leading BOM
    } catch {
      throw new XmlSyntaxError('invalid UTF-8', 0);
    }
  }
  const bad = INVALID_CHARS.exec(s);
  if (bad) throw new XmlSyntaxError('character not allowed in XML', bad.index);
  return new Parser(s).document();
}

class Parser {
  private readonly s: string;
  private i = 0;
  private readonly stack: XmlElement[] = [];
  private readonly qnames: string[] = [];
  private root: XmlElement | undefined;

  constructor(s: string) {
    this.s = s;
  }

  document(): XmlElement {
    const s = this.s;
    // Whitespace before the declaration is not XML, but some clients send it; tolerate it.
    while (this.i < s.length && isSpace(s.charCodeAt(this.i))) this.i++;
    if (s.startsWith('<?xml', this.i) && isSpaceOrEnd(s, this.i + 5)) this.declaration();
    while (this.i < s.length) {
      const lt = s.indexOf('<', this.i);
      const end = lt === -1 ? s.length : lt;
      if (end > this.i) this.text(this.i, end);
      if (lt === -1) break;
      this.i = lt;
      const c = s.charCodeAt(lt + 1);
      if (c === 0x2f /* / */) this.endTag();
      else if (c === 0x21 /* ! */) this.markup();
      else if (c === 0x3f /* ? */) this.processingInstruction();
      else this.startTag();
    }
    if (this.stack.length) throw new XmlSyntaxError(`element <${this.qnames[this.qnames.length - 1]}> is not closed`, s.length);
    if (!this.root) throw new XmlSyntaxError('no root element', s.length);
    return this.root;
  }

  private declaration(): void {
    const end = this.s.indexOf('?>', this.i);
    if (end === -1) throw new XmlSyntaxError('unterminated XML declaration', this.i);
    if (!/^<\?xml\s+version\s*=\s*(["'])1\.\d+\1/.test(this.s.slice(this.i, end))) {
      throw new XmlSyntaxError('malformed XML declaration', this.i);
    }
    this.i = end + 2;
  }

  private text(start: number, end: number): void {
    const s = this.s;
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      for (let k = start; k < end; k++) {
        if (!isSpace(s.charCodeAt(k))) throw new XmlSyntaxError('text outside the root element', k);
      }
      return;
    }
    let raw = s.slice(start, end);
    const cdataEnd = raw.indexOf(']]>');
    if (cdataEnd !== -1) throw new XmlSyntaxError("']]>' is not allowed in text", start + cdataEnd);
    if (raw.indexOf('\r') !== -1) raw = normalizeNewlines(raw);
    top.text += raw.indexOf('&') === -1 ? raw : decodeEntities(raw, start);
  }

  private startTag(): void {
    const s = this.s;
    const open = this.i;
    let p = open + 1;
    const nameEnd = scanName(s, p);
    if (nameEnd === p) throw new XmlSyntaxError('expected an element name after <', p);
    const qname = s.slice(p, nameEnd);
    p = nameEnd;
    let attributes: Record<string, string> | undefined;
    for (;;) {
      const wsStart = p;
      while (p < s.length && isSpace(s.charCodeAt(p))) p++;
      const c = s.charCodeAt(p);
      if (c === 0x3e /* > */) {
        p++;
        this.push(qname, attributes, open);
        break;
      }
      if (c === 0x2f /* / */ && s.charCodeAt(p + 1) === 0x3e) {
        p += 2;
        this.push(qname, attributes, open);
        this.pop();
        break;
      }
      if (p >= s.length) throw new XmlSyntaxError(`unterminated start tag <${qname}>`, open);
      if (p === wsStart) throw new XmlSyntaxError('expected whitespace before an attribute', p);
      const attrEnd = scanName(s, p);
      if (attrEnd === p) throw new XmlSyntaxError('malformed attribute', p);
      const attr = s.slice(p, attrEnd);
      p = attrEnd;
      while (isSpace(s.charCodeAt(p))) p++;
      if (s.charCodeAt(p) !== 0x3d /* = */) throw new XmlSyntaxError(`attribute ${attr} has no value`, p);
      p++;
      while (isSpace(s.charCodeAt(p))) p++;
      const quote = s.charCodeAt(p);
      if (quote !== 0x22 && quote !== 0x27) throw new XmlSyntaxError(`attribute ${attr} value is not quoted`, p);
      const close = s.indexOf(quote === 0x22 ? '"' : "'", p + 1);
      if (close === -1) throw new XmlSyntaxError(`unterminated value of attribute ${attr}`, p);
      const raw = s.slice(p + 1, close);
      if (raw.indexOf('<') !== -1) throw new XmlSyntaxError(`'<' in value of attribute ${attr}`, p);
      attributes ??= {};
      if (Object.hasOwn(attributes, attr)) throw new XmlSyntaxError(`duplicate attribute ${attr}`, p);
      const normalized = normalizeAttribute(raw);
      attributes[attr] = normalized.indexOf('&') === -1 ? normalized : decodeEntities(normalized, p + 1);
      p = close + 1;
    }
    this.i = p;
  }

  private push(qname: string, attributes: Record<string, string> | undefined, at: number): void {
    if (this.root && !this.stack.length) throw new XmlSyntaxError('more than one root element', at);
    if (this.stack.length >= MAX_XML_DEPTH) throw new XmlSyntaxError(`elements nested deeper than ${MAX_XML_DEPTH}`, at);
    const colon = qname.indexOf(':');
    const el: XmlElement = colon === -1
      ? { name: qname, children: [], text: '' }
      : { name: qname.slice(colon + 1), prefix: qname.slice(0, colon), children: [], text: '' };
    if (!el.name || (colon !== -1 && !el.prefix)) throw new XmlSyntaxError(`malformed element name ${qname}`, at);
    if (attributes) el.attributes = attributes;
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children.push(el);
    else this.root = el;
    this.stack.push(el);
    this.qnames.push(qname);
  }

  private pop(): void {
    this.stack.pop();
    this.qnames.pop();
  }

  private endTag(): void {
    const s = this.s;
    const start = this.i + 2;
    const nameEnd = scanName(s, start);
    const qname = s.slice(start, nameEnd);
    let p = nameEnd;
    while (isSpace(s.charCodeAt(p))) p++;
    if (s.charCodeAt(p) !== 0x3e) throw new XmlSyntaxError(`malformed end tag </${qname}`, this.i);
    const expected = this.qnames[this.qnames.length - 1];
    if (expected === undefined) throw new XmlSyntaxError(`end tag </${qname}> without a start tag`, this.i);
    if (qname !== expected) throw new XmlSyntaxError(`end tag </${qname}> does not match <${expected}>`, this.i);
    this.pop();
    this.i = p + 1;
  }

  private markup(): void {
    const s = this.s;
    if (s.startsWith('<!--', this.i)) {
      const end = s.indexOf('--', this.i + 4);
      if (end === -1) throw new XmlSyntaxError('unterminated comment', this.i);
      if (s.charCodeAt(end + 2) !== 0x3e) throw new XmlSyntaxError("'--' is not allowed in a comment", end);
      this.i = end + 3;
    } else if (s.startsWith('<![CDATA[', this.i)) {
      const top = this.stack[this.stack.length - 1];
      if (!top) throw new XmlSyntaxError('CDATA outside the root element', this.i);
      const end = s.indexOf(']]>', this.i + 9);
      if (end === -1) throw new XmlSyntaxError('unterminated CDATA section', this.i);
      const raw = s.slice(this.i + 9, end);
      top.text += raw.indexOf('\r') === -1 ? raw : normalizeNewlines(raw);
      this.i = end + 3;
    } else if (s.startsWith('<!DOCTYPE', this.i)) {
      throw new XmlSyntaxError('document type declarations are not allowed', this.i);
    } else {
      throw new XmlSyntaxError('malformed markup after <!', this.i);
    }
  }

  private processingInstruction(): void {
    const s = this.s;
    const nameEnd = scanName(s, this.i + 2);
    const target = s.slice(this.i + 2, nameEnd);
    if (!target) throw new XmlSyntaxError('processing instruction without a target', this.i);
    if (target.toLowerCase() === 'xml') throw new XmlSyntaxError('XML declaration not at the start of the document', this.i);
    const end = s.indexOf('?>', nameEnd);
    if (end === -1) throw new XmlSyntaxError('unterminated processing instruction', this.i);
    this.i = end + 2;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isSpaceOrEnd(s: string, i: number): boolean {
  return i >= s.length || isSpace(s.charCodeAt(i));
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c >= 0xc0;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0xb7;
}

/** Returns the index just past the XML name starting at `i` (== i when there is none). */
function scanName(s: string, i: number): number {
  if (i >= s.length || !isNameStart(s.charCodeAt(i))) return i;
  let p = i + 1;
  while (p < s.length && isNameChar(s.charCodeAt(p))) p++;
  return p;
}

function normalizeNewlines(raw: string): string {
  return raw.replace(/\r\n?/g, '\n');
}

/** Attribute-value normalization: literal tabs and line ends become spaces (character references stay). */
function normalizeAttribute(v: string): string {
  return /[\t\n\r]/.test(v) ? v.replace(/\r\n?|[\t\n]/g, ' ') : v;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(raw: string, offset: number): string {
  let out = '';
  let last = 0;
  let amp = raw.indexOf('&');
  while (amp !== -1) {
    const semi = raw.indexOf(';', amp + 1);
    if (semi === -1 || semi - amp > 12) throw new XmlSyntaxError("'&' that starts no entity reference", offset + amp);
    const name = raw.slice(amp + 1, semi);
    let ch = PREDEFINED[name];
    if (ch === undefined) {
      if (name.charCodeAt(0) !== 0x23 /* # */) throw new XmlSyntaxError(`undefined entity &${name};`, offset + amp);
      ch = characterReference(name, offset + amp);
    }
    out += raw.slice(last, amp) + ch;
    last = semi + 1;
    amp = raw.indexOf('&', last);
  }
  return out + raw.slice(last);
}

function characterReference(name: string, at: number): string {
  const hex = name.charCodeAt(1) === 0x78; /* x */
  const digits = name.slice(hex ? 2 : 1);
  if (!(hex ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) throw new XmlSyntaxError(`malformed character reference &${name};`, at);
  const cp = parseInt(digits, hex ? 16 : 10);
  const valid =
    cp === 0x9 || cp === 0xa || cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
  if (!valid) throw new XmlSyntaxError(`character reference &${name}; names a character XML does not allow`, at);
  return String.fromCodePoint(cp);
}

// ── Writing ──────────────────────────────────────────────────────────────────────────────────────

const TEXT_SPECIAL = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const TEXT_SPECIAL_G = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;
const ATTR_SPECIAL = /[&<>"\t\n\r\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const ATTR_SPECIAL_G = /[&<>"\t\n\r\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

function escapeChar(c: string): string {
  switch (c) {
    case '&': return '&amp;';
    case '<': return '&lt;';
    case '>': return '&gt;';
    case '"': return '&quot;';
    // \r would be read back as \n, and control characters cannot appear literally at all; a
    // character reference is the closest XML can carry them.
    default: return `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`;
  }
}

/** Escapes character data for an element's content. */
export function escapeXmlText(s: string): string {
  return TEXT_SPECIAL.test(s) ? s.replace(TEXT_SPECIAL_G, escapeChar) : s;
}

/** Escapes an attribute value for use between double quotes. */
export function escapeXmlAttr(s: string): string {
  return ATTR_SPECIAL.test(s) ? s.replace(ATTR_SPECIAL_G, escapeChar) : s;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** Builds a document by appending strings; names and attribute strings are the caller's, text is escaped here. */
export class XmlWriter {
  out = '';

  /** `attrs` is pre-rendered (` a="v"` with a leading space), see attr(). */
  open(name: string, attrs = ''): void {
    this.out += '<' + name + attrs + '>';
  }

  close(name: string): void {
    this.out += '</' + name + '>';
  }

  leaf(name: string, text: string, attrs = ''): void {
    this.out += text === ''
      ? '<' + name + attrs + '/>'
      : '<' + name + attrs + '>' + escapeXmlText(text) + '</' + name + '>';
  }

  empty(name: string, attrs = ''): void {
    this.out += '<' + name + attrs + '/>';
  }
}

/** Renders one attribute with its leading space. */
export function attr(name: string, value: string): string {
  return ' ' + name + '="' + escapeXmlAttr(value) + '"';
}
