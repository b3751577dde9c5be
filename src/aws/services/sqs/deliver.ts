// Deliveries addressed to a queue ARN (SNS subscriptions, EventBridge/Scheduler targets, S3
// notifications, Lambda destinations and DLQs): the body becomes a message, with the delivery's
// attributes as message attributes and its group/deduplication ids on a FIFO queue.
import type { Delivery, DeliveryResult } from '../../../core/delivery.ts';
import type { DeliveryContext } from '../../../core/service.ts';
import { ServiceError } from '../../../core/errors.ts';
import type { SqsEngine } from './engine.ts';
import { queueDoesNotExist } from './engine.ts';
import { parseQueueArn } from './queue-url.ts';
import { sendMessage } from './send.ts';
import type { MessageAttributes } from './message-attributes.ts';

/** SenderId SQS shows on messages SNS delivered. */
const SNS_SENDER_ID = 'AIDAIT2UOQQY3AUEKVGXU';

export async function deliver(delivery: Delivery, ctx: DeliveryContext<SqsEngine>): Promise<DeliveryResult> {
  const address = parseQueueArn(delivery.target);
  if (!address) throw new ServiceError('InvalidAddress', `The address ${delivery.target} is not valid for this endpoint.`, 404);
  const engine = ctx.state;
  const queue = await engine.store.queue(address.account, address.region, address.name);
  if (!queue) throw queueDoesNotExist();
  const options = delivery.options ?? {};
  const senderId = typeof options.senderId === 'string' ? options.senderId
    : delivery.source.service === 'sns' ? SNS_SENDER_ID : address.account;
  const sent = await sendMessage(engine, queue, {
    body: delivery.body,
    attributes: delivery.attributes as MessageAttributes | undefined,
    groupId: delivery.groupId,
    deduplicationId: delivery.deduplicationId,
    delaySeconds: typeof options.delaySeconds === 'number' ? options.delaySeconds : undefined,
    senderId,
  });
  return { id: sent.MessageId, output: sent };
}
