// Amazon SNS: standard and FIFO topics, subscriptions to SQS, HTTP/S (signed, with the confirmation
// flow), Lambda, Firehose, email, SMS and mobile push, filter policies, retries and dead-letter queues.
import { readFileSync } from 'node:fs';
import { defineService } from '../../service.ts';
import type { ServiceModel } from '../../protocol/model.ts';
import { ServiceError } from '../../../core/errors.ts';
import type { SnsHandlers } from './generated/types.ts';
import { Sns } from './state.ts';
import { snsAdmin } from './admin.ts';
import * as topics from './operations/topics.ts';
import * as subs from './operations/subscriptions.ts';
import * as tags from './operations/tags.ts';
import * as platform from './operations/platform.ts';
import * as sms from './operations/sms.ts';
import { publish, publishBatch, publishToTopic } from './operations/publish.ts';

const model: ServiceModel = JSON.parse(readFileSync(new URL('./generated/model.json', import.meta.url), 'utf8'));

export default defineService<SnsHandlers, Sns>({
  name: 'sns',
  model,
  state: (env) => new Sns(env),
  start: (_env, sns) => sns.engine.start(),
  handlers: {
    CreateTopic: topics.createTopic,
    DeleteTopic: topics.deleteTopic,
    ListTopics: topics.listTopics,
    GetTopicAttributes: topics.getTopicAttributes,
    SetTopicAttributes: topics.setTopicAttributes,
    AddPermission: topics.addPermission,
    RemovePermission: topics.removePermission,
    PutDataProtectionPolicy: topics.putDataProtectionPolicy,
    GetDataProtectionPolicy: topics.getDataProtectionPolicy,
    Subscribe: subs.subscribe,
    ConfirmSubscription: subs.confirmSubscription,
    Unsubscribe: subs.unsubscribe,
    ListSubscriptions: subs.listSubscriptions,
    ListSubscriptionsByTopic: subs.listSubscriptionsByTopic,
    GetSubscriptionAttributes: subs.getSubscriptionAttributes,
    SetSubscriptionAttributes: subs.setSubscriptionAttributes,
    Publish: publish,
    PublishBatch: publishBatch,
    TagResource: tags.tagResource,
    UntagResource: tags.untagResource,
    ListTagsForResource: tags.listTagsForResource,
    CreatePlatformApplication: platform.createPlatformApplication,
    GetPlatformApplicationAttributes: platform.getPlatformApplicationAttributes,
    SetPlatformApplicationAttributes: platform.setPlatformApplicationAttributes,
    DeletePlatformApplication: platform.deletePlatformApplication,
    ListPlatformApplications: platform.listPlatformApplications,
    CreatePlatformEndpoint: platform.createPlatformEndpoint,
    GetEndpointAttributes: platform.getEndpointAttributes,
    SetEndpointAttributes: platform.setEndpointAttributes,
    DeleteEndpoint: platform.deleteEndpoint,
    ListEndpointsByPlatformApplication: platform.listEndpointsByPlatformApplication,
    SetSMSAttributes: sms.setSMSAttributes,
    GetSMSAttributes: sms.getSMSAttributes,
    CheckIfPhoneNumberIsOptedOut: sms.checkIfPhoneNumberIsOptedOut,
    ListPhoneNumbersOptedOut: sms.listPhoneNumbersOptedOut,
    OptInPhoneNumber: sms.optInPhoneNumber,
    GetSMSSandboxAccountStatus: sms.getSMSSandboxAccountStatus,
    CreateSMSSandboxPhoneNumber: sms.createSMSSandboxPhoneNumber,
    VerifySMSSandboxPhoneNumber: sms.verifySMSSandboxPhoneNumber,
    DeleteSMSSandboxPhoneNumber: sms.deleteSMSSandboxPhoneNumber,
    ListSMSSandboxPhoneNumbers: sms.listSMSSandboxPhoneNumbers,
    ListOriginationNumbers: sms.listOriginationNumbers,
  },
  /**
   * A delivery to a topic ARN publishes to it: body is the message, attributes its message attributes,
   * groupId/deduplicationId the FIFO ids, options.subject the subject.
   */
  async deliver(delivery, ctx) {
    const arn = delivery.target;
    if (!/^arn:[^:]+:sns:[^:]+:\d{12}:[^:/]+$/.test(arn)) throw new ServiceError('InvalidTarget', `SNS accepts deliveries to topics only, not ${arn}`, 400);
    const subject = typeof delivery.options?.subject === 'string' ? delivery.options.subject : undefined;
    const out = await publishToTopic(ctx.state, arn, {
      Message: delivery.body,
      Subject: subject,
      MessageAttributes: delivery.attributes as never,
      MessageGroupId: delivery.groupId,
      MessageDeduplicationId: delivery.deduplicationId,
    }, ctx.clock.now(), delivery.source.requestId);
    return { id: out.MessageId };
  },
  admin: snsAdmin,
});
