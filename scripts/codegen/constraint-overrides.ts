// Constraints AWS changed after botocore 1.29 (late 2022), by service and botocore shape name: the
// constraints that replace botocore's for that shape. Each entry says what changed and where to see it.
import type { Traits } from './graph.ts';

export const CONSTRAINT_OVERRIDES: Record<string, Record<string, Traits>> = {
  dynamodb: {
    // Since 2024 every TableName member also takes a table ARN: the current model's TableArn shape
    // (1..1024, no pattern). The name rules (3..255, [a-zA-Z0-9_.-]+) are checked by the handlers
    // (services/dynamodb/operations/validate.ts), which know whether the value is an ARN.
    TableName: { min: 1, max: 1024 },
  },
};
