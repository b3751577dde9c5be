// Receipt handles: one per receive of a message. The handle names the queue (by its internal id, so a
// re-created queue does not accept the old queue's handles), the message and this receive.
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../../../core/errors.ts';

const PREFIX = 'AQEB';

export interface Receipt {
  queueId: number;
  seq: number;
}

export function newReceipt(queueId: number, seq: number): string {
  return PREFIX + Buffer.from(`${queueId}:${seq}:${randomUUID()}`).toString('base64');
}

export function parseReceipt(handle: string): Receipt {
  if (handle.startsWith(PREFIX)) {
    const text = Buffer.from(handle.slice(PREFIX.length), 'base64').toString('latin1');
    const m = /^(\d+):(\d+):[0-9a-f-]{36}$/.exec(text);
    if (m) return { queueId: Number(m[1]), seq: Number(m[2]) };
  }
  throw invalidReceipt(handle);
}

export function invalidReceipt(handle: string): ServiceError {
  return new ServiceError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`, 404);
}
