// IAM's errors, with the HTTP statuses its API reference gives each code. The messages are IAM's own
// words where they are known (they appear verbatim in clients' bug reports); each call site says which.
import { ServiceError } from '../../../core/errors.ts';

export const noSuchEntity = (message: string) => new ServiceError('NoSuchEntity', message, 404);
export const entityAlreadyExists = (message: string) => new ServiceError('EntityAlreadyExists', message, 409);
export const deleteConflict = (message: string) => new ServiceError('DeleteConflict', message, 409);
export const limitExceeded = (message: string) => new ServiceError('LimitExceeded', message, 409);
export const malformedPolicyDocument = (message: string) => new ServiceError('MalformedPolicyDocument', message, 400);
export const invalidInput = (message: string) => new ServiceError('InvalidInput', message, 400);
export const validationError = (message: string) => new ServiceError('ValidationError', message, 400);
export const unmodifiableEntity = (message: string) => new ServiceError('UnmodifiableEntity', message, 400);
export const passwordPolicyViolation = (message: string) => new ServiceError('PasswordPolicyViolation', message, 400);

/** What IAM calls each kind of entity in its messages. */
export type EntityKind = 'user' | 'group' | 'role' | 'instance-profile';

/** "The user with name X cannot be found." (and group, role); "Instance Profile X cannot be found." */
export function entityNotFound(kind: EntityKind, name: string): ServiceError {
  return noSuchEntity(kind === 'instance-profile' ? `Instance Profile ${name} cannot be found.` : `The ${kind} with name ${name} cannot be found.`);
}

/** "User with name X already exists." (and Group, Role); "Instance Profile X already exists." */
export function entityExists(kind: EntityKind, name: string): ServiceError {
  if (kind === 'instance-profile') return entityAlreadyExists(`Instance Profile ${name} already exists.`);
  return entityAlreadyExists(`${kind[0].toUpperCase()}${kind.slice(1)} with name ${name} already exists.`);
}

/** An operation that needs a user name, called with credentials that are not an IAM user's. */
export const userNameRequired = () => validationError('Must specify userName when calling with non-User credentials');
