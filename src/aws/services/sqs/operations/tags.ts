// Queue tags: at most 50, keys 1–128 and values 0–256 characters.
import type { ListQueueTagsRequest, ListQueueTagsResult, TagQueueRequest, UntagQueueRequest } from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { applyTags, removeTags, validateTags, type TagRules } from '../../../../core/resources/tags.ts';
import { queueDoesNotExist } from '../engine.ts';
import type { Queue } from '../store.ts';
import type { SqsContext } from './context.ts';

/** SQS's tag rules and words: the count first (naming the queue), then each key and value. */
function sqsTags(queueName?: string): TagRules {
  return {
    countFirst: true,
    reserved: false,
    error: (p) => {
      switch (p.kind) {
        case 'count': return new ServiceError('InvalidParameterValue', `Too many tags added for queue ${queueName ?? ''}.`.replace(' .', '.'), 400);
        case 'key': return new ServiceError('InvalidParameterValue', `Tag key must be between 1 and 128 characters: ${p.key}`, 400);
        default: return new ServiceError('InvalidParameterValue', `Tag value must be at most 256 characters: ${p.key}`, 400);
      }
    },
  };
}

export function checkTags(tags: Record<string, string>, queueName?: string): void {
  validateTags(tags, sqsTags(queueName));
}

/**
 * Read-merge-write of a queue's tags in one unit: concurrent TagQueue/UntagQueue calls each merge
 * into what the one before wrote, and none loses another's tags.
 */
async function changeTags(ctx: SqsContext, queue: Queue, change: (tags: Record<string, string>, current: Queue) => Record<string, string>): Promise<void> {
  const store = ctx.state.store;
  await store.atomically(async () => {
    const current = await store.freshQueueById(queue.id);
    if (!current) throw queueDoesNotExist(ctx);
    await store.updateQueueTags(current, change(current.tags, current));
  });
}

export async function tagQueue(input: TagQueueRequest, ctx: SqsContext): Promise<void> {
  const queue = await ctx.state.queueAt(input.QueueUrl, ctx);
  if (!input.Tags || Object.keys(input.Tags).length === 0) {
    throw new ServiceError('MissingParameter', 'The request must contain the parameter Tags.', 400);
  }
  await changeTags(ctx, queue, (tags, current) => applyTags(tags, input.Tags, sqsTags(current.name)));
}

export async function untagQueue(input: UntagQueueRequest, ctx: SqsContext): Promise<void> {
  const queue = await ctx.state.queueAt(input.QueueUrl, ctx);
  if (!input.TagKeys?.length) throw new ServiceError('MissingParameter', 'The request must contain the parameter TagKeys.', 400);
  await changeTags(ctx, queue, (tags) => removeTags(tags, input.TagKeys));
}

export async function listQueueTags(input: ListQueueTagsRequest, ctx: SqsContext): Promise<ListQueueTagsResult> {
  const queue = await ctx.state.queueAt(input.QueueUrl, ctx);
  return Object.keys(queue.tags).length ? { Tags: queue.tags } : {};
}
