// Member constraints DynamoDB checks before anything else, reported all together in its words
// ("2 validation errors detected: Value 'a;' at 'tableName' failed to satisfy constraint: ...").
import { ConstraintChecker } from '../../../protocol/constraints.ts';

export const ENUMS = {
  ReturnConsumedCapacity: ['INDEXES', 'TOTAL', 'NONE'],
  ReturnItemCollectionMetrics: ['SIZE', 'NONE'],
  ReturnValues: ['ALL_NEW', 'UPDATED_OLD', 'ALL_OLD', 'NONE', 'UPDATED_NEW'],
  ReturnValuesOnConditionCheckFailure: ['ALL_OLD', 'NONE'],
  Select: ['SPECIFIC_ATTRIBUTES', 'COUNT', 'ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES'],
  ConditionalOperator: ['AND', 'OR'],
  ComparisonOperator: ['IN', 'NULL', 'BETWEEN', 'LT', 'NOT_CONTAINS', 'EQ', 'GT', 'NOT_NULL', 'NE', 'LE', 'BEGINS_WITH', 'GE', 'CONTAINS'],
  BillingMode: ['PROVISIONED', 'PAY_PER_REQUEST'],
  AttributeType: ['B', 'N', 'S'],
  KeyType: ['HASH', 'RANGE'],
  ProjectionType: ['ALL', 'INCLUDE', 'KEYS_ONLY'],
  StreamViewType: ['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY'],
  TableClass: ['STANDARD', 'STANDARD_INFREQUENT_ACCESS'],
  AttributeAction: ['ADD', 'PUT', 'DELETE'],
  SSEType: ['AES256', 'KMS'],
} as const;

export class Checks extends ConstraintChecker {
  enumValue(path: string, value: string | undefined, allowed: readonly string[]): this {
    if (value !== undefined && !allowed.includes(value)) {
      this.problems.push(`Value '${value}' at '${path}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`);
    }
    return this;
  }

  tableName(path: string, value: string | undefined, allowArn = true): this {
    if (value === undefined) return this;
    if (allowArn && value.startsWith('arn:')) return this.length(path, value, 1, 1024);
    this.pattern(path, value, /^[a-zA-Z0-9_.-]+$/, '[a-zA-Z0-9_.-]+');
    return this.length(path, value, 3, 255);
  }

  notNull(path: string, value: unknown): this {
    if (value === undefined || value === null) this.problems.push(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
    return this;
  }

  done(): void {
    this.check('ValidationException');
  }
}

export function checks(): Checks {
  return new Checks();
}
