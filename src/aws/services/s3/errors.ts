// S3's errors in its own words: codes, messages and the extra elements its <Error> documents carry.
import { ServiceError } from '../../../core/errors.ts';

export const S3Errors = {
  noSuchBucket: (bucket: string) =>
    new ServiceError('NoSuchBucket', 'The specified bucket does not exist', { status: 404, fields: { BucketName: bucket } }),
  noSuchKey: (key: string) => new ServiceError('NoSuchKey', 'The specified key does not exist.', { status: 404, fields: { Key: key } }),
  noSuchVersion: (key: string, versionId: string) =>
    new ServiceError('NoSuchVersion', 'The specified version does not exist.', { status: 404, fields: { Key: key, VersionId: versionId } }),
  noSuchUpload: (uploadId: string) =>
    new ServiceError(
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      { status: 404, fields: { UploadId: uploadId } },
    ),
  invalidArgument: (message: string, name?: string, value?: string) =>
    new ServiceError('InvalidArgument', message, { status: 400, fields: name ? { ArgumentName: name, ArgumentValue: value } : undefined }),
  invalidPart: (uploadId: string, partNumber: number, etag: string | undefined, message?: string) =>
    new ServiceError(
      'InvalidPart',
      message ?? "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.",
      { status: 400, fields: { UploadId: uploadId, PartNumber: partNumber, ETag: etag } },
    ),
  invalidRequest: (message: string) => new ServiceError('InvalidRequest', message, 400),
  malformedXml: () =>
    new ServiceError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400),
  badDigest: (message = 'The Content-MD5 you specified did not match what we received.') => new ServiceError('BadDigest', message, 400),
  invalidDigest: () => new ServiceError('InvalidDigest', 'The Content-MD5 you specified is not valid.', 400),
  accessDenied: (message = 'Access Denied') => new ServiceError('AccessDenied', message, 403),
  preconditionFailed: (condition: string) =>
    new ServiceError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { status: 412, fields: { Condition: condition } }),
  notModified: () => new ServiceError('NotModified', 'Not Modified', 304),
  methodNotAllowed: (method: string, resourceType: string) =>
    new ServiceError('MethodNotAllowed', 'The specified method is not allowed against this resource.', {
      status: 405,
      fields: { Method: method, ResourceType: resourceType },
    }),
  notImplemented: (message: string, header?: string) =>
    new ServiceError('NotImplemented', message, { status: 501, fields: header ? { Header: header } : undefined }),
};

/** A configuration a bucket does not have (GetBucketCors without CORS, ...). */
export function noSuchConfiguration(code: string, message: string, bucket: string): ServiceError {
  return new ServiceError(code, message, { status: 404, fields: { BucketName: bucket } });
}
