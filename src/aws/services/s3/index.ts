// Amazon S3: buckets and their configurations, objects with versions, checksums and multipart
// uploads, listing at scale, presigned URLs, CORS, browser POST uploads, website endpoints,
// notifications and lifecycle rules on the clock.
import { readFileSync } from 'node:fs';
import { defineService } from '../../service.ts';
import type { Handler } from '../../../core/service.ts';
import type { ServiceModel } from '../../protocol/model.ts';
import type { S3Handlers } from './generated/types.ts';
import { S3Store } from './store.ts';
import { createBucket, deleteBucket, getBucketLocation, headBucket, listBuckets, listDirectoryBuckets } from './operations/buckets.ts';
import { putObject } from './operations/put-object.ts';
import { getObject, headObject } from './operations/get-object.ts';
import { deleteObject, deleteObjects } from './operations/delete-object.ts';
import { copyObject } from './operations/copy-object.ts';
import { listObjects, listObjectsV2, listObjectVersions } from './operations/list-objects.ts';
import {
  abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listMultipartUploads, listParts, uploadPart, uploadPartCopy,
} from './operations/multipart.ts';
import {
  deleteObjectTagging, getObjectAcl, getObjectAttributes, getObjectLegalHold, getObjectRetention, getObjectTagging, putObjectAcl,
  putObjectLegalHold, putObjectRetention, putObjectTagging, restoreAccepted, restoreObject,
} from './operations/object-config.ts';
import * as bc from './operations/bucket-config.ts';
import { deleteBucketPolicy, getBucketPolicy, getBucketPolicyStatus, putBucketPolicy } from './operations/bucket-policy.ts';
import { analytics, inventory, metrics, tiering } from './operations/id-configs.ts';
import { getBucketNotificationConfiguration, putBucketNotificationConfiguration } from './operations/notification-config.ts';
import { deleteBucketLifecycle, getBucketLifecycleConfiguration, putBucketLifecycleConfiguration } from './operations/lifecycle-config.ts';
import * as md from './operations/metadata-config.ts';
import { startLifecycle } from './lifecycle.ts';
import { shapeResponse } from './http/wire.ts';
import { intercept } from './http/intercept.ts';
import { addCorsHeaders } from './http/cors.ts';
import { guardHeaders } from './http/header-values.ts';
import { adminRoutes } from './admin.ts';
import { checkBufferedDigests } from './bodies.ts';
import { allowsAnonymous } from './anonymous.ts';

const model: ServiceModel = JSON.parse(readFileSync(new URL('./generated/model.json', import.meta.url), 'utf8'));

/** Operations whose body streams (their digests are checked while it is read, in bodies.ts). */
const STREAMING = new Set(['PutObject', 'UploadPart']);
/** CompleteMultipartUpload's x-amz-checksum-* headers are the whole object's, not its XML's. */
const OBJECT_CHECKSUMS = new Set(['CompleteMultipartUpload']);

/**
 * Writes that read what decides them (the bucket, its versioning, ownership or public access block,
 * a configuration already there, an object's lock) and do no blob I/O and send no notification:
 * each runs whole as one unit of work. The others make their own units (put-object, multipart, ...).
 */
const ATOMIC = new Set([
  'CreateBucket', 'PutBucketVersioning', 'PutBucketOwnershipControls', 'PutBucketAcl', 'PutBucketLogging', 'PutBucketReplication',
  'PutObjectLockConfiguration', 'PutBucketPolicy', 'CreateBucketMetadataTableConfiguration',
  'CreateBucketMetadataConfiguration', 'DeleteBucketMetadataConfiguration', 'UpdateBucketMetadataJournalTableConfiguration',
  'UpdateBucketMetadataInventoryTableConfiguration', 'UpdateBucketMetadataAnnotationTableConfiguration', 'PutObjectRetention', 'PutObjectLegalHold',
]);

