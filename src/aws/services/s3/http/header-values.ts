// Header values S3 echoes back: response-* overrides, stored metadata, website redirects, CORS rules.
// Node refuses to write a header value holding a control character (CR/LF: response splitting) or a
// character beyond ISO-8859-1, and a header name that is not an HTTP token; writeHead would throw
// and the client would get an empty 500. S3 answers 400 InvalidArgument instead ("Header value cannot
// be represented using ISO-8859-1.", naming the parameter), so check what comes in, and guard what
// goes out for anything stored before these checks existed.
import { Readable } from 'node:stream';
import type { HttpResponse } from '../../../../core/http.ts';
import { escapeXmlText } from '../../../protocol/xml.ts';
import { S3Errors } from '../errors.ts';

// The characters Node's http module accepts in a header value (lib/_http_common.js).
// eslint-disable-next-line no-control-regex
const VALUE_OK = /^[\t\x20-\x7e\x80-\xff]*$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Whether `value` can be written as a header value. */
export function isHeaderValue(value: string): boolean {
  return VALUE_OK.test(value);
}

/** Whether `name` can be written as a header name. */
export function isHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

/** Throws S3's InvalidArgument for a value that would become a response header and cannot. */
export function checkHeaderValue(value: string | undefined, argumentName: string): void {
  if (value === undefined || isHeaderValue(value)) return;
  throw S3Errors.invalidArgument(
    // eslint-disable-next-line no-control-regex
    /[\x00-\x08\x0a-\x1f\x7f]/.test(value) ? 'Header value contains invalid characters.' : 'Header value cannot be represented using ISO-8859-1.',
    argumentName,
    value,
  );
}

/** The first header of `response` that cannot be written, if any. */
export function unwritableHeader(headers: HttpResponse['headers']): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (!isHeaderName(name)) return name;
    for (const v of Array.isArray(value) ? value : [value]) if (!isHeaderValue(String(v))) return name;
  }
  return undefined;
}

/**
 * The last step before a response is written: a header Node would refuse turns the answer into
 * S3's InvalidArgument, in S3's bare <Error> document, instead of a thrown writeHead.
 */
export function guardHeaders(response: HttpResponse, requestId: string): void {
  const bad = unwritableHeader(response.headers);
  if (bad === undefined) {
    latin1DispositionFirst(response);
    return;
  }
  if (response.body instanceof Readable) response.body.destroy();
  const message = 'Header value cannot be represented using ISO-8859-1.';
  response.status = 400;
  response.headers = { 'content-type': 'application/xml', 'x-amz-request-id': requestId };
  response.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code>' +
    `<Message>${escapeXmlText(message)}</Message><ArgumentName>${escapeXmlText(isHeaderName(bad) ? bad : 'header')}</ArgumentName>` +
    `<RequestId>${escapeXmlText(requestId)}</RequestId></Error>`;
}

/**
 * Node's writeHead re-encodes a Content-Disposition value it meets after Content-Length (as UTF-8
 * bytes read back from latin-1) and then refuses a value with latin-1 characters such as "café",
 * which S3 sends as is. Written before Content-Length, the value goes out as latin-1 like any other.
 */
function latin1DispositionFirst(response: HttpResponse): void {
  const name = Object.keys(response.headers).find((k) => k.toLowerCase() === 'content-disposition');
  // eslint-disable-next-line no-control-regex
  if (name === undefined || /^[\x00-\x7f]*$/.test(String(response.headers[name]))) return;
  response.headers = { [name]: response.headers[name], ...response.headers };
}
