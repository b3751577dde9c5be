// Bucket configurations (stored, validated, answered back), notifications with the real record
// shapes, lifecycle rules run on the virtual clock, and Object Lock enforced on delete.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as S from '@aws-sdk/client-s3';
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import type { Delivery } from '../../../core/delivery.ts';

let fb: TestFogbank;
let s3: S.S3Client;
let deliveries: Delivery[] = [];

before(async () => {
  fb = await startFogbank();
  s3 = fb.client(S.S3Client);
  // Record what S3 hands to env.deliver, then pass it on to the receiving service as usual.
  const env = fb.instance.env;
  const real = env.deliver;
  env.deliver = (d) => {
    deliveries.push(d);
    return real(d);
  };
});
after(() => fb.stop());
beforeEach(async () => {
  await fb.reset();
  deliveries = [];
});

const DAY = 86_400_000;

async function until<T>(f: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('tagging, CORS, encryption, public access block, ownership: stored and answered back', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'cfg' }));
  await assert.rejects(s3.send(new S.GetBucketTaggingCommand({ Bucket: 'cfg' })), { name: 'NoSuchTagSet' });
  await s3.send(new S.PutBucketTaggingCommand({ Bucket: 'cfg', Tagging: { TagSet: [{ Key: 'team', Value: 'a' }, { Key: 'env', Value: 'dev' }] } }));
  assert.deepEqual((await s3.send(new S.GetBucketTaggingCommand({ Bucket: 'cfg' }))).TagSet, [{ Key: 'team', Value: 'a' }, { Key: 'env', Value: 'dev' }]);
  await assert.rejects(s3.send(new S.PutBucketTaggingCommand({ Bucket: 'cfg', Tagging: { TagSet: [{ Key: 'aws:x', Value: 'a' }] } })), { name: 'InvalidTag' });
  await s3.send(new S.DeleteBucketTaggingCommand({ Bucket: 'cfg' }));
  await assert.rejects(s3.send(new S.GetBucketTaggingCommand({ Bucket: 'cfg' })), { name: 'NoSuchTagSet' });

  await assert.rejects(s3.send(new S.GetBucketCorsCommand({ Bucket: 'cfg' })), { name: 'NoSuchCORSConfiguration' });
  await assert.rejects(
    s3.send(new S.PutBucketCorsCommand({ Bucket: 'cfg', CORSConfiguration: { CORSRules: [{ AllowedMethods: ['PATCH'], AllowedOrigins: ['*'] }] } })),
    { name: 'InvalidRequest' },
  );
  const rules = [{ ID: 'r1', AllowedMethods: ['GET', 'HEAD'], AllowedOrigins: ['https://a.example'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 30 }];
  await s3.send(new S.PutBucketCorsCommand({ Bucket: 'cfg', CORSConfiguration: { CORSRules: rules } }));
  assert.deepEqual((await s3.send(new S.GetBucketCorsCommand({ Bucket: 'cfg' }))).CORSRules, rules);
  await s3.send(new S.DeleteBucketCorsCommand({ Bucket: 'cfg' }));

  const enc = await s3.send(new S.GetBucketEncryptionCommand({ Bucket: 'cfg' }));
  assert.equal(enc.ServerSideEncryptionConfiguration!.Rules![0].ApplyServerSideEncryptionByDefault!.SSEAlgorithm, 'AES256');
  await s3.send(new S.PutBucketEncryptionCommand({
    Bucket: 'cfg',
    ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/bucket-key' }, BucketKeyEnabled: true }] },
  }));
  const put = await s3.send(new S.PutObjectCommand({ Bucket: 'cfg', Key: 'k', Body: 'x' }));
  assert.equal(put.ServerSideEncryption, 'aws:kms');
  assert.equal(put.SSEKMSKeyId, 'alias/bucket-key');
  assert.equal(put.BucketKeyEnabled, true);
  await s3.send(new S.DeleteBucketEncryptionCommand({ Bucket: 'cfg' }));
  assert.equal((await s3.send(new S.PutObjectCommand({ Bucket: 'cfg', Key: 'k2', Body: 'x' }))).ServerSideEncryption, 'AES256');

  const pab = await s3.send(new S.GetPublicAccessBlockCommand({ Bucket: 'cfg' }));
  assert.deepEqual(pab.PublicAccessBlockConfiguration, { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
  await s3.send(new S.PutPublicAccessBlockCommand({ Bucket: 'cfg', PublicAccessBlockConfiguration: { BlockPublicAcls: false } }));
  assert.equal((await s3.send(new S.GetPublicAccessBlockCommand({ Bucket: 'cfg' }))).PublicAccessBlockConfiguration!.BlockPublicPolicy, false);
  await s3.send(new S.DeletePublicAccessBlockCommand({ Bucket: 'cfg' }));
  await assert.rejects(s3.send(new S.GetPublicAccessBlockCommand({ Bucket: 'cfg' })), { name: 'NoSuchPublicAccessBlockConfiguration' });

  await s3.send(new S.PutBucketOwnershipControlsCommand({ Bucket: 'cfg', OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] } }));
  assert.equal((await s3.send(new S.GetBucketOwnershipControlsCommand({ Bucket: 'cfg' }))).OwnershipControls!.Rules![0].ObjectOwnership, 'BucketOwnerPreferred');
  await s3.send(new S.PutBucketAclCommand({ Bucket: 'cfg', ACL: 'public-read' }));
  const acl = await s3.send(new S.GetBucketAclCommand({ Bucket: 'cfg' }));
  assert.deepEqual(acl.Grants!.map((g) => g.Permission), ['FULL_CONTROL', 'READ']);
  await s3.send(new S.DeleteBucketOwnershipControlsCommand({ Bucket: 'cfg' }));
  await assert.rejects(s3.send(new S.GetBucketOwnershipControlsCommand({ Bucket: 'cfg' })), { name: 'OwnershipControlsNotFoundError' });
});