/** Every other operation's buffered body is checked against its Content-MD5 / checksum first. */
function checkingDigests<H extends Record<string, Handler | undefined>>(handlers: H): H {
  const out: Record<string, Handler | undefined> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    const run: Handler | undefined = handler && ATOMIC.has(name) ? (input, ctx) => (ctx.state as S3Store).atomically(async () => handler(input, ctx)) : handler;
    out[name] = !run || STREAMING.has(name) ? run : (input, ctx) => {
      checkBufferedDigests(ctx.http.headers, ctx.http.body, !OBJECT_CHECKSUMS.has(name));
      return run(input, ctx);
    };
  }
  return out as H;
}

export default defineService<S3Handlers, S3Store>({
  name: 's3',
  model,
  hooks: { unwrappedErrors: true },
  state: (env) => new S3Store(env),
  start: (env, store) => startLifecycle(env, store),
  handlers: checkingDigests({
    // Buckets
    CreateBucket: createBucket,
    DeleteBucket: deleteBucket,
    GetBucketLocation: getBucketLocation,
    HeadBucket: headBucket,
    ListBuckets: listBuckets,
    ListDirectoryBuckets: listDirectoryBuckets,
    // Objects
    PutObject: putObject,
    GetObject: getObject,
    HeadObject: headObject,
    DeleteObject: deleteObject,
    DeleteObjects: deleteObjects,
    CopyObject: copyObject,
    ListObjects: listObjects,
    ListObjectsV2: listObjectsV2,
    ListObjectVersions: listObjectVersions,
    GetObjectTagging: getObjectTagging,
    PutObjectTagging: putObjectTagging,
    DeleteObjectTagging: deleteObjectTagging,
    GetObjectAcl: getObjectAcl,
    PutObjectAcl: putObjectAcl,
    GetObjectRetention: getObjectRetention,
    PutObjectRetention: putObjectRetention,
    GetObjectLegalHold: getObjectLegalHold,
    PutObjectLegalHold: putObjectLegalHold,
    GetObjectAttributes: getObjectAttributes,
    RestoreObject: restoreObject,
    // Multipart
    CreateMultipartUpload: createMultipartUpload,
    UploadPart: uploadPart,
    UploadPartCopy: uploadPartCopy,
    CompleteMultipartUpload: completeMultipartUpload,
    AbortMultipartUpload: abortMultipartUpload,
    ListParts: listParts,
    ListMultipartUploads: listMultipartUploads,
    // Bucket configurations
    GetBucketVersioning: bc.getBucketVersioning,
    PutBucketVersioning: bc.putBucketVersioning,
    GetBucketTagging: bc.getBucketTagging,
    PutBucketTagging: bc.putBucketTagging,
    DeleteBucketTagging: bc.deleteBucketTagging,
    GetBucketCors: bc.getBucketCors,
    PutBucketCors: bc.putBucketCors,
    DeleteBucketCors: bc.deleteBucketCors,
    GetBucketEncryption: bc.getBucketEncryption,
    PutBucketEncryption: bc.putBucketEncryption,
    DeleteBucketEncryption: bc.deleteBucketEncryption,
    GetPublicAccessBlock: bc.getPublicAccessBlock,
    PutPublicAccessBlock: bc.putPublicAccessBlock,
    DeletePublicAccessBlock: bc.deletePublicAccessBlock,
    GetBucketOwnershipControls: bc.getBucketOwnershipControls,
    PutBucketOwnershipControls: bc.putBucketOwnershipControls,
    DeleteBucketOwnershipControls: bc.deleteBucketOwnershipControls,
    GetBucketAcl: bc.getBucketAcl,
    PutBucketAcl: bc.putBucketAcl,
    GetBucketRequestPayment: bc.getBucketRequestPayment,
    PutBucketRequestPayment: bc.putBucketRequestPayment,
    GetBucketAccelerateConfiguration: bc.getBucketAccelerateConfiguration,
    PutBucketAccelerateConfiguration: bc.putBucketAccelerateConfiguration,
    GetBucketLogging: bc.getBucketLogging,
    PutBucketLogging: bc.putBucketLogging,
    GetBucketReplication: bc.getBucketReplication,
    PutBucketReplication: bc.putBucketReplication,
    DeleteBucketReplication: bc.deleteBucketReplication,
    GetObjectLockConfiguration: bc.getObjectLockConfiguration,
    PutObjectLockConfiguration: bc.putObjectLockConfiguration,
    GetBucketWebsite: bc.getBucketWebsite,
    PutBucketWebsite: bc.putBucketWebsite,
    DeleteBucketWebsite: bc.deleteBucketWebsite,
    GetBucketPolicy: getBucketPolicy,
    PutBucketPolicy: putBucketPolicy,
    DeleteBucketPolicy: deleteBucketPolicy,
    GetBucketPolicyStatus: getBucketPolicyStatus,
    GetBucketLifecycleConfiguration: getBucketLifecycleConfiguration,
    PutBucketLifecycleConfiguration: putBucketLifecycleConfiguration,
    DeleteBucketLifecycle: deleteBucketLifecycle,
    GetBucketNotificationConfiguration: getBucketNotificationConfiguration,
    PutBucketNotificationConfiguration: putBucketNotificationConfiguration,
    GetBucketAnalyticsConfiguration: analytics.get,
    PutBucketAnalyticsConfiguration: analytics.put,
    DeleteBucketAnalyticsConfiguration: analytics.delete,
    ListBucketAnalyticsConfigurations: analytics.list,
    GetBucketInventoryConfiguration: inventory.get,
    PutBucketInventoryConfiguration: inventory.put,
    DeleteBucketInventoryConfiguration: inventory.delete,
    ListBucketInventoryConfigurations: inventory.list,
    GetBucketMetricsConfiguration: metrics.get,
    PutBucketMetricsConfiguration: metrics.put,
    DeleteBucketMetricsConfiguration: metrics.delete,
    ListBucketMetricsConfigurations: metrics.list,
    GetBucketIntelligentTieringConfiguration: tiering.get,
    PutBucketIntelligentTieringConfiguration: tiering.put,
    DeleteBucketIntelligentTieringConfiguration: tiering.delete,
    ListBucketIntelligentTieringConfigurations: tiering.list,
    GetBucketAbac: md.getBucketAbac,
    PutBucketAbac: md.putBucketAbac,
    CreateBucketMetadataTableConfiguration: md.createBucketMetadataTableConfiguration,
    GetBucketMetadataTableConfiguration: md.getBucketMetadataTableConfiguration,
    DeleteBucketMetadataTableConfiguration: md.deleteBucketMetadataTableConfiguration,
    CreateBucketMetadataConfiguration: md.createBucketMetadataConfiguration,
    GetBucketMetadataConfiguration: md.getBucketMetadataConfiguration,
    DeleteBucketMetadataConfiguration: md.deleteBucketMetadataConfiguration,
    UpdateBucketMetadataJournalTableConfiguration: md.updateBucketMetadataJournalTableConfiguration,
    UpdateBucketMetadataInventoryTableConfiguration: md.updateBucketMetadataInventoryTableConfiguration,
    UpdateBucketMetadataAnnotationTableConfiguration: md.updateBucketMetadataAnnotationTableConfiguration,
  }),
  intercept: (http, ctx) => intercept(http, ctx, model),
  anonymous: (http, ctx) => allowsAnonymous(http, ctx),
  async decorate(response, http, ctx) {
    shapeResponse(response, ctx.operation);
    if (ctx.operation === 'RestoreObject' && response.status === 200 && restoreAccepted.has(http)) response.status = 202;
    await addCorsHeaders(response, http, ctx);
    guardHeaders(response, ctx.requestId);
  },
  admin: adminRoutes,
});
