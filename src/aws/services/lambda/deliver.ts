// Deliveries addressed to a function ARN (SNS subscriptions, S3 notifications, EventBridge and
// Scheduler targets, Lambda destinations, log subscription filters): the body is the event. They are
// asynchronous invocations unless the sender asks for RequestResponse.
import { randomUUID } from 'node:crypto';
import type { Delivery, DeliveryResult } from '../../../core/delivery.ts';
import type { DCtx } from './state.ts';
import { parseFunctionName } from './names.ts';
import { resolveTarget } from './engine/target.ts';
import { checkPayload, MAX_ASYNC_PAYLOAD, MAX_SYNC_PAYLOAD, runSync } from './operations/invoke.ts';

export async function deliver(delivery: Delivery, ctx: DCtx): Promise<DeliveryResult> {
  const ref = parseFunctionName(delivery.target, { account: ctx.account, region: ctx.region });
  const state = ctx.state;
  const target = await resolveTarget(state.tables, ref);
  const options = delivery.options ?? {};
  const type = String(options.invocationType ?? options.InvocationType ?? 'Event');
  const requestId = randomUUID();
  const source = delivery.source.service;
  if (type === 'RequestResponse') {
    const payload = checkPayload(Buffer.from(delivery.body), MAX_SYNC_PAYLOAD);
    const result = await runSync(state, target, { requestId, payload, kind: source });
    return { id: requestId, output: { StatusCode: 200, FunctionError: result.functionError, ExecutedVersion: result.executedVersion, Payload: result.payload.toString('utf8') } };
  }
  const payload = checkPayload(Buffer.from(delivery.body), MAX_ASYNC_PAYLOAD);
  await state.queue.enqueue({ account: target.fn.account, region: target.fn.region, name: target.fn.name, qualifier: ref.qualifier, payload, requestId, source });
  return { id: requestId };
}