test('bucket policies: validated, blocked when public unless allowed, status reported', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'pol' }));
  await assert.rejects(s3.send(new S.GetBucketPolicyCommand({ Bucket: 'pol' })), { name: 'NoSuchBucketPolicy' });
  await assert.rejects(s3.send(new S.PutBucketPolicyCommand({ Bucket: 'pol', Policy: 'not json' })), { name: 'MalformedPolicy' });
  await assert.rejects(s3.send(new S.PutBucketPolicyCommand({ Bucket: 'pol', Policy: '{"Version":"2012-10-17"}' })), { name: 'MalformedPolicy', message: 'Missing required field Statement' });
  const statement = (resource: string, principal: unknown) => JSON.stringify({
    Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 's3:GetObject', Resource: resource }],
  });
  await assert.rejects(s3.send(new S.PutBucketPolicyCommand({ Bucket: 'pol', Policy: statement('arn:aws:s3:::other/*', '*') })), { name: 'MalformedPolicy', message: 'Policy has invalid resource' });
  for (const principal of [{ AWS: 'bob' }, { AWS: 'AKIAIOSFODNN7EXAMPLE' }, { AWS: 'arn:aws:iam::123456789012:user/*' }, { AWS: ['123456789012', 'arn:aws:iam::12345:root'] }]) {
    await assert.rejects(s3.send(new S.PutBucketPolicyCommand({ Bucket: 'pol', Policy: statement('arn:aws:s3:::pol/*', principal) })), { name: 'MalformedPolicy', message: 'Invalid principal in policy' }, JSON.stringify(principal));
  }
  for (const principal of [{ AWS: '123456789012' }, { AWS: 'arn:aws:iam::123456789012:role/app' }, { Service: 'cloudfront.amazonaws.com' }]) {
    await s3.send(new S.PutBucketPolicyCommand({ Bucket: 'pol', Policy: statement('arn:aws:s3:::pol/*', principal) }));
  }
  const publicPolicy = statement('arn:aws:s3:::pol/*', '*');
  await assert.rejects(s3.send(new S.PutBucketPolicyCommand({ Bucket: 'pol', Policy: publicPolicy })), { name: 'AccessDenied' });
  const privatePolicy = statement('arn:aws:s3:::pol/*', { AWS: 'arn:aws:iam::123456789012:root' });
  await s3.send(new S.PutBucketPolicyCommand({ Bucket: 'pol', Policy: privatePolicy }));
  assert.equal((await s3.send(new S.GetBucketPolicyCommand({ Bucket: 'pol' }))).Policy, privatePolicy);
  assert.equal((await s3.send(new S.GetBucketPolicyStatusCommand({ Bucket: 'pol' }))).PolicyStatus!.IsPublic, false);
  await s3.send(new S.DeletePublicAccessBlockCommand({ Bucket: 'pol' }));
  await s3.send(new S.PutBucketPolicyCommand({ Bucket: 'pol', Policy: publicPolicy }));
  assert.equal((await s3.send(new S.GetBucketPolicyStatusCommand({ Bucket: 'pol' }))).PolicyStatus!.IsPublic, true);
  await s3.send(new S.DeleteBucketPolicyCommand({ Bucket: 'pol' }));
  await assert.rejects(s3.send(new S.GetBucketPolicyStatusCommand({ Bucket: 'pol' })), { name: 'NoSuchBucketPolicy' });
});

