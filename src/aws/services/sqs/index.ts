// Amazon SQS: standard and FIFO queues with real delivery semantics (visibility, delays, long polling,
// deduplication, message groups, dead-letter redrive, message move tasks), in both of SQS's wire
// protocols: JSON for current SDKs and the query protocol for older ones (boto3 ≤ 1.28, CLI ≤ 2.13).
import { readFileSync } from 'node:fs';
import { defineService } from '../../service.ts';
import type { ServiceModel } from '../../protocol/model.ts';
import type { SqsHandlers } from './generated/types.ts';
import { SqsEngine } from './engine.ts';
import { MoveTasks } from './move-tasks.ts';
import { deliver } from './deliver.ts';
import { adminRoutes } from './admin.ts';
import { queueUrlFromPath } from './query-path.ts';
import { createQueue, deleteQueue, getQueueUrl, listDeadLetterSourceQueues, listQueues, purgeQueue } from './operations/queues.ts';
import { getQueueAttributes, setQueueAttributes } from './operations/attributes.ts';
import { listQueueTags, tagQueue, untagQueue } from './operations/tags.ts';
import { addPermission, removePermission } from './operations/permissions.ts';
import { receiveMessage, sendMessageBatch, sendMessageOp } from './operations/messages.ts';
import {
  changeMessageVisibility, changeMessageVisibilityBatch, deleteMessage, deleteMessageBatch,
} from './operations/receipts.ts';
import { cancelMessageMoveTask, listMessageMoveTasks, startMessageMoveTask } from './operations/move-tasks.ts';

const load = (file: string): ServiceModel => JSON.parse(readFileSync(new URL(`./generated/${file}`, import.meta.url), 'utf8'));
const model = load('model.json');
const queryModel = load('model.query.json');
// The namespace SQS's query responses declare; no model source carries it any more.
queryModel.metadata.xmlNamespace = 'http://queue.amazonaws.com/doc/2012-11-05/';

export default defineService<SqsHandlers, SqsEngine>({
  name: 'sqs',
  model,
  queryModel,
  // SQS checks its enums (attribute names) itself, with its own codes: no Coral constraint messages.
  hooks: {
    missingParameter: 'MissingParameter',
    constraints: false,
    // Messages and batches are at most 1 MiB; percent-encoding in a query form can triple that. A
    // larger body (raw, or inflated from Content-Encoding) cannot be a valid request.
    maxRequestBytes: 4 * 1024 * 1024,
  },
  state: (env) => new SqsEngine(env),
  start: (env, engine) => {
    // Re-arming reads the store: in the background, and a failure is logged, never thrown unhandled.
    const failed = (what: string) => (err: unknown) => env.log.error(`sqs: ${what} failed at start-up`, err);
    engine.start().catch(failed('re-arming retention timers'));
    const tasks = MoveTasks.of(engine);
    tasks.resume().catch(failed('resuming message move tasks'));
    return () => {
      tasks.stop();
      engine.stop();
    };
  },
  intercept: (http) => {
    queueUrlFromPath(http);
    return undefined;
  },
  deliver,
  admin: adminRoutes(queryModel),
  handlers: {
    AddPermission: addPermission,
    CancelMessageMoveTask: cancelMessageMoveTask,
    ChangeMessageVisibility: changeMessageVisibility,
    ChangeMessageVisibilityBatch: changeMessageVisibilityBatch,
    CreateQueue: createQueue,
    DeleteMessage: deleteMessage,
    DeleteMessageBatch: deleteMessageBatch,
    DeleteQueue: deleteQueue,
    GetQueueAttributes: getQueueAttributes,
    GetQueueUrl: getQueueUrl,
    ListDeadLetterSourceQueues: listDeadLetterSourceQueues,
    ListMessageMoveTasks: listMessageMoveTasks,
    ListQueueTags: listQueueTags,
    ListQueues: listQueues,
    PurgeQueue: purgeQueue,
    ReceiveMessage: receiveMessage,
    RemovePermission: removePermission,
    SendMessage: sendMessageOp,
    SendMessageBatch: sendMessageBatch,
    SetQueueAttributes: setQueueAttributes,
    StartMessageMoveTask: startMessageMoveTask,
    TagQueue: tagQueue,
    UntagQueue: untagQueue,
  },
});
