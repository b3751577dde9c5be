// What AWS answers when a request's credentials or signature do not hold, by the service's protocol:
// S3 has its own codes (InvalidAccessKeyId, SignatureDoesNotMatch with the string it signed,
// RequestTimeTooSkewed, AccessDenied "Request has expired"); query services answer
// InvalidClientTokenId / SignatureDoesNotMatch (403); JSON services UnrecognizedClientException /
// InvalidSignatureException (400; 403 on REST-JSON services such as Lambda).
import { ServiceError } from '../../core/errors.ts';
import type { V4Problem } from './sigv4-verify.ts';

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

type Family = 's3' | 'query' | 'json' | 'rest-json';

function familyOf(service: string, protocol: string): Family {
  if (service === 's3') return 's3';
  if (protocol === 'query' || protocol === 'ec2' || protocol === 'rest-xml') return 'query';
  return protocol === 'rest-json' ? 'rest-json' : 'json';
}

/** An access key Fogbank did not issue (or one deleted or made inactive). */
export function unknownAccessKey(service: string, protocol: string, accessKeyId: string): ServiceError {
  switch (familyOf(service, protocol)) {
    case 's3':
      return new ServiceError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
        status: 403,
        fields: { AWSAccessKeyId: accessKeyId },
      });
    case 'query':
      return new ServiceError('InvalidClientTokenId', INVALID_TOKEN, 403);
    case 'rest-json':
      return new ServiceError('UnrecognizedClientException', INVALID_TOKEN, { status: 403, queryCode: 'InvalidClientTokenId' });
    case 'json':
      return new ServiceError('UnrecognizedClientException', INVALID_TOKEN, { status: 400, queryCode: 'InvalidClientTokenId' });
  }
}

/** A session key sent without its session token, or with another one. */
export function invalidSessionToken(service: string, protocol: string): ServiceError {
  if (familyOf(service, protocol) === 's3') return new ServiceError('InvalidToken', 'The provided token is malformed or otherwise invalid.', 400);
  return unknownAccessKey(service, protocol, '');
}

/** A V4 problem (signature, time, form) as the service words it. */
export function signatureProblem(service: string, protocol: string, problem: V4Problem, accessKeyId: string, signatureProvided: string): ServiceError {
  const family = familyOf(service, protocol);
  if (family === 's3') return s3Problem(problem, accessKeyId, signatureProvided);
  const status = family === 'json' ? 400 : 403;
  const signatureCode = family === 'query' ? 'SignatureDoesNotMatch' : 'InvalidSignatureException';
  switch (problem.kind) {
    case 'signature':
      return new ServiceError(signatureCode, MISMATCH, { status, queryCode: 'SignatureDoesNotMatch' });
    case 'malformed':
    case 'scope':
      return new ServiceError(family === 'query' ? 'IncompleteSignature' : 'IncompleteSignatureException', problem.message, { status: 400, queryCode: 'IncompleteSignature' });
    case 'skewed':
    case 'expired':
    case 'not-yet-valid':
      return new ServiceError(signatureCode, problem.message, { status, queryCode: 'SignatureDoesNotMatch' });
  }
}

function s3Problem(problem: V4Problem, accessKeyId: string, signatureProvided: string): ServiceError {
  switch (problem.kind) {
    case 'signature':
      return new ServiceError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', {
        status: 403,
        fields: {
          AWSAccessKeyId: accessKeyId,
          StringToSign: problem.stringToSign,
          SignatureProvided: signatureProvided,
          StringToSignBytes: hexBytes(problem.stringToSign),
          CanonicalRequest: problem.canonicalRequest,
          CanonicalRequestBytes: hexBytes(problem.canonicalRequest),
        },
      });
    case 'skewed':
      return new ServiceError('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', {
        status: 403,
        fields: { RequestTime: problem.requestTime, MaxAllowedSkewMilliseconds: 900000 },
      });
    case 'expired':
    case 'not-yet-valid':
      return new ServiceError('AccessDenied', problem.message, 403);
    case 'scope':
    case 'malformed':
      return new ServiceError('AuthorizationHeaderMalformed', problem.message, 400);
  }
}

/** S3 shows the signed strings as space-separated hex bytes too. */
function hexBytes(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}