test('website, request payment, acceleration, logging, replication, versioning rules', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'misc' }));
  await assert.rejects(s3.send(new S.GetBucketWebsiteCommand({ Bucket: 'misc' })), { name: 'NoSuchWebsiteConfiguration' });
  await assert.rejects(s3.send(new S.PutBucketWebsiteCommand({ Bucket: 'misc', WebsiteConfiguration: { ErrorDocument: { Key: 'e.html' } } })), { name: 'InvalidArgument' });
  await s3.send(new S.PutBucketWebsiteCommand({ Bucket: 'misc', WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'e.html' } } }));
  assert.equal((await s3.send(new S.GetBucketWebsiteCommand({ Bucket: 'misc' }))).IndexDocument!.Suffix, 'index.html');
  await s3.send(new S.DeleteBucketWebsiteCommand({ Bucket: 'misc' }));

  assert.equal((await s3.send(new S.GetBucketRequestPaymentCommand({ Bucket: 'misc' }))).Payer, 'BucketOwner');
  await s3.send(new S.PutBucketRequestPaymentCommand({ Bucket: 'misc', RequestPaymentConfiguration: { Payer: 'Requester' } }));
  assert.equal((await s3.send(new S.GetBucketRequestPaymentCommand({ Bucket: 'misc' }))).Payer, 'Requester');

  assert.equal((await s3.send(new S.GetBucketAccelerateConfigurationCommand({ Bucket: 'misc' }))).Status, undefined);
  await s3.send(new S.PutBucketAccelerateConfigurationCommand({ Bucket: 'misc', AccelerateConfiguration: { Status: 'Enabled' } }));
  assert.equal((await s3.send(new S.GetBucketAccelerateConfigurationCommand({ Bucket: 'misc' }))).Status, 'Enabled');

  assert.equal((await s3.send(new S.GetBucketLoggingCommand({ Bucket: 'misc' }))).LoggingEnabled, undefined);
  await assert.rejects(
    s3.send(new S.PutBucketLoggingCommand({ Bucket: 'misc', BucketLoggingStatus: { LoggingEnabled: { TargetBucket: 'nowhere', TargetPrefix: 'l/' } } })),
    { name: 'InvalidTargetBucketForLogging' },
  );
  await s3.send(new S.CreateBucketCommand({ Bucket: 'misc-logs' }));
  await s3.send(new S.PutBucketLoggingCommand({ Bucket: 'misc', BucketLoggingStatus: { LoggingEnabled: { TargetBucket: 'misc-logs', TargetPrefix: 'l/' } } }));
  assert.equal((await s3.send(new S.GetBucketLoggingCommand({ Bucket: 'misc' }))).LoggingEnabled!.TargetBucket, 'misc-logs');

  const replication = { Role: 'arn:aws:iam::000000000000:role/r', Rules: [{ ID: 'all', Status: 'Enabled' as const, Prefix: '', Destination: { Bucket: 'arn:aws:s3:::misc-logs' } }] };
  await assert.rejects(s3.send(new S.PutBucketReplicationCommand({ Bucket: 'misc', ReplicationConfiguration: replication })), { name: 'InvalidRequest' });
  await s3.send(new S.PutBucketVersioningCommand({ Bucket: 'misc', VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(new S.PutBucketVersioningCommand({ Bucket: 'misc-logs', VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(new S.PutBucketReplicationCommand({ Bucket: 'misc', ReplicationConfiguration: replication }));
  assert.equal((await s3.send(new S.GetBucketReplicationCommand({ Bucket: 'misc' }))).ReplicationConfiguration!.Role, replication.Role);
  await s3.send(new S.DeleteBucketReplicationCommand({ Bucket: 'misc' }));
  await assert.rejects(s3.send(new S.GetBucketReplicationCommand({ Bucket: 'misc' })), { name: 'ReplicationConfigurationNotFoundError' });
  await assert.rejects(s3.send(new S.PutBucketVersioningCommand({ Bucket: 'misc', VersioningConfiguration: { Status: 'On' as S.BucketVersioningStatus } })), { name: 'MalformedXML' });
});

test('analytics, inventory, metrics and intelligent-tiering configurations by id', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'ids' }));
  await s3.send(new S.PutBucketMetricsConfigurationCommand({ Bucket: 'ids', Id: 'all', MetricsConfiguration: { Id: 'all' } }));
  await s3.send(new S.PutBucketMetricsConfigurationCommand({ Bucket: 'ids', Id: 'docs', MetricsConfiguration: { Id: 'docs', Filter: { Prefix: 'docs/' } } }));
  assert.deepEqual((await s3.send(new S.ListBucketMetricsConfigurationsCommand({ Bucket: 'ids' }))).MetricsConfigurationList!.map((m) => m.Id), ['all', 'docs']);
  assert.equal((await s3.send(new S.GetBucketMetricsConfigurationCommand({ Bucket: 'ids', Id: 'docs' }))).MetricsConfiguration!.Filter!.Prefix, 'docs/');
  await s3.send(new S.DeleteBucketMetricsConfigurationCommand({ Bucket: 'ids', Id: 'docs' }));
  await assert.rejects(s3.send(new S.GetBucketMetricsConfigurationCommand({ Bucket: 'ids', Id: 'docs' })), { name: 'NoSuchConfiguration' });
  await s3.send(new S.PutBucketAnalyticsConfigurationCommand({ Bucket: 'ids', Id: 'a', AnalyticsConfiguration: { Id: 'a', StorageClassAnalysis: {} } }));
  assert.equal((await s3.send(new S.ListBucketAnalyticsConfigurationsCommand({ Bucket: 'ids' }))).AnalyticsConfigurationList!.length, 1);
  await s3.send(new S.PutBucketIntelligentTieringConfigurationCommand({
    Bucket: 'ids', Id: 't', IntelligentTieringConfiguration: { Id: 't', Status: 'Enabled', Tierings: [{ Days: 90, AccessTier: 'ARCHIVE_ACCESS' }] },
  }));
  assert.equal((await s3.send(new S.GetBucketIntelligentTieringConfigurationCommand({ Bucket: 'ids', Id: 't' }))).IntelligentTieringConfiguration!.Tierings![0].Days, 90);
  await s3.send(new S.PutBucketInventoryConfigurationCommand({
    Bucket: 'ids', Id: 'inv', InventoryConfiguration: {
      Id: 'inv', IsEnabled: true, IncludedObjectVersions: 'Current', Schedule: { Frequency: 'Daily' },
      Destination: { S3BucketDestination: { Bucket: 'arn:aws:s3:::ids', Format: 'CSV' } },
    },
  }));
  assert.equal((await s3.send(new S.ListBucketInventoryConfigurationsCommand({ Bucket: 'ids' }))).InventoryConfigurationList![0].Id, 'inv');
  await assert.rejects(s3.send(new S.PutBucketMetricsConfigurationCommand({ Bucket: 'ids', Id: 'x', MetricsConfiguration: { Id: 'y' } })), { name: 'InvalidArgument' });
});

