// AddPermission/RemovePermission edit the queue's policy: one statement per label.
import type { AddPermissionRequest, RemovePermissionRequest } from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { partitionOf } from '../queue-url.ts';
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

export function addPermission(input: AddPermissionRequest, ctx: SqsContext): void {
  const engine = ctx.state;
  const queue = engine.queueAt(input.QueueUrl, ctx);
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
  const policy: Policy = queue.attributes.Policy ? JSON.parse(queue.attributes.Policy) : { Version: '2012-10-17', Id: `${queue.arn}/SQSDefaultPolicy` };
  const list = statements(policy);
  if (list.some((s) => s.Sid === input.Label)) throw invalid('Label', input.Label, 'Already exists.');
  const partition = partitionOf(queue.region);
  const principals = input.AWSAccountIds.map((a) => accountRootArn(a, partition));
  list.push({
    Sid: input.Label,
    Effect: 'Allow',
    Principal: { AWS: principals.length === 1 ? principals[0] : principals },
    Action: input.Actions.length === 1 ? `SQS:${input.Actions[0]}` : input.Actions.map((a) => `SQS:${a}`),
    Resource: queue.arn,
  });
  policy.Statement = list;
  engine.store.updateQueueAttributes(queue, { ...queue.attributes, Policy: JSON.stringify(policy) }, ctx.clock.now());
}

export function removePermission(input: RemovePermissionRequest, ctx: SqsContext): void {
  const engine = ctx.state;
  const queue = engine.queueAt(input.QueueUrl, ctx);
  const policy: Policy | undefined = queue.attributes.Policy ? JSON.parse(queue.attributes.Policy) : undefined;
  const list = policy ? statements(policy) : [];
  const rest = list.filter((s) => s.Sid !== input.Label);
  if (!policy || rest.length === list.length) throw invalid('Label', input.Label, "can't find label on existing policy.");
  const attributes = { ...queue.attributes };
  if (rest.length === 0) delete attributes.Policy;
  else attributes.Policy = JSON.stringify({ ...policy, Statement: rest });
  engine.store.updateQueueAttributes(queue, attributes, ctx.clock.now());
}
