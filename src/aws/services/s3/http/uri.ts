// The request path S3 can parse. A key or bucket is percent-decoded as UTF-8; a broken escape
// (`%zz`, a lone `%`) or bytes that are not UTF-8 once decoded (`%ff%fe`) must be refused, not kept
// literally as a key nobody can name again. Real S3 answers InvalidURI "Couldn't parse the specified
// URI." for undecodable UTF-8 (and refuses a broken escape before its XML layer, with a bare 400).
import { ServiceError } from '../../../../core/errors.ts';
import type { HttpRequest } from '../../../../core/http.ts';

export function invalidUri(): ServiceError {
  return new ServiceError('InvalidURI', "Couldn't parse the specified URI.", 400);
}

/** Throws InvalidURI unless every escape in the path (virtual-host bucket included) decodes as UTF-8. */
export function checkUri(http: Pick<HttpRequest, 'path'>): void {
  if (!http.path.includes('%')) return;
  try {
    decodeURIComponent(http.path);
  } catch {
    throw invalidUri();
  }
}