test('ABAC status and S3 Metadata configurations are stored and answered back', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'meta-cfg' }));
  assert.equal((await s3.send(new S.GetBucketAbacCommand({ Bucket: 'meta-cfg' }))).AbacStatus!.Status, 'Disabled');
  await s3.send(new S.PutBucketAbacCommand({ Bucket: 'meta-cfg', AbacStatus: { Status: 'Enabled' } }));
  assert.equal((await s3.send(new S.GetBucketAbacCommand({ Bucket: 'meta-cfg' }))).AbacStatus!.Status, 'Enabled');
  await assert.rejects(s3.send(new S.GetBucketMetadataTableConfigurationCommand({ Bucket: 'meta-cfg' })), { name: 'MetadataTableConfigurationNotFound' });
  const tableBucketArn = 'arn:aws:s3tables:us-east-1:000000000000:bucket/journal';
  await s3.send(new S.CreateBucketMetadataTableConfigurationCommand({
    Bucket: 'meta-cfg', MetadataTableConfiguration: { S3TablesDestination: { TableBucketArn: tableBucketArn, TableName: 'events' } },
  }));
  const t = await s3.send(new S.GetBucketMetadataTableConfigurationCommand({ Bucket: 'meta-cfg' }));
  assert.equal(t.GetBucketMetadataTableConfigurationResult!.Status, 'ACTIVE');
  assert.equal(t.GetBucketMetadataTableConfigurationResult!.MetadataTableConfigurationResult!.S3TablesDestinationResult!.TableArn, `${tableBucketArn}/table/events`);
  await s3.send(new S.DeleteBucketMetadataTableConfigurationCommand({ Bucket: 'meta-cfg' }));
  await s3.send(new S.CreateBucketMetadataConfigurationCommand({
    Bucket: 'meta-cfg', MetadataConfiguration: { JournalTableConfiguration: { RecordExpiration: { Expiration: 'ENABLED', Days: 7 } } },
  }));
  await s3.send(new S.UpdateBucketMetadataInventoryTableConfigurationCommand({ Bucket: 'meta-cfg', InventoryTableConfiguration: { ConfigurationState: 'ENABLED' } }));
  const m = (await s3.send(new S.GetBucketMetadataConfigurationCommand({ Bucket: 'meta-cfg' }))).GetBucketMetadataConfigurationResult!.MetadataConfigurationResult!;
  assert.equal(m.JournalTableConfigurationResult!.RecordExpiration!.Days, 7);
  assert.equal(m.InventoryTableConfigurationResult!.ConfigurationState, 'ENABLED');
  await s3.send(new S.DeleteBucketMetadataConfigurationCommand({ Bucket: 'meta-cfg' }));
  await assert.rejects(s3.send(new S.GetBucketMetadataConfigurationCommand({ Bucket: 'meta-cfg' })), { name: 'MetadataConfigurationNotFound' });
});

