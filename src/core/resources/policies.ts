// Resource policies (SQS queue policies, SNS topic policies, Lambda function policies, S3 bucket
// policies, EventBridge bus policies ...), one per resource ARN. The text is kept exactly as the
// client sent it — AWS hands back the document byte for byte — and each write gets a new revision id
// for the services that expose one (Lambda's RevisionId, EventBridge's policy statements).
import { randomUUID } from 'node:crypto';
import type { Statements, Store } from '../store.ts';
import { engineStore } from './store.ts';

export interface StoredPolicy {
  policy: string;
  revision: string;
}

export async function getPolicy(store: Store, arn: string): Promise<StoredPolicy | undefined> {
  return await read(engineStore(store), arn);
}

/** Stores `policy` for `arn`; with `expectedRevision`, only when the stored one still has it. */
export async function putPolicy(store: Store, arn: string, policy: string, expectedRevision?: string): Promise<StoredPolicy | undefined> {
  // The revision check and the write are one unit: two writers holding one revision cannot both win.
  return await engineStore(store).unit(async (tx) => {
    if (expectedRevision !== undefined && (await read(tx, arn))?.revision !== expectedRevision) return undefined;
    const revision = randomUUID();
    await tx.run(
      'INSERT INTO resource_policies (arn, policy, revision) VALUES (?, ?, ?) ON CONFLICT(arn) DO UPDATE SET policy = excluded.policy, revision = excluded.revision',
      arn, policy, revision,
    );
    return { policy, revision };
  });
}

/** Removes the policy; false when there was none. */
export async function deletePolicy(store: Store, arn: string): Promise<boolean> {
  return Number((await engineStore(store).run('DELETE FROM resource_policies WHERE arn = ?', arn)).changes) > 0;
}

function read(s: Statements, arn: string): Promise<StoredPolicy | undefined> {
  return s.get<StoredPolicy>('SELECT policy, revision FROM resource_policies WHERE arn = ?', arn);
}
