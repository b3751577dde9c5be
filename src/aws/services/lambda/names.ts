// Lambda's names and ARNs: a function may be named by its name, a partial ARN (123456789012:function:f)
// or a full ARN, each with an optional :qualifier (a version or an alias). Also the service's errors
// in its own words.
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../../../core/errors.ts';
import { formatArn } from '../../../core/resources/arn.ts';

export const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const FUNCTION_RE =
  /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9-_.]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;

export interface FunctionRef {
  account: string;
  region: string;
  name: string;
  qualifier?: string;
}

export function validation(path: string, value: string, constraint: string): ServiceError {
  return new ServiceError('ValidationException', `1 validation error detected: Value '${value}' at '${path}' failed to satisfy constraint: ${constraint}`, 400);
}

export function invalidParameter(message: string): ServiceError {
  return new ServiceError('InvalidParameterValueException', message, { status: 400, fields: { Type: 'User' } });
}

export function notFound(message: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', message, { status: 404, fields: { Type: 'User' } });
}

export function conflict(message: string): ServiceError {
  return new ServiceError('ResourceConflictException', message, { status: 409, fields: { Type: 'User' } });
}

export function preconditionFailed(message: string): ServiceError {
  return new ServiceError('PreconditionFailedException', message, { status: 412, fields: { Type: 'User' } });
}

export function functionNotFound(ref: FunctionRef, qualifier?: string): ServiceError {
  return notFound(`Function not found: ${functionArn(ref.account, ref.region, ref.name, qualifier ?? ref.qualifier)}`);
}

/** Parses FunctionName (and the separate Qualifier parameter, which must agree with one in the ARN). */
export function parseFunctionName(value: string, scope: { account: string; region: string }, qualifier?: string, path = 'functionName'): FunctionRef {
  const m = value.length <= 170 ? FUNCTION_RE.exec(value) : null;
  if (!m || m[3].length > 64) throw validation(path, value, `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`);
  const derived = m[4];
  if (derived !== undefined && qualifier !== undefined && derived !== qualifier) {
    throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
  }
  return { account: m[2] ?? scope.account, region: m[1] ?? scope.region, name: m[3], qualifier: qualifier ?? derived };
}

/** A function name that must not carry a qualifier (CreateFunction, most configuration operations). */
export function parseUnqualified(value: string, scope: { account: string; region: string }, path = 'functionName'): FunctionRef {
  const ref = parseFunctionName(value, scope, undefined, path);
  if (ref.qualifier !== undefined) {
    throw validation(path, value, 'Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)');
  }
  return ref;
}

export function functionArn(account: string, region: string, name: string, qualifier?: string): string {
  return formatArn({ service: 'lambda', region, account, resource: `function:${name}${qualifier ? `:${qualifier}` : ''}` });
}

export function layerArn(account: string, region: string, name: string, version?: number): string {
  return formatArn({ service: 'lambda', region, account, resource: `layer:${name}${version !== undefined ? `:${version}` : ''}` });
}

export function parseLayerVersionArn(arn: string): { region: string; account: string; name: string; version: number } | undefined {
  const m = /^arn:[a-zA-Z0-9-]+:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):layer:([a-zA-Z0-9-_]+):([0-9]+)$/.exec(arn);
  return m ? { region: m[1], account: m[2], name: m[3], version: Number(m[4]) } : undefined;
}

/** A layer named by name or by its (unversioned) ARN. */
export function parseLayerName(value: string, scope: { account: string; region: string }): { account: string; region: string; name: string } {
  const m = /^(?:arn:[a-zA-Z0-9-]+:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):layer:)?([a-zA-Z0-9-_]+)$/.exec(value);
  if (!m) {
    throw validation('layerName', value, 'Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+');
  }
  return { region: m[1] ?? scope.region, account: m[2] ?? scope.account, name: m[3] };
}

export function isVersionNumber(q: string): boolean {
  return /^[0-9]+$/.test(q);
}

export function newRevision(): string {
  return randomUUID();
}

/** Lambda's timestamp format: 2024-01-01T12:00:00.000+0000. */
export function lambdaTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