test('notifications: validated, a TestEvent on save, records with the real shape, filters', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'notify' }));
  const sqs = fb.client(SQSClient);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 's3-events' }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const queueArn = Attributes!.QueueArn!;
  await assert.rejects(s3.send(new S.PutBucketNotificationConfigurationCommand({
    Bucket: 'notify', NotificationConfiguration: { QueueConfigurations: [{ QueueArn: 'not-an-arn', Events: ['s3:ObjectCreated:*'] }] },
  })), { name: 'InvalidArgument' });
  await assert.rejects(s3.send(new S.PutBucketNotificationConfigurationCommand({
    Bucket: 'notify', NotificationConfiguration: { QueueConfigurations: [{ QueueArn: queueArn, Events: ['s3:ObjectMade:*' as S.Event] }] },
  })), { name: 'InvalidArgument' });
  await s3.send(new S.PutBucketNotificationConfigurationCommand({
    Bucket: 'notify',
    NotificationConfiguration: {
      QueueConfigurations: [{
        Id: 'images', QueueArn: queueArn, Events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'img/' }, { Name: 'suffix', Value: '.png' }] } },
      }],
      TopicConfigurations: [{ TopicArn: 'arn:aws:sns:us-east-1:000000000000:s3-topic', Events: ['s3:ObjectTagging:*'] }],
      EventBridgeConfiguration: {},
    },
  }));
  const stored = await s3.send(new S.GetBucketNotificationConfigurationCommand({ Bucket: 'notify' }));
  assert.equal(stored.QueueConfigurations![0].Id, 'images');
  assert.ok(stored.TopicConfigurations![0].Id);
  assert.deepEqual(stored.EventBridgeConfiguration, {});
  const test = await until(() => deliveries.find((d) => d.target === queueArn), 'the test event');
  assert.equal(JSON.parse(test.body).Event, 's3:TestEvent');
  assert.equal(JSON.parse(test.body).Bucket, 'notify');

  const put = await s3.send(new S.PutObjectCommand({ Bucket: 'notify', Key: 'img/cat pic.png', Body: 'meow' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'notify', Key: 'img/readme.txt', Body: 'filtered out' }));
  await s3.send(new S.DeleteObjectCommand({ Bucket: 'notify', Key: 'img/cat pic.png' }));
  const records = await until(() => {
    const found = deliveries.filter((d) => d.target === queueArn && d.body.includes('Records'));
    return found.length >= 2 ? found.map((d) => JSON.parse(d.body).Records[0]) : undefined;
  }, 'two records');
  assert.equal(records.length, 2);
  const [created, removed] = records;
  assert.equal(created.eventName, 'ObjectCreated:Put');
  assert.equal(created.eventSource, 'aws:s3');
  assert.equal(created.eventVersion, '2.1');
  assert.equal(created.awsRegion, 'us-east-1');
  assert.equal(created.s3.configurationId, 'images');
  assert.equal(created.s3.bucket.name, 'notify');
  assert.equal(created.s3.bucket.arn, 'arn:aws:s3:::notify');
  assert.equal(created.s3.object.key, 'img/cat+pic.png');
  assert.equal(created.s3.object.size, 4);
  assert.equal(created.s3.object.eTag, put.ETag!.replace(/"/g, ''));
  assert.match(created.s3.object.sequencer, /^[0-9A-F]+$/);
  assert.equal(created.responseElements['x-amz-request-id'], put.$metadata.requestId);
  assert.equal(removed.eventName, 'ObjectRemoved:Delete');
  assert.ok(removed.s3.object.sequencer > created.s3.object.sequencer);
  // The request log links each delivery to the S3 request that caused it.
  const logged = fb.instance.env.requests.entries().find((e) => e.kind === 'delivery' && e.causedBy === put.$metadata.requestId && e.target === queueArn);
  assert.ok(logged);
  assert.equal(logged.status, 200);
  // The queue really received them (test event first).
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
  const bodies = got.Messages!.map((m) => JSON.parse(m.Body!));
  assert.ok(bodies.some((b) => b.Event === 's3:TestEvent'));
  assert.ok(bodies.some((b) => b.Records?.[0].eventName === 'ObjectCreated:Put'));
  // EventBridge gets every event with the detail EventBridge uses for S3.
  const bus = deliveries.filter((d) => d.target === 'arn:aws:events:us-east-1:000000000000:event-bus/default').map((d) => JSON.parse(d.body));
  const objectCreated = bus.find((e) => e['detail-type'] === 'Object Created' && e.detail.object.key === 'img/cat pic.png');
  assert.ok(objectCreated);
  assert.equal(objectCreated.source, 'aws.s3');
  assert.deepEqual(objectCreated.resources, ['arn:aws:s3:::notify']);
  assert.equal(objectCreated.detail.reason, 'PutObject');
  assert.equal(objectCreated.detail.bucket.name, 'notify');
  assert.ok(bus.find((e) => e['detail-type'] === 'Object Deleted' && e.detail['deletion-type'] === 'Permanently Deleted'));
  // Tagging goes to the topic only.
  await s3.send(new S.PutObjectTaggingCommand({ Bucket: 'notify', Key: 'img/readme.txt', Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] } }));
  const tagged = await until(() => deliveries.find((d) => d.target.includes(':sns:') && d.body.includes('ObjectTagging:Put')), 'a tagging event');
  assert.equal(JSON.parse(tagged.body).Records[0].eventVersion, '2.3');
  assert.equal(tagged.options?.subject, 'Amazon S3 Notification');
});

