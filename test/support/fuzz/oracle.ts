// What every answer to a fuzzed request must be: never a 5xx (but 501 NotImplemented for an
// operation Fogbank does not implement), and every error in the protocol the client reads — awsJson:
// a JSON object with __type (or code); rest-json: JSON with the code in X-Amzn-ErrorType or the body;
// query and rest-xml: well-formed XML, <ErrorResponse><Error> or <Error>, with a <Code>.
import type { Outcome } from './http-raw.ts';
import type { ErrorProtocol, WireRequest } from './wire.ts';

/** A one-line reason the answer is wrong, or undefined when it is acceptable. */
export function judge(req: WireRequest, expected: ErrorProtocol, outcome: Outcome): string | undefined {
  if ('noAnswer' in outcome) {
    if (req.halfClose || req.malformedHttp) return undefined;
    return outcome.noAnswer;
  }
  const { status, headers, body } = outcome.answer;
  const text = body.toString('utf8');
  if (status < 400) return undefined;
  if (httpLevelRefusal(req, outcome)) return undefined;
  if (req.method === 'HEAD') {
    // A HEAD answer has no body by definition; the status (and headers) carry the error.
    if (status === 501 && headers['x-amzn-errortype'] === 'NotImplemented') return undefined;
    return status >= 500 ? `${status} to HEAD` : undefined;
  }
  if (/^\/_(fogbank|localstack|aws)\//.test(req.target)) {
    // Fogbank's own admin API, whatever the signature says: its errors are {"error", "message"}.
    if (status >= 500) return `${status} from the admin API`;
    try {
      const o = JSON.parse(text) as Record<string, unknown>;
      return typeof o.error === 'string' ? undefined : 'admin API error without "error"';
    } catch {
      return 'admin API error is not JSON';
    }
  }
  const problem = errorFormatProblem(expected, headers, text);
  const code = problem ? undefined : errorCodeOf(expected, headers, text);
  if (status >= 500 && !(status === 501 && code === 'NotImplemented')) return `${status} ${code ?? ''}`.trim();
  if (problem) return `${status} not a ${expected} error: ${problem}`;
  return undefined;
}

/** Node's default limit on a request's line and headers together (--max-http-header-size). */
export const MAX_HEAD_BYTES = 16 * 1024;
/** What the client's own headers add to a request's head, at most (Host, Connection, Content-Length…). */
const HEAD_MARGIN = 256;

/**
 * A bare 4xx (no body) from Node's HTTP parser, before any handler runs, to a request that is not
 * HTTP (built to break it: injected headers, bad chunking, a body cut short by the client) or that
 * exceeds HTTP limits (a request line and headers over 16 KiB). AWS's own load balancers answer those
 * at the HTTP layer too (414/431/400 without a protocol error), so they are fair, and counted apart.
 */
export function httpLevelRefusal(req: WireRequest, outcome: Outcome): boolean {
  if ('noAnswer' in outcome) return false;
  const { status, body } = outcome.answer;
  if (body.length !== 0 || ![400, 413, 414, 431].includes(status)) return false;
  // The client adds headers of its own (Host, Connection, Content-Length) that headBytes does not
  // see: near the limit, Node's count reaches 16 KiB first.
  return !!(req.malformedHttp || req.halfClose || headBytes(req) > MAX_HEAD_BYTES - HEAD_MARGIN);
}

export function headBytes(req: WireRequest): number {
  let n = req.method.length + req.target.length + 12;
  for (const [k, v] of req.headers) n += k.length + v.length + 4;
  return n;
}

export function errorFormatProblem(expected: ErrorProtocol, headers: Record<string, string>, text: string): string | undefined {
  if (expected === 'xml') {
    const doc = xmlDocument(text);
    if (typeof doc === 'string') return `malformed XML (${doc})`;
    if (doc.root !== 'ErrorResponse' && doc.root !== 'Error') return `root element <${doc.root}>`;
    if (!doc.code) return 'no <Code>';
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `body is not JSON: ${JSON.stringify(text.slice(0, 60))}`;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return 'body is not a JSON object';
  const o = parsed as Record<string, unknown>;
  const inBody = typeof o.__type === 'string' || typeof o.code === 'string';
  if (expected === 'json' && !inBody) return 'no __type or code';
  if (expected === 'rest-json' && !inBody && !headers['x-amzn-errortype']) return 'no X-Amzn-ErrorType, __type or code';
  return undefined;
}

export function errorCodeOf(expected: ErrorProtocol, headers: Record<string, string>, text: string): string | undefined {
  if (expected === 'xml') {
    const doc = xmlDocument(text);
    return typeof doc === 'string' ? undefined : doc.code;
  }
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    const raw = headers['x-amzn-errortype'] ?? (typeof o.__type === 'string' ? o.__type : undefined) ?? (typeof o.code === 'string' ? o.code : undefined);
    // "aws.protocoltests#Code:http://..." and "prefix#Code" both name Code.
    return raw?.split(':')[0].split('#').pop();
  } catch {
    return undefined;
  }
}

/**
 * A small well-formedness check (a strict XML parser is not among the dependencies): one root,
 * balanced tags, quoted attributes, only the five entities and character references, no stray '<'.
 */
export function xmlDocument(text: string): { root: string; code?: string } | string {
  let at = 0;
  const stack: string[] = [];
  let root: string | undefined;
  let code: string | undefined;
  let codeStart = -1;
  const s = text.replace(/^\uFEFF/, '');
  const skipSpace = () => {
    while (at < s.length && /\s/.test(s[at])) at++;
  };
  skipSpace();
  if (s.startsWith('<?xml', at)) {
    const end = s.indexOf('?>', at);
    if (end < 0) return 'unclosed declaration';
    at = end + 2;
  }
  while (at < s.length) {
    const lt = s.indexOf('<', at);
    const chunk = s.slice(at, lt < 0 ? s.length : lt);
    if (!stack.length && chunk.trim()) return 'text outside the root';
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(chunk)) return 'bad entity';
    if (lt < 0) break;
    at = lt;
    if (s.startsWith('<!--', at)) {
      const end = s.indexOf('-->', at);
      if (end < 0) return 'unclosed comment';
      at = end + 3;
      continue;
    }
    if (s.startsWith('<![CDATA[', at)) {
      const end = s.indexOf(']]>', at);
      if (end < 0 || !stack.length) return 'bad CDATA';
      at = end + 3;
      continue;
    }
    const gt = s.indexOf('>', at);
    if (gt < 0) return 'unclosed tag';
    const tag = s.slice(at + 1, gt);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) return `mismatched </${name}>`;
      if (name === 'Code' && codeStart >= 0 && stack.at(-1) === 'Error') code = s.slice(codeStart, at);
    } else {
      const m = /^([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)$/.exec(tag);
      if (!m) return `bad tag <${tag.slice(0, 30)}>`;
      if (!stack.length) {
        if (root !== undefined) return 'two roots';
        root = m[1];
      }
      if (!m[3]) {
        stack.push(m[1]);
        if (m[1] === 'Code') codeStart = gt + 1;
      }
    }
    at = gt + 1;
  }
  if (stack.length) return `unclosed <${stack.at(-1)}>`;
  if (root === undefined) return 'no root element';
  return { root, code };
}
