// DynamoDB's errors, with the codes and messages clients see. The codec qualifies `__type` with the
// namespace of the framework that raised each one (errorType below).
import { ServiceError, type ServiceErrorOptions } from '../../../core/errors.ts';

export function validation(message: string): ServiceError {
  return new ServiceError('ValidationException', message, 400);
}

export function tableNotFound(name?: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', name === undefined ? 'Requested resource not found' : `Requested resource not found: Table: ${name} not found`, 400);
}

export function resourceNotFound(message = 'Requested resource not found'): ServiceError {
  return new ServiceError('ResourceNotFoundException', message, 400);
}

export function resourceInUse(message: string): ServiceError {
  return new ServiceError('ResourceInUseException', message, 400);
}

export function conditionalCheckFailed(item?: Record<string, unknown>): ServiceError {
  const options: ServiceErrorOptions = { status: 400 };
  if (item) options.fields = { Item: item };
  return new ServiceError('ConditionalCheckFailedException', 'The conditional request failed', options);
}

export function limitExceeded(message: string): ServiceError {
  return new ServiceError('LimitExceededException', message, 400);
}

/** Where each error comes from in DynamoDB's stack, for the `__type` of the JSON error document. */
const coralErrors: Record<string, string> = {
  ValidationException: 'com.amazon.coral.validate',
  SerializationException: 'com.amazon.coral.service',
  UnknownOperationException: 'com.amazon.coral.service',
  UnrecognizedClientException: 'com.amazon.coral.service',
  MissingAuthenticationTokenException: 'com.amazon.coral.service',
  AccessDeniedException: 'com.amazon.coral.service',
  IncompleteSignatureException: 'com.amazon.coral.service',
  InvalidSignatureException: 'com.amazon.coral.service',
  ThrottlingException: 'com.amazon.coral.availability',
  NotImplemented: 'com.amazon.coral.service',
  InternalError: 'com.amazon.coral.service',
};

export function dynamodbErrorType(code: string): string {
  return `${coralErrors[code] ?? 'com.amazonaws.dynamodb.v20120810'}#${code}`;
}
