// AddPermission/RemovePermission edit the queue's policy: one statement per label.
import type { AddPermissionRequest, RemovePermissionRequest } from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { partitionOf } from '../queue-url.ts';
import { queueDoesNotExist } from '../engine.ts';
import type { Queue } from '../store.ts';
import type { QueueAttributes } from '../queue-attributes.ts';
import type { SqsContext } from './context.ts';
import { accountRootArn } from '../../../../core/resources/arn.ts';

interface Statement {
  Sid?: string;
  [k: string]: unknown;
}

interface Policy {
  Version?: string;
  Id?: string;
  Statement?: Statement[] | Statement;
  [k: string]: unknown;
}

const ACTIONS = new Set([
  '*', 'ChangeMessageVisibility', 'DeleteMessage', 'GetQueueAttributes', 'GetQueueUrl', 'ListDeadLetterSourceQueues',
  'PurgeQueue', 'ReceiveMessage', 'SendMessage', 'ListQueueTags', 'StartMessageMoveTask', 'CancelMessageMoveTask',
  'ListMessageMoveTasks',
]);
const LABEL = /^[A-Za-z0-9_-]{1,80}$/;

function invalid(name: string, value: string, reason: string): ServiceError {
  return new ServiceError('InvalidParameterValue', `Value ${value} for parameter ${name} is invalid. Reason: ${reason}`, 400);
}

function statements(policy: Policy): Statement[] {
  const s = policy.Statement;
  return Array.isArray(s) ? s : s ? [s] : [];
}

/** Read-modify-write of the queue's Policy in one unit: concurrent edits each see the one before. */
async function editPolicy(ctx: SqsContext, queue: Queue, edit: (current: Queue) => QueueAttributes): Promise<void> {
  const store = ctx.state.store;
  await store.atomically(async () => {
    const current = await store.freshQueueById(queue.id);
    if (!current) throw queueDoesNotExist(ctx);
    await store.updateQueueAttributes(current, edit(current), ctx.clock.now());
  });
}

export async function addPermission(input: AddPermissionRequest, ctx: SqsContext): Promise<void> {
  const queue = await ctx.state.queueAt(input.QueueUrl, ctx);
  if (!LABEL.test(input.Label)) {
    throw invalid('Label', input.Label, 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
  }
  if (!input.Actions?.length) throw new ServiceError('MissingParameter', 'The request must contain the parameter Actions.', 400);
  if (!input.AWSAccountIds?.length) throw new ServiceError('MissingParameter', 'The request must contain the parameter AWSAccountIds.', 400);
  if (input.Actions.length > 7) {
    throw new ServiceError('OverLimit', `${input.Actions.length} Actions were found, maximum allowed is 7.`, { status: 403 });
  }
  for (const a of input.Actions) {
    if (!ACTIONS.has(a)) throw invalid('ActionName.1', a, `Please refer to the appropriate WSDL for a list of valid actions.`);
  }
  const actions = input.Actions;
  const accounts = input.AWSAccountIds;
  await editPolicy(ctx, queue, (current) => {
    const policy: Policy = current.attributes.Policy ? JSON.parse(current.attributes.Policy) : { Version: '2012-10-17', Id: `${current.arn}/SQSDefaultPolicy` };
    const list = statements(policy);
    if (list.some((s) => s.Sid === input.Label)) throw invalid('Label', input.Label, 'Already exists.');
    const partition = partitionOf(current.region);
    const principals = accounts.map((a) => accountRootArn(a, partition));
    list.push({
      Sid: input.Label,
      Effect: 'Allow',
      Principal: { AWS: principals.length === 1 ? principals[0] : principals },
      Action: actions.length === 1 ? `SQS:${actions[0]}` : actions.map((a) => `SQS:${a}`),
      Resource: current.arn,
    });
    policy.Statement = list;
    return { ...current.attributes, Policy: JSON.stringify(policy) };
  });
}

export async function removePermission(input: RemovePermissionRequest, ctx: SqsContext): Promise<void> {
  const queue = await ctx.state.queueAt(input.QueueUrl, ctx);
  await editPolicy(ctx, queue, (current) => {
    const policy: Policy | undefined = current.attributes.Policy ? JSON.parse(current.attributes.Policy) : undefined;
    const list = policy ? statements(policy) : [];
    const rest = list.filter((s) => s.Sid !== input.Label);
    if (!policy || rest.length === list.length) throw invalid('Label', input.Label, "can't find label on existing policy.");
    const attributes = { ...current.attributes };
    if (rest.length === 0) delete attributes.Policy;
    else attributes.Policy = JSON.stringify({ ...policy, Statement: rest });
    return attributes;
  });
}
