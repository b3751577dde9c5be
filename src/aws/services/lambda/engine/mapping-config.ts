// The configuration of an event source mapping as stored, and which kind of source an ARN names.
import type * as T from '../generated/types.ts';

export interface MappingConfig {
  EventSourceArn: string;
  BatchSize?: number;
  MaximumBatchingWindowInSeconds?: number;
  FilterCriteria?: T.FilterCriteria;
  FunctionResponseTypes?: string[];
  ScalingConfig?: T.ScalingConfig;
  StartingPosition?: string;
  StartingPositionTimestamp?: number;
  DestinationConfig?: T.DestinationConfig;
  MaximumRecordAgeInSeconds?: number;
  BisectBatchOnFunctionError?: boolean;
  MaximumRetryAttempts?: number;
  ParallelizationFactor?: number;
  TumblingWindowInSeconds?: number;
  Enabled: boolean;
  Tags?: Record<string, string>;
}

export type SourceKind = 'sqs' | 'dynamodb' | 'kinesis';

export function sourceKind(arn: string): SourceKind | undefined {
  if (/^arn:[^:]+:sqs:[^:]+:\d{12}:[^:]+$/.test(arn)) return 'sqs';
  if (/^arn:[^:]+:dynamodb:[^:]+:\d{12}:table\/[^/]+\/stream\/.+$/.test(arn)) return 'dynamodb';
  if (/^arn:[^:]+:kinesis:[^:]+:\d{12}:stream\/.+$/.test(arn)) return 'kinesis';
  return undefined;
}
