// GetQueueAttributes and SetQueueAttributes, and the checks a redrive policy's target must pass.
import type { GetQueueAttributesRequest, GetQueueAttributesResult, SetQueueAttributesRequest } from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { queueDoesNotExist, type SqsEngine } from '../engine.ts';
import type { Queue } from '../store.ts';
import { parseQueueArn } from '../queue-url.ts';
import {
  applyAttributes, checkAttributes, unknownAttribute, settingsOf, COMPUTED_ATTRIBUTES, type QueueAttributes,
} from '../queue-attributes.ts';
import type { SqsContext } from './context.ts';

const STANDARD_NAMES = [
  'QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp', 'LastModifiedTimestamp', 'VisibilityTimeout', 'MaximumMessageSize', 'MessageRetentionPeriod',
  'DelaySeconds', 'ReceiveMessageWaitTimeSeconds', 'Policy', 'RedrivePolicy', 'RedriveAllowPolicy', 'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled',
];
const FIFO_NAMES = ['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit'];

export async function getQueueAttributes(input: GetQueueAttributesRequest, ctx: SqsContext): Promise<GetQueueAttributesResult> {
  const engine = ctx.state;
  const queue = await engine.queueAt(input.QueueUrl, ctx);
  const asked = input.AttributeNames ?? [];
  const known = queue.fifo ? [...STANDARD_NAMES, ...FIFO_NAMES] : STANDARD_NAMES;
  for (const name of asked) if (name !== 'All' && !known.includes(name)) throw unknownAttribute(name);
  if (asked.length === 0) return {};
  const names = asked.includes('All') ? known : asked;
  const values = await queueAttributeValues(engine, queue, names);
  return Object.keys(values).length ? { Attributes: values } : {};
}

/** The named attributes' current values; unset optional ones are left out. */
export async function queueAttributeValues(engine: SqsEngine, queue: Queue, names: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const now = engine.clock.now();
  const needsCounts = names.some((n) => n.startsWith('ApproximateNumberOfMessages'));
  const counts = needsCounts ? await engine.store.counts(queue.id, now) : undefined;
  for (const name of names) {
    switch (name as (typeof COMPUTED_ATTRIBUTES)[number]) {
      case 'QueueArn': out[name] = queue.arn; break;
      case 'ApproximateNumberOfMessages': out[name] = String(counts!.visible); break;
      case 'ApproximateNumberOfMessagesNotVisible': out[name] = String(counts!.inFlight); break;
      case 'ApproximateNumberOfMessagesDelayed': out[name] = String(counts!.delayed); break;
      case 'CreatedTimestamp': out[name] = String(Math.floor(queue.createdAt / 1000)); break;
      case 'LastModifiedTimestamp': out[name] = String(Math.floor(queue.modifiedAt / 1000)); break;
      default: {
        const v = name === 'FifoQueue' ? (queue.fifo ? 'true' : undefined) : queue.attributes[name];
        if (v !== undefined) out[name] = v;
      }
    }
  }
  return out;
}

export async function setQueueAttributes(input: SetQueueAttributesRequest, ctx: SqsContext): Promise<void> {
  const engine = ctx.state;
  const queue = await engine.queueAt(input.QueueUrl, ctx);
  const changes = checkAttributes(input.Attributes ?? {}, queue.fifo, false);
  if (Object.keys(changes).length === 0) return;
  const now = ctx.clock.now();
  // Read-merge-write of the attributes: one unit, so that concurrent changes to different attributes
  // all land (each merges into what the one before wrote).
  const soonest = await engine.store.atomically(async () => {
    const current = await engine.store.freshQueueById(queue.id);
    if (!current) throw queueDoesNotExist(ctx);
    const next = applyAttributes(current.attributes, changes);
    await checkRedriveTarget(engine, current.fifo, next, current.arn);
    // A new retention period applies to the messages already there.
    const retentionMs = next.MessageRetentionPeriod !== current.attributes.MessageRetentionPeriod ? settingsOf(next).retentionMs : undefined;
    return engine.store.changeQueueAttributes(current, next, now, retentionMs);
  });
  if (soonest !== undefined) engine.expiresAt(soonest);
  engine.notify(queue.id);
}

/**
 * A redrive policy's dead-letter queue must exist, be of the same type as the source (FIFO to FIFO
 * only), and allow this source by its own redrive allow policy.
 */
export async function checkRedriveTarget(engine: SqsEngine, fifo: boolean, attributes: QueueAttributes, sourceArn: string): Promise<void> {
  const policy = attributes.RedrivePolicy;
  if (!policy) return;
  const arn = settingsOf(attributes).redrive!.deadLetterTargetArn;
  const address = parseQueueArn(arn)!;
  const dlq = await engine.store.queue(address.account, address.region, address.name);
  const invalid = (reason: string) => new ServiceError('InvalidParameterValue', `Value ${policy} for parameter RedrivePolicy is invalid. Reason: ${reason}`, 400);
  if (!dlq) throw invalid('Dead letter target does not exist.');
  if (dlq.fifo !== fifo) throw invalid('Dead-letter queue must be same type of queue as the source.');
  if (dlq.arn === sourceArn) throw invalid('Dead-letter queue cannot be the same as the source queue.');
  const allow = dlq.settings.redriveAllow;
  if (allow?.redrivePermission === 'denyAll' || (allow?.redrivePermission === 'byQueue' && !allow.sourceQueueArns?.includes(sourceArn))) {
    throw invalid(`The dead-letter queue's redrive allow policy does not allow ${sourceArn} as a source queue.`);
  }
}