test('EventBridge-enabled buckets put S3 events on the default bus, where rules match them', async () => {
  const sqs = fb.client(SQSClient);
  const eb = fb.client(EventBridgeClient);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'from-eventbridge' }));
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await eb.send(new PutRuleCommand({
    Name: 's3-created', EventPattern: JSON.stringify({ source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: ['to-bus'] } } }),
  }));
  await eb.send(new PutTargetsCommand({ Rule: 's3-created', Targets: [{ Id: 'queue', Arn: arn }] }));
  await s3.send(new S.CreateBucketCommand({ Bucket: 'to-bus' }));
  await s3.send(new S.PutBucketNotificationConfigurationCommand({ Bucket: 'to-bus', NotificationConfiguration: { EventBridgeConfiguration: {} } }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'to-bus', Key: 'report.csv', Body: 'a,b' }));
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
  const event = JSON.parse(got.Messages![0].Body!);
  assert.equal(event['detail-type'], 'Object Created');
  assert.equal(event.source, 'aws.s3');
  assert.equal(event.detail.object.key, 'report.csv');
  assert.equal(event.detail.object.size, 3);
  assert.equal(event.detail.reason, 'PutObject');
});

test('lifecycle rules run at midnight on the virtual clock', async () => {
  fb.clock.freeze(Date.UTC(2030, 0, 10, 15, 0, 0));
  await s3.send(new S.CreateBucketCommand({ Bucket: 'life' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'life', Key: 'logs/old', Body: 'x' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'life', Key: 'keep/this', Body: 'x' }));
  await s3.send(new S.CreateMultipartUploadCommand({ Bucket: 'life', Key: 'logs/upload' }));
  await assert.rejects(s3.send(new S.PutBucketLifecycleConfigurationCommand({
    Bucket: 'life', LifecycleConfiguration: { Rules: [{ ID: 'bad', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 0 } }] },
  })), { name: 'InvalidArgument' });
  await assert.rejects(s3.send(new S.PutBucketLifecycleConfigurationCommand({
    Bucket: 'life', LifecycleConfiguration: { Rules: [{ ID: 'none', Status: 'Enabled', Filter: { Prefix: '' } }] },
  })), { name: 'InvalidRequest' });
  await s3.send(new S.PutBucketLifecycleConfigurationCommand({
    Bucket: 'life',
    LifecycleConfiguration: {
      Rules: [
        { ID: 'expire-logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 2 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
        { ID: 'cool-down', Status: 'Enabled', Filter: { Prefix: 'keep/' }, Transitions: [{ Days: 30, StorageClass: 'STANDARD_IA' }] },
      ],
    },
  }));
  // Created Jan 10 15:00 + 2 days = Jan 12 15:00, due at the next midnight: Jan 13 00:00.
  const head = await s3.send(new S.HeadObjectCommand({ Bucket: 'life', Key: 'logs/old' }));
  assert.equal(head.Expiration, 'expiry-date="Sun, 13 Jan 2030 00:00:00 GMT", rule-id="expire-logs"');
  assert.equal((await s3.send(new S.HeadObjectCommand({ Bucket: 'life', Key: 'keep/this' }))).Expiration, undefined);
  const mpu = await s3.send(new S.CreateMultipartUploadCommand({ Bucket: 'life', Key: 'logs/later' }));
  assert.equal(mpu.AbortDate?.toISOString(), '2030-01-12T00:00:00.000Z');
  assert.equal(mpu.AbortRuleId, 'expire-logs');
  fb.clock.advance(Date.UTC(2030, 0, 12, 23, 59) - fb.clock.now());
  assert.equal((await s3.send(new S.ListObjectsV2Command({ Bucket: 'life' }))).KeyCount, 2);
  assert.equal((await s3.send(new S.ListMultipartUploadsCommand({ Bucket: 'life' }))).Uploads, undefined);
  fb.clock.advance(2 * 60_000);
  assert.deepEqual((await s3.send(new S.ListObjectsV2Command({ Bucket: 'life' }))).Contents!.map((c) => c.Key), ['keep/this']);
  fb.clock.advance(30 * DAY);
  assert.equal((await s3.send(new S.HeadObjectCommand({ Bucket: 'life', Key: 'keep/this' }))).StorageClass, 'STANDARD_IA');
});

