// Reading the credential scope of AWS Signature Version 4 (and the access key of the older V2), from
// the Authorization header or from presigned query parameters. The scope tells which service and
// region a request is for, and the access key tells whose it is.
import type { HttpRequest } from '../../core/http.ts';
import { header } from '../../core/http.ts';

export interface SignatureInfo {
  accessKeyId: string;
  /** From the credential scope (SigV4 only). */
  region?: string;
  service?: string;
  /** 'header' | 'query' (presigned) | 'v2'. */
  kind: 'header' | 'query' | 'v2' | 'v2-query';
  /** Presigned V4: when the signature was made and how long it lasts (seconds). */
  amzDate?: string;
  expires?: number;
  securityToken?: string;
}

const credentialRe = /Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/;

export function readSignature(req: HttpRequest, query: URLSearchParams | undefined): SignatureInfo | undefined {
  const auth = header(req, 'authorization');
  if (auth) {
    if (auth.startsWith('AWS4-')) {
      const m = credentialRe.exec(auth);
      if (!m) return undefined;
      return {
        accessKeyId: m[1],
        region: m[3],
        service: m[4],
        kind: 'header',
        securityToken: header(req, 'x-amz-security-token'),
      };
    }
    if (auth.startsWith('AWS ')) {
      const akid = auth.slice(4).split(':')[0];
      return { accessKeyId: akid, kind: 'v2', securityToken: header(req, 'x-amz-security-token') };
    }
    return undefined;
  }
  if (!query) return undefined;
  const cred = query.get('X-Amz-Credential');
  if (cred) {
    const parts = cred.split('/');
    if (parts.length < 5) return undefined;
    const expires = query.get('X-Amz-Expires');
    return {
      accessKeyId: parts[0],
      region: parts[2],
      service: parts[3],
      kind: 'query',
      amzDate: query.get('X-Amz-Date') ?? undefined,
      expires: expires === null ? undefined : Number(expires),
      securityToken: query.get('X-Amz-Security-Token') ?? undefined,
    };
  }
  const v2 = query.get('AWSAccessKeyId');
  if (v2) return { accessKeyId: v2, kind: 'v2-query' };
  return undefined;
}

/** Parses an X-Amz-Date value (20230102T030405Z) into epoch ms. */
export function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(s);
  if (!m) return undefined;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}
