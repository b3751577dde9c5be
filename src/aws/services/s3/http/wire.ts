// Response details S3 has and the model does not say: the root element names of its documents
// (ListBucketResult, not ListObjectsOutput), GetBucketLocation's bare <LocationConstraint>, 206 for
// ranged reads, and empty 304s.
import type { HttpResponse } from '../../../../core/http.ts';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Root element by operation, where the output shape's name is not what S3 sends. */
const ROOTS: Record<string, string> = {
  ListBuckets: 'ListAllMyBucketsResult',
  ListDirectoryBuckets: 'ListAllMyDirectoryBucketsResult',
  ListObjects: 'ListBucketResult',
  ListObjectsV2: 'ListBucketResult',
  ListObjectVersions: 'ListVersionsResult',
  ListMultipartUploads: 'ListMultipartUploadsResult',
  ListParts: 'ListPartsResult',
  CreateMultipartUpload: 'InitiateMultipartUploadResult',
  CompleteMultipartUpload: 'CompleteMultipartUploadResult',
  DeleteObjects: 'DeleteResult',
  GetBucketAcl: 'AccessControlPolicy',
  GetObjectAcl: 'AccessControlPolicy',
  GetBucketCors: 'CORSConfiguration',
  GetBucketTagging: 'Tagging',
  GetObjectTagging: 'Tagging',
  GetBucketVersioning: 'VersioningConfiguration',
  GetBucketLifecycleConfiguration: 'LifecycleConfiguration',
  GetBucketWebsite: 'WebsiteConfiguration',
  GetBucketLogging: 'BucketLoggingStatus',
  GetBucketRequestPayment: 'RequestPaymentConfiguration',
  GetBucketAccelerateConfiguration: 'AccelerateConfiguration',
  GetObjectAttributes: 'GetObjectAttributesResponse',
  ListBucketAnalyticsConfigurations: 'ListBucketAnalyticsConfigurationResult',
  ListBucketInventoryConfigurations: 'ListInventoryConfigurationsResult',
  ListBucketMetricsConfigurations: 'ListMetricsConfigurationsResult',
  ListBucketIntelligentTieringConfigurations: 'ListBucketIntelligentTieringConfigurationsOutput',
};

function renameRoot(body: string, to: string): string {
  const open = body.indexOf('<', body.startsWith('<?xml') ? body.indexOf('?>') + 2 : 0);
  if (open < 0) return body;
  const nameEnd = body.slice(open + 1).search(/[\s/>]/);
  if (nameEnd < 0) return body;
  const from = body.slice(open + 1, open + 1 + nameEnd);
  if (from === to) return body;
  let out = body.slice(0, open + 1) + to + body.slice(open + 1 + nameEnd);
  const close = `</${from}>`;
  const at = out.lastIndexOf(close);
  if (at >= 0) out = out.slice(0, at) + `</${to}>` + out.slice(at + close.length);
  return out;
}

export function shapeResponse(response: HttpResponse, operation: string): void {
  if (response.status === 304) {
    response.body = undefined;
    for (const k of Object.keys(response.headers)) if (k.toLowerCase() === 'content-type' || k.toLowerCase() === 'content-length') delete response.headers[k];
    return;
  }
  if (response.status >= 300) return;
  const object = operation === 'GetObject' || operation === 'HeadObject';
  if (object && response.status === 200 && response.headers['Content-Range'] !== undefined) response.status = 206;
  if (response.body === undefined) {
    // An empty answer (PutObject, PutBucketCors, ...) says so, without a document type.
    if (!object && response.headers['content-type'] === 'application/xml') delete response.headers['content-type'];
    if (!Object.keys(response.headers).some((k) => k.toLowerCase() === 'content-length') && response.status !== 204) response.headers['content-length'] = '0';
    return;
  }
  if (object) return;
  if (operation === 'GetBucketLocation' && typeof response.body === 'string') {
    const m = /<LocationConstraint>([^<]*)<\/LocationConstraint>/.exec(response.body);
    response.body = m
      ? `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${NS}">${m[1]}</LocationConstraint>`
      : `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${NS}"/>`;
    return;
  }
  if (typeof response.body !== 'string' || !response.body.startsWith('<?xml')) return;
  let body = response.body;
  const root = ROOTS[operation];
  if (root) body = renameRoot(body, root);
  // POST upload answers (PostResponse) are the one document S3 sends without its namespace.
  if (operation !== 'PostObject') body = withNamespace(body);
  // S3 writes timestamps with milliseconds (2009-10-12T17:50:30.000Z); some parsers insist.
  response.body = body.replace(/(>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)Z</g, '$1.000Z<');
}

/** Every S3 document's root element carries the S3 namespace. */
function withNamespace(body: string): string {
  const open = body.indexOf('<', body.indexOf('?>') + 2);
  const end = body.indexOf('>', open);
  if (open < 0 || end < 0) return body;
  const tag = body.slice(open, end);
  if (tag.includes('xmlns=')) return body;
  const selfClosing = tag.endsWith('/');
  const insert = ` xmlns="${NS}"`;
  return selfClosing ? body.slice(0, end - 1) + insert + body.slice(end - 1) : body.slice(0, end) + insert + body.slice(end);
}
