// Out-of-band routes: the signing certificate (SigningCertURL), delivery history per subscription,
// the SMS / email / mobile push outboxes, pending confirmation tokens, and LocalStack's equivalents.
import { ServiceError } from '../../../core/errors.ts';
import { RawAdminResponse, type AdminRoute } from '../../../core/service.ts';
import type { Sns } from './state.ts';
import type { OutboxRow } from './store.ts';
import { signingKey } from './signing.ts';

function outboxEntry(r: OutboxRow) {
  return {
    id: r.id, account: r.account, region: r.region, destination: r.destination, subject: r.subject ?? undefined, message: r.message,
    messageId: r.message_id, topicArn: r.topic_arn ?? undefined, subscriptionArn: r.subscription_arn ?? undefined,
    messageAttributes: r.attributes ? JSON.parse(r.attributes) : undefined, time: new Date(r.time).toISOString(),
  };
}

const KINDS: Record<string, string> = { sms: 'sms', email: 'email', application: 'application', push: 'application' };

export const snsAdmin: AdminRoute<Sns>[] = [
  {
    method: 'GET',
    // Signature verifiers fetch this from wherever the subscriber runs, with no admin session.
    public: true,
    path: /^\/_fogbank\/sns\/(?<name>SimpleNotificationService-[0-9a-f]{32}\.pem)$/,
    async handle(req, sns) {
      const key = await signingKey(sns.store);
      if (req.params.name !== key.name) throw new ServiceError('NotFound', 'No such certificate', 404);
      return new RawAdminResponse('application/x-x509-ca-cert', key.certificate);
    },
  },
  {
    // ?subscriptionArn=…&limit=… — newest last
    method: 'GET',
    path: /^\/_fogbank\/sns\/deliveries$/,
    async handle(req, sns) {
      const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 100) || 100, 1), 1000);
      return { deliveries: await sns.store.deliveries(req.query.get('subscriptionArn') ?? undefined, limit) };
    },
  },
  {
    method: 'GET',
    path: /^\/_fogbank\/sns\/outbox\/(?<kind>sms|email|application|push)$/,
    async handle(req, sns) {
      const rows = await sns.store.outbox(KINDS[req.params.kind], req.query.get('account') ?? undefined, req.query.get('region') ?? undefined);
      return { messages: rows.map(outboxEntry) };
    },
  },
  {
    method: 'DELETE',
    path: /^\/_fogbank\/sns\/outbox\/(?<kind>sms|email|application|push)$/,
    async handle(req, sns) {
      await sns.store.clearOutbox(KINDS[req.params.kind]);
      return { cleared: true };
    },
  },
  {
    // The confirmation token of a pending subscription (HTTP/S, email): ?subscriptionArn=…
    method: 'GET',
    path: /^\/_fogbank\/sns\/subscription-token$/,
    async handle(req, sns) {
      const row = await sns.store.subscriptionRow(req.query.get('subscriptionArn') ?? '');
      if (!row) throw new ServiceError('NotFound', 'Subscription does not exist', 404);
      return { subscriptionArn: row.arn, token: row.token, confirmed: row.confirmed === 1 };
    },
  },
  {
    // Marks a phone number as having replied STOP: {"phoneNumber": "+1…", "account"?: "…", "region"?: "…"}
    method: 'POST',
    path: /^\/_fogbank\/sns\/sms\/opt-out$/,
    async handle(req, sns) {
      const phone = String(req.body.phoneNumber ?? '').replace(/[ ()-]/g, '');
      if (!/^\+?[1-9]\d{3,14}$/.test(phone)) throw new ServiceError('InvalidParameter', 'phoneNumber must be a phone number in E.164 form', 400);
      const account = String(req.body.account ?? '000000000000');
      const region = String(req.body.region ?? 'us-east-1');
      await sns.store.setPhoneOptOut({ account, region }, phone);
      return { phoneNumber: phone, optedOut: true };
    },
  },
  // LocalStack-compatible views.
  {
    method: 'GET',
    path: /^\/_aws\/sns\/sms-messages$/,
    async handle(req, sns) {
      const byPhone: Record<string, unknown[]> = {};
      for (const r of await sns.store.outbox('sms', req.query.get('accountId') ?? undefined, req.query.get('region') ?? undefined)) {
        (byPhone[r.destination] ??= []).push({ PhoneNumber: r.destination, Message: r.message, MessageId: r.message_id, TopicArn: r.topic_arn, SubscriptionArn: r.subscription_arn });
      }
      return { region: req.query.get('region') ?? 'us-east-1', sms_messages: byPhone };
    },
  },
  {
    method: 'GET',
    path: /^\/_aws\/sns\/platform-endpoint-messages$/,
    async handle(req, sns) {
      const byEndpoint: Record<string, unknown[]> = {};
      for (const r of await sns.store.outbox('application', req.query.get('accountId') ?? undefined, req.query.get('region') ?? undefined)) {
        (byEndpoint[r.destination] ??= []).push({ TargetArn: r.destination, Message: r.message, MessageId: r.message_id, Subject: r.subject ?? undefined });
      }
      return { region: req.query.get('region') ?? 'us-east-1', platform_endpoint_messages: byEndpoint };
    },
  },
  {
    method: 'GET',
    path: /^\/_aws\/sns\/subscription-tokens\/(?<arn>.+)$/,
    async handle(req, sns) {
      const row = await sns.store.subscriptionRow(decodeURIComponent(req.params.arn));
      if (!row || !row.token) throw new ServiceError('NotFound', 'Subscription token not found', 404);
      return { subscription_arn: row.arn, subscription_token: row.token };
    },
  },
];
