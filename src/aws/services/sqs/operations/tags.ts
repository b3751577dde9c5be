// Queue tags: at most 50, keys 1–128 and values 0–256 characters.
import type { ListQueueTagsRequest, ListQueueTagsResult, TagQueueRequest, UntagQueueRequest } from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { applyTags, removeTags, validateTags, type TagRules } from '../../../../core/resources/tags.ts';
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

export function tagQueue(input: TagQueueRequest, ctx: SqsContext): void {
  const engine = ctx.state;
  const queue = engine.queueAt(input.QueueUrl, ctx);
  if (!input.Tags || Object.keys(input.Tags).length === 0) {
    throw new ServiceError('MissingParameter', 'The request must contain the parameter Tags.', 400);
  }
  engine.store.updateQueueTags(queue, applyTags(queue.tags, input.Tags, sqsTags(queue.name)));
}

export function untagQueue(input: UntagQueueRequest, ctx: SqsContext): void {
  const engine = ctx.state;
  const queue = engine.queueAt(input.QueueUrl, ctx);
  if (!input.TagKeys?.length) throw new ServiceError('MissingParameter', 'The request must contain the parameter TagKeys.', 400);
  engine.store.updateQueueTags(queue, removeTags(queue.tags, input.TagKeys));
}

export function listQueueTags(input: ListQueueTagsRequest, ctx: SqsContext): ListQueueTagsResult {
  const queue = ctx.state.queueAt(input.QueueUrl, ctx);
  return Object.keys(queue.tags).length ? { Tags: queue.tags } : {};
}
