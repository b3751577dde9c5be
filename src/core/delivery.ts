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

// ARNs are the resource engine's (src/core/resources/arn.ts). Re-exported because src/aws/delivery.ts
// (the chain's file, being rebuilt in parallel) imports parseArn from here; drop once it imports arn.ts.
export { parseArn, type ArnParts } from './resources/arn.ts';
