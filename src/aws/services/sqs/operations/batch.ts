// What every *Batch operation checks before looking at its entries, and how an entry fails.
import type { BatchResultErrorEntry } from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';

const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const MAX_ENTRIES = 10;

/** `kind` is the entry type's stem: SendMessage, DeleteMessage, ChangeMessageVisibility. */
export function checkBatch(entries: { Id: string }[] | undefined, kind: string): void {
  if (!entries || entries.length === 0) {
    throw new ServiceError('EmptyBatchRequest', `There should be at least one ${kind}BatchRequestEntry in the request.`,
      { status: 400, queryCode: 'AWS.SimpleQueueService.EmptyBatchRequest' });
  }
  if (entries.length > MAX_ENTRIES) {
    throw new ServiceError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are ${MAX_ENTRIES}. You have sent ${entries.length}.`,
      { status: 400, queryCode: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest' });
  }
  const seen = new Set<string>();
  for (const e of entries) {
    if (!ENTRY_ID.test(e.Id)) {
      throw new ServiceError('InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
        { status: 400, queryCode: 'AWS.SimpleQueueService.InvalidBatchEntryId' });
    }
    if (seen.has(e.Id)) {
      throw new ServiceError('BatchEntryIdsNotDistinct', `Id ${e.Id} repeated.`, { status: 400, queryCode: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct' });
    }
    seen.add(e.Id);
  }
}

/** A failed entry, coded as query clients know the error (batch results carry no JSON type). */
export function failedEntry(id: string, err: unknown): BatchResultErrorEntry {
  if (err instanceof ServiceError) {
    return { Id: id, SenderFault: err.senderFault, Code: err.queryCode ?? err.code, Message: err.message };
  }
  return { Id: id, SenderFault: false, Code: 'InternalError', Message: 'We encountered an internal error. Please try again.' };
}
