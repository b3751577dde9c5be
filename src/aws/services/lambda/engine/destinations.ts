// Where an asynchronous invocation's outcome goes: the on-success / on-failure destination of the
// event invoke config (SQS, SNS, Lambda, EventBridge) as an invocation record, and the function's
// dead-letter queue (SQS or SNS) with the original event, all through env.deliver.
import type { Environment } from '../../../../core/environment.ts';
import type { MessageAttributeValue } from '../../../../core/delivery.ts';
import type { RunResult } from './records.ts';
import { versionArn, type Target } from './target.ts';

export type Condition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';

export interface EventInvokeConfig {
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig?: { OnSuccess?: { Destination?: string }; OnFailure?: { Destination?: string } };
}

export function invocationRecord(t: Target, requestId: string, payload: Buffer, attempts: number, condition: Condition, result: RunResult | undefined, now: number): Record<string, unknown> {
  const record: Record<string, unknown> = {
    version: '1.0',
    timestamp: new Date(now).toISOString(),
    requestContext: { requestId, functionArn: versionArn(t), condition, approximateInvokeCount: attempts },
    requestPayload: parseJson(payload),
  };
  if (result) {
    const responseContext: Record<string, unknown> = { statusCode: 200, executedVersion: result.executedVersion };
    if (result.functionError) responseContext.functionError = result.functionError;
    record.responseContext = responseContext;
    record.responsePayload = parseJson(result.payload);
  } else {
    record.responseContext = { statusCode: 200, executedVersion: t.version.version };
  }
  return record;
}

function parseJson(b: Buffer): unknown {
  const text = b.toString('utf8');
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function sendOutcome(
  env: Environment,
  t: Target,
  config: EventInvokeConfig | undefined,
  requestId: string,
  payload: Buffer,
  attempts: number,
  condition: Condition,
  result: RunResult | undefined,
): Promise<void> {
  const destination = condition === 'Success' ? config?.DestinationConfig?.OnSuccess?.Destination : config?.DestinationConfig?.OnFailure?.Destination;
  const source = { service: 'lambda', arn: versionArn(t), requestId };
  const sends: Promise<unknown>[] = [];
  if (destination) {
    const record = invocationRecord(t, requestId, payload, attempts, condition, result, env.clock.now());
    const isBus = /^arn:[^:]+:events:/.test(destination);
    const body = isBus
      ? JSON.stringify({
          Source: 'lambda',
          DetailType: `Lambda Function Invocation Result - ${condition === 'Success' ? 'Success' : 'Failure'}`,
          Detail: JSON.stringify(record),
          Resources: [versionArn(t)],
        })
      : JSON.stringify(record);
    sends.push(env.deliver({ target: destination, body, options: /^arn:[^:]+:lambda:/.test(destination) ? { invocationType: 'Event' } : undefined, source }));
  }
  const dlq = t.config.DeadLetterConfig?.TargetArn;
  if (condition !== 'Success' && dlq) {
    const errorMessage = result ? errorMessageOf(result) : 'Event age exceeded';
    const attributes: Record<string, MessageAttributeValue> = {
      RequestID: { DataType: 'String', StringValue: requestId },
      ErrorCode: { DataType: 'Number', StringValue: '200' },
      ErrorMessage: { DataType: 'String', StringValue: errorMessage.slice(0, 1000) },
    };
    sends.push(env.deliver({ target: dlq, body: payload.toString('utf8'), attributes, source }));
  }
  const outcomes = await Promise.allSettled(sends);
  for (const o of outcomes) {
    if (o.status === 'rejected') env.log.warn(`Lambda could not deliver the outcome of ${requestId}: ${(o.reason as Error)?.message ?? o.reason}`);
  }
}

function errorMessageOf(r: RunResult): string {
  try {
    const p = JSON.parse(r.payload.toString('utf8')) as { errorMessage?: string };
    return p.errorMessage ?? r.errorType ?? 'Unhandled';
  } catch {
    return r.errorType ?? 'Unhandled';
  }
}
