// Cross-service events (DESIGN.md §6) travel as deliveries: a message addressed to a resource's ARN
// (an SQS queue, an SNS topic, a Lambda function, an event bus, a log group). The service that owns
// the ARN's namespace accepts it through its `deliver` handler. S3 notifications, SNS subscriptions,
// EventBridge and Scheduler targets, Lambda destinations and dead-letter queues all use this one path,
// and every delivery (and every failed attempt) shows in the request log.

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
}

export interface Delivery {
  /** ARN of the receiving resource. */
  target: string;
  /** The payload, exactly as the receiver stores or passes it on (usually JSON text). */
  body: string;
  /** Message attributes, for receivers that keep them (SQS, SNS). */
  attributes?: Record<string, MessageAttributeValue>;
  /** FIFO receivers: message group and deduplication id. */
  groupId?: string;
  deduplicationId?: string;
  /** Receiver-specific options (e.g. Lambda's invocation type, EventBridge's detail-type). */
  options?: Record<string, unknown>;
  /** Who sends it: the service, the resource, and the request that caused it. */
  source: { service: string; arn?: string; requestId?: string };
}

export interface DeliveryResult {
  /** The receiver's id for what it accepted (an SQS message id, a Lambda request id). */
  id?: string;
  /** Anything the receiver answers (a synchronous Lambda's payload). */
  output?: unknown;
}

export type Deliver = (delivery: Delivery) => Promise<DeliveryResult>;

export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** Splits an ARN; undefined when it is not one. */
export function parseArn(arn: string): ArnParts | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(':') };
}