test('lifecycle on versioned buckets: delete markers, noncurrent versions, expired markers', async () => {
  fb.clock.freeze(Date.UTC(2030, 5, 1, 12, 0, 0));
  await s3.send(new S.CreateBucketCommand({ Bucket: 'lifev' }));
  await s3.send(new S.PutBucketVersioningCommand({ Bucket: 'lifev', VersioningConfiguration: { Status: 'Enabled' } }));
  await fb.client(SQSClient).send(new CreateQueueCommand({ QueueName: 'lifecycle-events' }));
  const queueArn = 'arn:aws:sqs:us-east-1:000000000000:lifecycle-events';
  await s3.send(new S.PutBucketNotificationConfigurationCommand({
    Bucket: 'lifev', NotificationConfiguration: { QueueConfigurations: [{ QueueArn: queueArn, Events: ['s3:LifecycleExpiration:*'] }] },
  }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'lifev', Key: 'doc', Body: 'v1' }));
  fb.clock.advance(DAY);
  await s3.send(new S.PutObjectCommand({ Bucket: 'lifev', Key: 'doc', Body: 'v2' }));
  await s3.send(new S.PutBucketLifecycleConfigurationCommand({
    Bucket: 'lifev',
    LifecycleConfiguration: {
      Rules: [
        { ID: 'current', Status: 'Enabled', Filter: {}, Expiration: { Days: 5 } },
        { ID: 'old', Status: 'Enabled', Filter: {}, NoncurrentVersionExpiration: { NoncurrentDays: 3 } },
        { ID: 'markers', Status: 'Enabled', Filter: {}, Expiration: { ExpiredObjectDeleteMarker: true } },
      ],
    },
  }));
  const versions = async () => {
    const r = await s3.send(new S.ListObjectVersionsCommand({ Bucket: 'lifev' }));
    return { versions: (r.Versions ?? []).length, markers: (r.DeleteMarkers ?? []).length };
  };
  fb.clock.advance(4 * DAY);
  // v1 became noncurrent a day after it was written: 3 days later it is gone.
  assert.deepEqual(await versions(), { versions: 1, markers: 0 });
  fb.clock.advance(2 * DAY);
  // v2 expired: a delete marker replaces it.
  assert.deepEqual(await versions(), { versions: 1, markers: 1 });
  fb.clock.advance(4 * DAY);
  // v2 expired as noncurrent, then the marker was left alone and expired too.
  assert.deepEqual(await versions(), { versions: 0, markers: 0 });
  const events = deliveries.filter((d) => d.target === queueArn && d.body.includes('Records')).map((d) => JSON.parse(d.body).Records[0]);
  assert.ok(events.some((e) => e.eventName === 'LifecycleExpiration:DeleteMarkerCreated'));
  assert.ok(events.some((e) => e.eventName === 'LifecycleExpiration:Delete'));
  assert.equal(events[0].userIdentity.principalId, 's3.amazonaws.com');
});

