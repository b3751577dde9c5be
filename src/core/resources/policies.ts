// Resource policies (SQS queue policies, SNS topic policies, Lambda function policies, S3 bucket
// policies, EventBridge bus policies ...), one per resource ARN. The text is kept exactly as the
// client sent it — AWS hands back the document byte for byte — and each write gets a new revision id
// for the services that expose one (Lambda's RevisionId, EventBridge's policy statements).
import { randomUUID } from 'node:crypto';
import type { Database } from '../../store/database.ts';
import { engineDb } from './store.ts';

export interface StoredPolicy {
  policy: string;
  revision: string;
}

export function getPolicy(db: Database, arn: string): StoredPolicy | undefined {
  return engineDb(db).get<StoredPolicy>('SELECT policy, revision FROM resource_policies WHERE arn = ?', arn);
}

/** Stores `policy` for `arn`; with `expectedRevision`, only when the stored one still has it. */
export function putPolicy(db: Database, arn: string, policy: string, expectedRevision?: string): StoredPolicy | undefined {
  const d = engineDb(db);
  return d.transaction(() => {
    if (expectedRevision !== undefined && getPolicy(d, arn)?.revision !== expectedRevision) return undefined;
    const revision = randomUUID();
    d.run(
      'INSERT INTO resource_policies (arn, policy, revision) VALUES (?, ?, ?) ON CONFLICT(arn) DO UPDATE SET policy = excluded.policy, revision = excluded.revision',
      arn, policy, revision,
    );
    return { policy, revision };
  });
}

/** Removes the policy; false when there was none. */
export function deletePolicy(db: Database, arn: string): boolean {
  return Number(engineDb(db).run('DELETE FROM resource_policies WHERE arn = ?', arn).changes) > 0;
}
