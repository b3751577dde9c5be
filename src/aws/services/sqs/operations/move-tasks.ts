// StartMessageMoveTask, CancelMessageMoveTask, ListMessageMoveTasks: redriving a dead-letter queue.
import { randomUUID } from 'node:crypto';
import type {
  StartMessageMoveTaskRequest, StartMessageMoveTaskResult, CancelMessageMoveTaskRequest, CancelMessageMoveTaskResult,
  ListMessageMoveTasksRequest, ListMessageMoveTasksResult, ListMessageMoveTasksResultEntry,
} from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { MoveTasks, queueOfArn, taskHandle } from '../move-tasks.ts';
import type { MoveTaskRow } from '../store.ts';
import type { SqsContext } from './context.ts';

function notFound(message: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', message, { status: 404, queryCode: 'ResourceNotFoundException' });
}

function invalid(message: string): ServiceError {
  return new ServiceError('InvalidParameterValue', message, 400);
}

export async function startMessageMoveTask(input: StartMessageMoveTaskRequest, ctx: SqsContext): Promise<StartMessageMoveTaskResult> {
  const engine = ctx.state;
  const store = engine.store;
  const source = await queueOfArn(engine, input.SourceArn);
  if (!source) throw notFound('The resource that you specified for the SourceArn parameter doesn\'t exist.');
  if ((await store.deadLetterSources(source.account, source.region, source.arn)).length === 0) {
    throw invalid('Source queue must be configured as a Dead Letter Queue.');
  }
  if (input.DestinationArn !== undefined) {
    const destination = await queueOfArn(engine, input.DestinationArn);
    if (!destination) throw notFound('The resource that you specified for the DestinationArn parameter doesn\'t exist.');
    if (destination.fifo !== source.fifo) throw invalid('The destination queue must be of the same type as the source queue.');
  }
  const rate = input.MaxNumberOfMessagesPerSecond;
  if (rate !== undefined && (rate < 1 || rate > 500)) {
    throw invalid(`Value ${rate} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.`);
  }
  const handle = taskHandle(randomUUID(), source.arn);
  // One running task per source: the check and the insert are one unit, so of two concurrent starts
  // one runs and the other is told a task is running.
  await store.atomically(async () => {
    if ((await store.moveTasks(source.account, source.region, source.arn, 10)).some((t) => t.status === 'RUNNING')) {
      throw invalid('There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
    }
    const cutoff = await store.maxSeq();
    const task: MoveTaskRow = {
      handle,
      account: source.account,
      region: source.region,
      source_arn: source.arn,
      destination_arn: input.DestinationArn ?? null,
      max_per_second: rate ?? null,
      status: 'RUNNING',
      moved: 0,
      to_move: await store.countBefore(source.id, cutoff + 1),
      failure_reason: null,
      started_at: ctx.clock.now(),
      cutoff_seq: cutoff,
    };
    await store.insertMoveTask(task);
  });
  MoveTasks.of(engine).schedule(handle);
  return { TaskHandle: handle };
}

export async function cancelMessageMoveTask(input: CancelMessageMoveTaskRequest, ctx: SqsContext): Promise<CancelMessageMoveTaskResult> {
  const engine = ctx.state;
  const store = engine.store;
  // The task's status decides: read and cancel in one unit (a tick of the task is one too).
  const task = await store.atomically(async () => {
    const task = await store.moveTask(input.TaskHandle);
    if (!task) throw notFound('Task does not exist.');
    if (task.status !== 'RUNNING') {
      throw new ServiceError('UnsupportedOperation', 'Only active tasks can be cancelled.',
        { status: 400, queryCode: 'AWS.SimpleQueueService.UnsupportedOperation' });
    }
    await store.updateMoveTask(task.handle, { status: 'CANCELLED' });
    return task;
  });
  MoveTasks.of(engine).cancel(task.handle);
  return { ApproximateNumberOfMessagesMoved: task.moved };
}

export async function listMessageMoveTasks(input: ListMessageMoveTasksRequest, ctx: SqsContext): Promise<ListMessageMoveTasksResult> {
  const engine = ctx.state;
  const source = await queueOfArn(engine, input.SourceArn);
  if (!source) throw notFound('The resource that you specified for the SourceArn parameter doesn\'t exist.');
  const max = input.MaxResults ?? 1;
  if (max < 1 || max > 10) throw invalid(`Value ${max} for parameter MaxResults is invalid. Reason: You must enter a number that's between 1 and 10.`);
  const tasks = await engine.store.moveTasks(source.account, source.region, source.arn, max);
  return { Results: tasks.map(entry) };
}

function entry(t: MoveTaskRow): ListMessageMoveTasksResultEntry {
  const e: ListMessageMoveTasksResultEntry = {
    Status: t.status,
    SourceArn: t.source_arn,
    ApproximateNumberOfMessagesMoved: t.moved,
    ApproximateNumberOfMessagesToMove: t.to_move,
    StartedTimestamp: t.started_at,
  };
  // Only a running task's handle is shown: it is what CancelMessageMoveTask takes.
  if (t.status === 'RUNNING') e.TaskHandle = t.handle;
  if (t.destination_arn) e.DestinationArn = t.destination_arn;
  if (t.max_per_second !== null) e.MaxNumberOfMessagesPerSecond = t.max_per_second;
  if (t.failure_reason) e.FailureReason = t.failure_reason;
  return e;
}