test('Object Lock: retention and legal hold enforced on delete, governance bypass', async () => {
  fb.clock.freeze(Date.UTC(2030, 1, 1));
  await s3.send(new S.CreateBucketCommand({ Bucket: 'locked', ObjectLockEnabledForBucket: true }));
  assert.equal((await s3.send(new S.GetBucketVersioningCommand({ Bucket: 'locked' }))).Status, 'Enabled');
  await assert.rejects(s3.send(new S.PutBucketVersioningCommand({ Bucket: 'locked', VersioningConfiguration: { Status: 'Suspended' } })), { name: 'InvalidBucketState' });
  await s3.send(new S.PutObjectLockConfigurationCommand({
    Bucket: 'locked', ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } },
  }));
  assert.equal((await s3.send(new S.GetObjectLockConfigurationCommand({ Bucket: 'locked' }))).ObjectLockConfiguration!.Rule!.DefaultRetention!.Days, 1);
  const gov = await s3.send(new S.PutObjectCommand({ Bucket: 'locked', Key: 'gov', Body: 'x' }));
  const head = await s3.send(new S.HeadObjectCommand({ Bucket: 'locked', Key: 'gov' }));
  assert.equal(head.ObjectLockMode, 'GOVERNANCE');
  assert.equal(head.ObjectLockRetainUntilDate?.getTime(), Date.UTC(2030, 1, 2));
  await assert.rejects(s3.send(new S.DeleteObjectCommand({ Bucket: 'locked', Key: 'gov', VersionId: gov.VersionId })), { name: 'AccessDenied' });
  // A delete without a version only adds a marker, which is allowed.
  assert.equal((await s3.send(new S.DeleteObjectCommand({ Bucket: 'locked', Key: 'gov' }))).DeleteMarker, true);
  await s3.send(new S.DeleteObjectCommand({ Bucket: 'locked', Key: 'gov', VersionId: gov.VersionId, BypassGovernanceRetention: true }));

  const comp = await s3.send(new S.PutObjectCommand({
    Bucket: 'locked', Key: 'comp', Body: 'x', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: new Date(Date.UTC(2030, 1, 5)),
  }));
  await assert.rejects(s3.send(new S.DeleteObjectCommand({ Bucket: 'locked', Key: 'comp', VersionId: comp.VersionId, BypassGovernanceRetention: true })), { name: 'AccessDenied' });
  await assert.rejects(s3.send(new S.PutObjectRetentionCommand({
    Bucket: 'locked', Key: 'comp', VersionId: comp.VersionId, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: new Date(Date.UTC(2030, 1, 3)) },
  })), { name: 'AccessDenied' });
  await s3.send(new S.PutObjectRetentionCommand({
    Bucket: 'locked', Key: 'comp', VersionId: comp.VersionId, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: new Date(Date.UTC(2030, 1, 6)) },
  }));
  assert.equal((await s3.send(new S.GetObjectRetentionCommand({ Bucket: 'locked', Key: 'comp' }))).Retention!.RetainUntilDate!.getTime(), Date.UTC(2030, 1, 6));
  await s3.send(new S.PutObjectLegalHoldCommand({ Bucket: 'locked', Key: 'comp', VersionId: comp.VersionId, LegalHold: { Status: 'ON' } }));
  assert.equal((await s3.send(new S.GetObjectLegalHoldCommand({ Bucket: 'locked', Key: 'comp' }))).LegalHold!.Status, 'ON');
  fb.clock.advance(10 * DAY);
  // Retention over, but the legal hold still protects it.
  await assert.rejects(s3.send(new S.DeleteObjectCommand({ Bucket: 'locked', Key: 'comp', VersionId: comp.VersionId })), { name: 'AccessDenied' });
  await s3.send(new S.PutObjectLegalHoldCommand({ Bucket: 'locked', Key: 'comp', VersionId: comp.VersionId, LegalHold: { Status: 'OFF' } }));
  await s3.send(new S.DeleteObjectCommand({ Bucket: 'locked', Key: 'comp', VersionId: comp.VersionId }));
  // Lock parameters need a bucket with Object Lock.
  await s3.send(new S.CreateBucketCommand({ Bucket: 'unlocked' }));
  await assert.rejects(s3.send(new S.PutObjectCommand({
    Bucket: 'unlocked', Key: 'k', Body: 'x', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: new Date(Date.UTC(2031, 0, 1)),
  })), { name: 'InvalidRequest' });
  await assert.rejects(s3.send(new S.GetObjectLockConfigurationCommand({ Bucket: 'unlocked' })), { name: 'ObjectLockConfigurationNotFoundError' });
});
