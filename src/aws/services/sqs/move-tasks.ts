// Message move tasks: moving a dead-letter queue's messages back to their source queues (or to one
// destination) at a rate per second of clock time, until the messages that were there when the task
// started are gone. Tasks live in SQLite; running ones resume after a restart.
import type { TimerHandle } from '../../../core/clock.ts';
import { effects, type SqsEngine } from './engine.ts';
import { QueueGone, type MoveTaskRow, type Queue } from './store.ts';
import { parseQueueArn } from './queue-url.ts';
import { moveMessage } from './receive.ts';

/** Without MaxNumberOfMessagesPerSecond SQS picks a rate; ours is the documented maximum. */
export const DEFAULT_RATE = 500;
const TICK_MS = 1000;

const instances = new WeakMap<SqsEngine, MoveTasks>();

export class MoveTasks {
  readonly #engine: SqsEngine;
  #timers = new Map<string, TimerHandle>();

  static of(engine: SqsEngine): MoveTasks {
    let t = instances.get(engine);
    if (!t) {
      t = new MoveTasks(engine);
      instances.set(engine, t);
    }
    return t;
  }

  private constructor(engine: SqsEngine) {
    this.#engine = engine;
    engine.onReset.push(() => this.stop());
  }

  /** Re-arms every task the store says is running (start-up). */
  async resume(): Promise<void> {
    for (const task of await this.#engine.store.runningMoveTasks()) this.schedule(task.handle);
  }

  stop(): void {
    for (const h of this.#timers.values()) this.#engine.clock.clearTimeout(h);
    this.#timers.clear();
  }

  schedule(handle: string): void {
    if (this.#timers.has(handle)) return;
    this.#timers.set(handle, this.#engine.clock.setTimeout(() => {
      this.#timers.delete(handle);
      this.#tick(handle).catch((err: unknown) => this.#engine.env.log.error(`sqs: message move task ${handle} failed a tick`, err));
    }, TICK_MS));
  }

  cancel(handle: string): void {
    const timer = this.#timers.get(handle);
    if (timer) this.#engine.clock.clearTimeout(timer);
    this.#timers.delete(handle);
  }

  /**
   * Moves up to one second's worth of messages; finishes, fails, or schedules the next tick. The
   * task's row is read in the unit that moves and counts, so a cancel cannot fall in between.
   */
  async #tick(handle: string): Promise<void> {
    const engine = this.#engine;
    const store = engine.store;
    const fx = effects();
    const more = await store.atomically(async () => {
      const task = await store.moveTask(handle);
      if (!task || task.status !== 'RUNNING') return false;
      const source = await queueOfArn(engine, task.source_arn);
      if (!source) {
        await store.updateMoveTask(handle, { status: 'FAILED', failure_reason: 'AWS.SimpleQueueService.NonExistentQueue' });
        return false;
      }
      const rate = task.max_per_second ?? DEFAULT_RATE;
      const now = engine.clock.now();
      let failure: string | undefined;
      let moved = 0;
      const rows = await store.oldestBefore(source.id, task.cutoff_seq + 1, rate + 1);
      let more = rows.length > rate;
      for (const row of rows.slice(0, rate)) {
        const targetArn = task.destination_arn ?? row.dead_letter_source;
        const target = targetArn ? await queueOfArn(engine, targetArn) : undefined;
        if (!target) {
          failure = targetArn ? 'AWS.SimpleQueueService.NonExistentQueue' : 'The message has no source queue to return to.';
          more = false;
          break;
        }
        if (target.fifo !== source.fifo) {
          failure = 'The destination queue must be of the same type as the source queue.';
          more = false;
          break;
        }
        try {
          await moveMessage(engine, row, source, target, now, null, fx);
        } catch (err) {
          if (!(err instanceof QueueGone)) throw err;
          failure = 'AWS.SimpleQueueService.NonExistentQueue';
          more = false;
          break;
        }
        moved++;
      }
      await store.updateMoveTask(handle, {
        moved: task.moved + moved,
        ...(failure ? { status: 'FAILED', failure_reason: failure } : more ? {} : { status: 'COMPLETED' }),
      });
      return more;
    });
    engine.apply(fx);
    if (more) this.schedule(handle);
  }
}

export async function queueOfArn(engine: SqsEngine, arn: string): Promise<Queue | undefined> {
  const a = parseQueueArn(arn);
  return a ? engine.store.queue(a.account, a.region, a.name) : undefined;
}

export function taskHandle(taskId: string, sourceArn: string): string {
  return Buffer.from(JSON.stringify({ taskId, sourceArn })).toString('base64');
}

export type { MoveTaskRow };
