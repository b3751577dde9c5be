// Queue tags: at most 50, keys 1–128 and values 0–256 characters.
import type { ListQueueTagsRequest, ListQueueTagsResult, TagQueueRequest, UntagQueueRequest } from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import type { SqsContext } from './context.ts';

const MAX_TAGS = 50;

export function checkTags(tags: Record<string, string>, queueName?: string): void {
  if (Object.keys(tags).length > MAX_TAGS) {
    throw new ServiceError('InvalidParameterValue', `Too many tags added for queue ${queueName ?? ''}.`.replace(' .', '.'), 400);
  }
  for (const [k, v] of Object.entries(tags)) {
    if (k.length < 1 || k.length > 128) throw new ServiceError('InvalidParameterValue', `Tag key must be between 1 and 128 characters: ${k}`, 400);
    if (String(v).length > 256) throw new ServiceError('InvalidParameterValue', `Tag value must be at most 256 characters: ${k}`, 400);
  }
}

export function tagQueue(input: TagQueueRequest, ctx: SqsContext): void {
  const engine = ctx.state;
  const queue = engine.queueAt(input.QueueUrl, ctx);
  if (!input.Tags || Object.keys(input.Tags).length === 0) {
    throw new ServiceError('MissingParameter', 'The request must contain the parameter Tags.', 400);
  }
  const next = { ...queue.tags, ...input.Tags };
  checkTags(next, queue.name);
  engine.store.updateQueueTags(queue, next);
}

export function untagQueue(input: UntagQueueRequest, ctx: SqsContext): void {
  const engine = ctx.state;
  const queue = engine.queueAt(input.QueueUrl, ctx);
  if (!input.TagKeys?.length) throw new ServiceError('MissingParameter', 'The request must contain the parameter TagKeys.', 400);
  const next = { ...queue.tags };
  for (const k of input.TagKeys) delete next[k];
  engine.store.updateQueueTags(queue, next);
}

export function listQueueTags(input: ListQueueTagsRequest, ctx: SqsContext): ListQueueTagsResult {
  const queue = ctx.state.queueAt(input.QueueUrl, ctx);
  return Object.keys(queue.tags).length ? { Tags: queue.tags } : {};
}
