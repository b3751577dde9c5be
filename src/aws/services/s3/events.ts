// Event notifications: a bucket's notification configuration matched against each change, and the
// real record shapes delivered (env.deliver) to SQS queues, SNS topics, Lambda functions and, for
// EventBridge-enabled buckets, the account's default event bus. Deliveries run after the request
// has been answered and never fail it; every attempt shows in the request log.
import { randomUUID } from 'node:crypto';
import type { Environment } from '../../../core/environment.ts';
import type { Bucket, S3Store } from './store.ts';
import type { Ctx } from './common.ts';
import { bucketArn, canonicalId } from './common.ts';
import { urlEncodeKey } from './keys.ts';
import { formatArn } from '../../../core/resources/arn.ts';

export interface FilterRule {
  Name?: string;
  Value?: string;
}

interface Destination {
  Id?: string;
  Events?: string[];
  Filter?: { Key?: { FilterRules?: FilterRule[] } };
}

export interface NotificationConfiguration {
  TopicConfigurations?: Array<Destination & { TopicArn?: string }>;
  QueueConfigurations?: Array<Destination & { QueueArn?: string }>;
  LambdaFunctionConfigurations?: Array<Destination & { LambdaFunctionArn?: string }>;
  EventBridgeConfiguration?: Record<string, never>;
}

/** What changed, as the record's s3.object says. */
export interface EventObject {
  key: string;
  size?: number;
  etag?: string;
  versionId?: string;
}

/** Who caused it, for userIdentity / requester. */
export interface EventSource {
  account: string;
  region: string;
  requestId?: string;
  principal?: string;
  sourceIp?: string;
}

export const EVENT_NAMES = [
  's3:TestEvent', 's3:ObjectCreated:*', 's3:ObjectCreated:Put', 's3:ObjectCreated:Post', 's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload', 's3:ObjectRemoved:*', 's3:ObjectRemoved:Delete', 's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*', 's3:ObjectRestore:Post', 's3:ObjectRestore:Completed', 's3:ObjectRestore:Delete', 's3:ReducedRedundancyLostObject',
  's3:Replication:*', 's3:Replication:OperationFailedReplication', 's3:Replication:OperationNotTracked',
  's3:Replication:OperationMissedThreshold', 's3:Replication:OperationReplicatedAfterThreshold', 's3:LifecycleExpiration:*',
  's3:LifecycleExpiration:Delete', 's3:LifecycleExpiration:DeleteMarkerCreated', 's3:LifecycleTransition', 's3:IntelligentTiering',
  's3:ObjectTagging:*', 's3:ObjectTagging:Put', 's3:ObjectTagging:Delete', 's3:ObjectAcl:Put',
];

/** EventBridge detail types and reasons, by S3 event name. */
function eventBridgeShape(event: string): { detailType: string; reason?: string; deletionType?: string } | undefined {
  switch (event) {
    case 'ObjectCreated:Put': return { detailType: 'Object Created', reason: 'PutObject' };
    case 'ObjectCreated:Post': return { detailType: 'Object Created', reason: 'POST Object' };
    case 'ObjectCreated:Copy': return { detailType: 'Object Created', reason: 'CopyObject' };
    case 'ObjectCreated:CompleteMultipartUpload': return { detailType: 'Object Created', reason: 'CompleteMultipartUpload' };
    case 'ObjectRemoved:Delete': return { detailType: 'Object Deleted', reason: 'DeleteObject', deletionType: 'Permanently Deleted' };
    case 'ObjectRemoved:DeleteMarkerCreated': return { detailType: 'Object Deleted', reason: 'DeleteObject', deletionType: 'Delete Marker Created' };
    case 'LifecycleExpiration:Delete': return { detailType: 'Object Deleted', reason: 'Lifecycle Expiration', deletionType: 'Permanently Deleted' };
    case 'LifecycleExpiration:DeleteMarkerCreated': return { detailType: 'Object Deleted', reason: 'Lifecycle Expiration', deletionType: 'Delete Marker Created' };
    case 'ObjectTagging:Put': return { detailType: 'Object Tags Added' };
    case 'ObjectTagging:Delete': return { detailType: 'Object Tags Deleted' };
    case 'ObjectAcl:Put': return { detailType: 'Object ACL Updated' };
    case 'ObjectRestore:Post': return { detailType: 'Object Restore Initiated' };
    case 'ObjectRestore:Completed': return { detailType: 'Object Restore Completed' };
    default: return undefined;
  }
}

