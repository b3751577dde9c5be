// Queue lifecycle: create (with the exists/recently-deleted rules), look up, delete, list, purge.
import type {
  CreateQueueRequest, CreateQueueResult, GetQueueUrlRequest, GetQueueUrlResult, DeleteQueueRequest,
  ListQueuesRequest, ListQueuesResult, PurgeQueueRequest, ListDeadLetterSourceQueuesRequest,
  ListDeadLetterSourceQueuesResult,
} from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { isString, pageTokens as definePageTokens } from '../../../../core/resources/page-token.ts';
import { queueDoesNotExist } from '../engine.ts';
import { checkQueueName, queueArn } from '../queue-url.ts';
import { applyAttributes, checkAttributes, defaultAttributes } from '../queue-attributes.ts';
import { checkRedriveTarget } from './attributes.ts';
import { checkTags } from './tags.ts';
import type { Queue } from '../store.ts';
import type { SqsContext } from './context.ts';

const RECREATE_WAIT_MS = 60_000;
const PURGE_INTERVAL_MS = 60_000;

export async function createQueue(input: CreateQueueRequest, ctx: SqsContext): Promise<CreateQueueResult> {
  const engine = ctx.state;
  const name = input.QueueName;
  const given = input.Attributes ?? {};
  const fifo = String(given.FifoQueue ?? '').toLowerCase() === 'true';
  checkQueueName(name, fifo);
  const changes = checkAttributes(given, fifo, true);
  const tags = input.tags ?? {};
  // Whether the name is taken (or was deleted too recently) decides the insert: one unit, so that
  // concurrent creates of one name make one queue and the others get SQS's answer for an existing one.
  const queue = await engine.store.atomically(() => createOrFind(ctx, name, fifo, changes, tags));
  return { QueueUrl: engine.urlOf(queue) };
}

async function createOrFind(
  ctx: SqsContext, name: string, fifo: boolean, changes: Record<string, string>, tags: Record<string, string>,
): Promise<Queue> {
  const engine = ctx.state;
  const existing = await engine.store.freshQueue(ctx.account, ctx.region, name);
  if (existing) {
    // The same name with the same attribute values is the same queue; a difference is an error.
    const current: Record<string, string> = { ...existing.attributes, FifoQueue: existing.fifo ? 'true' : 'false' };
    for (const [k, v] of Object.entries(changes)) {
      if ((current[k] ?? '') !== v) {
        throw new ServiceError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${k}`,
          { status: 400, queryCode: 'QueueAlreadyExists' });
      }
    }
    return existing;
  }
  const now = ctx.clock.now();
  const deletedAt = await engine.store.deletedAt(ctx.account, ctx.region, name);
  if (deletedAt !== undefined && now - deletedAt < RECREATE_WAIT_MS) {
    throw new ServiceError('QueueDeletedRecently', 'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
      { status: 400, queryCode: 'AWS.SimpleQueueService.QueueDeletedRecently' });
  }
  checkTags(tags);
  const attributes = applyAttributes(defaultAttributes(fifo), changes);
  await checkRedriveTarget(engine, fifo, attributes, queueArn(ctx.region, ctx.account, name));
  return engine.store.insertQueue(ctx.account, ctx.region, name, fifo, attributes, tags, now);
}

export async function getQueueUrl(input: GetQueueUrlRequest, ctx: SqsContext): Promise<GetQueueUrlResult> {
  const account = input.QueueOwnerAWSAccountId ?? ctx.account;
  const queue = await ctx.state.store.queue(account, ctx.region, input.QueueName);
  if (!queue) throw queueDoesNotExist(ctx);
  return { QueueUrl: ctx.state.urlOf(queue) };
}

export async function deleteQueue(input: DeleteQueueRequest, ctx: SqsContext): Promise<void> {
  const engine = ctx.state;
  const queue = await engine.queueAt(input.QueueUrl, ctx);
  await engine.store.deleteQueue(queue, ctx.clock.now());
  engine.wakeAll(queue.id);
}

export async function purgeQueue(input: PurgeQueueRequest, ctx: SqsContext): Promise<void> {
  const engine = ctx.state;
  const queue = await engine.queueAt(input.QueueUrl, ctx);
  // The last purge's time decides: the store checks it and purges in one unit.
  if (!(await engine.store.purgeQueue(queue, ctx.clock.now(), PURGE_INTERVAL_MS))) {
    throw new ServiceError('PurgeQueueInProgress', `Only one PurgeQueue operation on ${queue.name} is allowed every 60 seconds.`,
      { status: 403, queryCode: 'AWS.SimpleQueueService.PurgeQueueInProgress' });
  }
  engine.notify(queue.id);
}

// NextToken: the engine's signed page token around the last queue name of a page (base64, as SQS's
// own tokens look); one SQS did not issue for this listing is refused in SQS's words.
const pageTokens = definePageTokens<string>({
  invalid: () => new ServiceError('InvalidParameterValue', 'Invalid NextToken value.', 400),
  parse: isString,
  encoding: 'base64',
  empty: 'invalid',
});

function checkMaxResults(max: number | undefined): void {
  if (max !== undefined && (max < 1 || max > 1000)) {
    throw new ServiceError('InvalidParameterValue', `Value ${max} for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.`, 400);
  }
}

export async function listQueues(input: ListQueuesRequest, ctx: SqsContext): Promise<ListQueuesResult> {
  checkMaxResults(input.MaxResults);
  const engine = ctx.state;
  const limit = input.MaxResults ?? 1000;
  const after = (await pageTokens.read(ctx, input.NextToken)) ?? '';
  const names = await engine.store.listQueueNames(ctx.account, ctx.region, input.QueueNamePrefix ?? '', after, limit + 1);
  const page = names.slice(0, limit);
  const out: ListQueuesResult = {};
  if (page.length) out.QueueUrls = page.map((n) => `${engine.env.endpoint}/${ctx.account}/${n}`);
  // Without MaxResults, SQS answers up to 1000 queues and no token.
  if (input.MaxResults !== undefined && names.length > limit) out.NextToken = await pageTokens.issue(ctx, page[page.length - 1]);
  return out;
}

export async function listDeadLetterSourceQueues(input: ListDeadLetterSourceQueuesRequest, ctx: SqsContext): Promise<ListDeadLetterSourceQueuesResult> {
  checkMaxResults(input.MaxResults);
  const engine = ctx.state;
  const queue = await engine.queueAt(input.QueueUrl, ctx);
  const after = (await pageTokens.read(ctx, input.NextToken, queue.arn)) ?? '';
  const limit = input.MaxResults ?? 1000;
  const sources = (await engine.store.deadLetterSources(queue.account, queue.region, queue.arn)).filter((q) => q.name > after);
  const page = sources.slice(0, limit);
  const out: ListDeadLetterSourceQueuesResult = { queueUrls: page.map((q) => engine.urlOf(q)) };
  if (input.MaxResults !== undefined && sources.length > limit) out.NextToken = await pageTokens.issue(ctx, page[page.length - 1].name, queue.arn);
  return out;
}