/** Whether a configured event name (with `*` wildcards) covers `event` ("ObjectCreated:Put"). */
export function eventMatches(configured: string, event: string): boolean {
  const name = configured.startsWith('s3:') ? configured.slice(3) : configured;
  if (name.endsWith('*')) return event.startsWith(name.slice(0, -1));
  return name === event;
}

function keyMatches(filter: Destination['Filter'], key: string): boolean {
  for (const rule of filter?.Key?.FilterRules ?? []) {
    const v = rule.Value ?? '';
    const n = (rule.Name ?? '').toLowerCase();
    if (n === 'prefix' && !key.startsWith(v)) return false;
    if (n === 'suffix' && !key.endsWith(v)) return false;
  }
  return true;
}


let sequence = 0n;
/** Increasing per event, as S3's sequencer orders the events of one key. */
function sequencer(now: number): string {
  sequence++;
  return (BigInt(now) * 1000000n + (sequence % 1000000n)).toString(16).toUpperCase().padStart(18, '0');
}

function record(event: string, bucket: string, obj: EventObject, src: EventSource, configurationId: string, time: string, seq: string): Record<string, unknown> {
  const object: Record<string, unknown> = { key: urlEncodeKey(obj.key) };
  if (obj.size !== undefined) object.size = obj.size;
  if (obj.etag) object.eTag = obj.etag.replace(/"/g, '');
  if (obj.versionId && obj.versionId !== 'null') object.versionId = obj.versionId;
  object.sequencer = seq;
  return {
    eventVersion: /^(Lifecycle|IntelligentTiering|ObjectTagging|ObjectAcl|ObjectRestore:Delete)/.test(event) ? '2.3' : '2.1',
    eventSource: 'aws:s3',
    awsRegion: src.region,
    eventTime: time,
    eventName: event,
    userIdentity: { principalId: event.startsWith('Lifecycle') ? 's3.amazonaws.com' : (src.principal ?? `AWS:${src.account}`) },
    requestParameters: { sourceIPAddress: src.sourceIp ?? '127.0.0.1' },
    responseElements: { 'x-amz-request-id': src.requestId ?? '', 'x-amz-id-2': 'fogbank' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId,
      bucket: { name: bucket, ownerIdentity: { principalId: canonicalId(src.account) }, arn: bucketArn(bucket) },
      object,
    },
  };
}

function deliverLater(env: Environment, target: string, body: string, bucket: string, requestId: string | undefined, options?: Record<string, unknown>): void {
  // After the response: a delivery never delays or fails the S3 request that caused it.
  setImmediate(() => {
    env
      .deliver({ target, body, options, source: { service: 's3', arn: bucketArn(bucket), requestId } })
      .catch((err) => env.log.warn(`s3: notification of ${bucket} to ${target} failed: ${(err as Error)?.message ?? err}`));
  });
}

/** Sends `event` ("ObjectCreated:Put") about `obj` to every destination of the bucket that wants it. */
export async function notify(env: Environment, store: S3Store, bucket: string, bucketAccount: string, event: string, obj: EventObject, src: EventSource): Promise<void> {
  const config = await store.cachedConfig<NotificationConfiguration>(bucket, 'notification');
  if (!config) return;
  const now = env.clock.now();
  const time = new Date(now).toISOString();
  const seq = sequencer(now);
  const targets: Array<[string, Destination, string]> = [];
  for (const c of config.QueueConfigurations ?? []) if (c.QueueArn) targets.push([c.QueueArn, c, 'sqs']);
  for (const c of config.TopicConfigurations ?? []) if (c.TopicArn) targets.push([c.TopicArn, c, 'sns']);
  for (const c of config.LambdaFunctionConfigurations ?? []) if (c.LambdaFunctionArn) targets.push([c.LambdaFunctionArn, c, 'lambda']);
  for (const [arn, c, kind] of targets) {
    if (!(c.Events ?? []).some((e) => eventMatches(e, event)) || !keyMatches(c.Filter, obj.key)) continue;
    const body = JSON.stringify({ Records: [record(event, bucket, obj, src, c.Id ?? '', time, seq)] });
    const options: Record<string, unknown> | undefined =
      kind === 'sns' ? { subject: 'Amazon S3 Notification' } : kind === 'lambda' ? { invocationType: 'Event' } : undefined;
    deliverLater(env, arn, body, bucket, src.requestId, options);
  }
  if (config.EventBridgeConfiguration) {
    const shape = eventBridgeShape(event);
    if (!shape) return;
    const detail: Record<string, unknown> = {
      version: '0',
      bucket: { name: bucket },
      object: {
        key: obj.key,
        ...(obj.size !== undefined ? { size: obj.size } : {}),
        ...(obj.etag ? { etag: obj.etag.replace(/"/g, '') } : {}),
        ...(obj.versionId && obj.versionId !== 'null' ? { 'version-id': obj.versionId } : {}),
        sequencer: seq,
      },
      'request-id': src.requestId ?? '',
      requester: event.startsWith('Lifecycle') ? 's3.amazonaws.com' : src.account,
      'source-ip-address': src.sourceIp ?? '127.0.0.1',
      ...(shape.reason ? { reason: shape.reason } : {}),
      ...(shape.deletionType ? { 'deletion-type': shape.deletionType } : {}),
    };
    const busArn = formatArn({ service: 'events', region: src.region, account: bucketAccount, resource: 'event-bus/default' });
    // The body is the whole event as EventBridge would put it on the bus; options repeat the
    // envelope fields for a receiver that builds its own.
    const eventBody = {
      version: '0',
      id: randomUUID(),
      'detail-type': shape.detailType,
      source: 'aws.s3',
      account: bucketAccount,
      time: time.replace(/\.\d{3}Z$/, 'Z'),
      region: src.region,
      resources: [bucketArn(bucket)],
      detail,
    };
    deliverLater(env, busArn, JSON.stringify(eventBody), bucket, src.requestId, {
      source: 'aws.s3',
      detailType: shape.detailType,
      'detail-type': shape.detailType,
      resources: [bucketArn(bucket)],
      detail: JSON.stringify(detail),
    });
  }
}

/** The s3:TestEvent S3 sends to SQS and SNS destinations when a configuration is saved. */
export function sendTestEvents(env: Environment, bucket: string, config: NotificationConfiguration, requestId: string): void {
  const body = JSON.stringify({
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: new Date(env.clock.now()).toISOString(),
    Bucket: bucket,
    RequestId: requestId,
    HostId: 'fogbank',
  });
  for (const c of config.QueueConfigurations ?? []) if (c.QueueArn) deliverLater(env, c.QueueArn, body, bucket, requestId);
  for (const c of config.TopicConfigurations ?? []) if (c.TopicArn) deliverLater(env, c.TopicArn, body, bucket, requestId, { subject: 'Amazon S3 Notification' });
}

/** `notify` on behalf of a request (after its unit of work: deliveries never run inside one). */
export async function emit(ctx: Ctx, bucket: Bucket, event: string, obj: EventObject): Promise<void> {
  await notify(ctx.env, ctx.state, bucket.name, bucket.account, event, obj, {
    account: ctx.account,
    region: bucket.region,
    requestId: ctx.requestId,
    principal: `AWS:${ctx.caller.userId}`,
    sourceIp: sourceIp(ctx),
  });
}

function sourceIp(ctx: Ctx): string {
  const xff = ctx.http.headers['x-forwarded-for'];
  const first = (Array.isArray(xff) ? xff[0] : xff)?.split(',')[0]?.trim();
  return first || '127.0.0.1';
}
