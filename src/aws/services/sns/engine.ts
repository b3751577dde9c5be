// Fan-out: a published message goes to every confirmed subscription whose filter policy accepts it,
// through env.deliver for AWS resources (SQS, Lambda, Firehose), real HTTP POSTs for HTTP/S, and the
// outbox for email, SMS and mobile push. Failed server-side deliveries are retried on the clock by the
// protocol's delivery policy (pending retries are kept in SQLite and re-armed after a restart);
// client-side failures and exhausted retries go to the subscription's dead-letter queue.
import { randomUUID } from 'node:crypto';
import type { TimerHandle } from '../../../core/clock.ts';
import type { Delivery, MessageAttributeValue } from '../../../core/delivery.ts';
import { ServiceError } from '../../../core/errors.ts';
import type { SnsStore, Subscription } from './store.ts';
import { toSubscription } from './store.ts';
import { matchesAttributes, matchesBody } from './filter-policy.ts';
import { CUSTOMER_MANAGED_POLICY, MANAGED_POLICY, effectiveHttpPolicy, retryDelay, type RetryPolicy } from './delivery-policy.ts';
import { confirmation, deliveryAttributes, envelopeJson, lambdaEvent, messageFor, notification, type Published } from './messages.ts';

type Job =
  | { kind: 'notify'; subscription: string; message: Published; attempt: number }
  | { kind: 'confirm'; subscription: string; token: string; attempt: number };

/** How one attempt ended. */
interface Outcome {
  ok: boolean;
  /** A client-side failure (endpoint gone, 4xx): not retried. */
  permanent?: boolean;
  error?: string;
}

const HTTP_TIMEOUT_MS = 15_000;

export class SnsEngine {
  readonly store: SnsStore;
  #timers = new Map<string, TimerHandle>();
  /** Bumped by every start and stop: re-arming from the table that a stop overtook is dropped. */
  #generation = 0;

  constructor(store: SnsStore) {
    this.store = store;
    store.onReset(() => this.#clearTimers());
  }

  /** Re-arms the retries a previous run left pending. */
  start(): () => void {
    const generation = ++this.#generation;
    this.store.armedRetries().then((rows) => {
      if (generation !== this.#generation) return;
      for (const row of rows) this.#arm(row.id, row.due, JSON.parse(row.job) as Job);
    }).catch((err) => this.store.env.log.error('sns: could not re-arm pending retries', err));
    return () => {
      this.#generation++;
      this.#clearTimers();
    };
  }

  #clearTimers(): void {
    for (const t of this.#timers.values()) this.store.env.clock.clearTimeout(t);
    this.#timers.clear();
  }

  /** Delivers to every subscription; resolves once each has had its first attempt (HTTP excepted). */
  async publish(p: Published, subscriptions: Subscription[]): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const sub of subscriptions) {
      if (!sub.confirmed) continue;
      if (sub.filter) {
        const accepted = sub.filter.scope === 'MessageBody' ? matchesBody(sub.filter, messageFor(p, sub.protocol)) : matchesAttributes(sub.filter, deliveryAttributes(p));
        if (!accepted) continue;
      }
      const attempt = this.#attempt(sub, p, 1);
      // HTTP endpoints are remote: Publish does not wait for them.
      if (sub.protocol !== 'http' && sub.protocol !== 'https') pending.push(attempt);
    }
    if (pending.length) await Promise.all(pending);
  }

  async #attempt(sub: Subscription, p: Published, attempt: number): Promise<void> {
    let outcome: Outcome;
    let payload = '';
    try {
      const r = await this.#send(sub, p);
      payload = r.payload;
      outcome = r.outcome;
    } catch (err) {
      outcome = { ok: false, error: String((err as Error)?.message ?? err) };
    }
    const record = (status: 'delivered' | 'failed' | 'retrying' | 'dead-lettered'): Promise<void> =>
      this.store.recordDelivery({
        subscriptionArn: sub.arn, topicArn: sub.topicArn, messageId: p.messageId, time: this.store.env.clock.now(),
        protocol: sub.protocol, endpoint: sub.endpoint, status, attempts: attempt, error: outcome.error, payload,
      });
    if (outcome.ok) return record('delivered');
    const delay = outcome.permanent ? undefined : retryDelay(await this.#retryPolicy(sub), attempt);
    if (delay !== undefined) {
      await Promise.all([record('retrying'), this.#schedule({ kind: 'notify', subscription: sub.arn, message: p, attempt: attempt + 1 }, delay * 1000)]);
      return;
    }
    const dead = await this.#deadLetter(sub, p, outcome.error ?? 'delivery failed');
    await record(dead ? 'dead-lettered' : 'failed');
  }

  async #retryPolicy(sub: Subscription): Promise<RetryPolicy> {
    if (sub.protocol === 'http' || sub.protocol === 'https') {
      const topic = (await this.store.topicForPublish(sub.topicArn))?.topic;
      return effectiveHttpPolicy(topic?.attributes.DeliveryPolicy, sub.attributes.DeliveryPolicy).policy.retry;
    }
    if (sub.protocol === 'sqs' || sub.protocol === 'lambda' || sub.protocol === 'firehose') return MANAGED_POLICY;
    return CUSTOMER_MANAGED_POLICY;
  }

  async #send(sub: Subscription, p: Published): Promise<{ outcome: Outcome; payload: string }> {
    const raw = sub.attributes.RawMessageDelivery === 'true';
    switch (sub.protocol) {
      case 'sqs':
      case 'firehose': {
        const body = raw ? messageFor(p, sub.protocol) : envelopeJson(await notification(this.store, p, sub));
        const d: Delivery = { target: sub.endpoint, body, source: { service: 'sns', arn: p.topicArn, requestId: p.causedBy } };
        if (raw && sub.protocol === 'sqs') d.attributes = deliveryAttributes(p);
        if (p.fifo) {
          d.groupId = p.groupId;
          d.deduplicationId = p.deduplicationId;
        }
        return { outcome: await this.#deliver(d), payload: body };
      }
      case 'lambda': {
        const body = await lambdaEvent(this.store, p, sub);
        return { outcome: await this.#deliver({ target: sub.endpoint, body, options: { invocationType: 'Event' }, source: { service: 'sns', arn: p.topicArn, requestId: p.causedBy } }), payload: body };
      }
      case 'http':
      case 'https': {
        const body = raw ? messageFor(p, sub.protocol) : envelopeJson(await notification(this.store, p, sub));
        const headers: Record<string, string> = {
          'x-amz-sns-message-type': 'Notification',
          'x-amz-sns-message-id': p.messageId,
          'x-amz-sns-topic-arn': p.topicArn,
          'x-amz-sns-subscription-arn': sub.arn,
        };
        if (raw) headers['x-amz-sns-rawdelivery'] = 'true';
        return { outcome: await this.#post(sub, body, headers), payload: body };
      }
      case 'email':
      case 'email-json':
      case 'sms':
      case 'application': {
        const text = messageFor(p, sub.protocol === 'application' ? 'default' : sub.protocol);
        const body = sub.protocol === 'email-json' ? envelopeJson(await notification(this.store, p, sub)) : sub.protocol === 'application' ? applicationMessage(p) : text;
        await this.store.addToOutbox({
          account: sub.account, region: sub.region, kind: sub.protocol === 'email-json' ? 'email' : sub.protocol,
          destination: sub.endpoint, subject: sub.protocol.startsWith('email') ? (p.subject ?? 'AWS Notification Message') : null,
          message: body, message_id: p.messageId, topic_arn: p.topicArn, subscription_arn: sub.arn,
          attributes: p.attributes ? JSON.stringify(p.attributes) : null, time: this.store.env.clock.now(),
        });
        return { outcome: { ok: true }, payload: body };
      }
      default:
        return { outcome: { ok: false, permanent: true, error: `unsupported protocol ${sub.protocol}` }, payload: '' };
    }
  }

  async #deliver(d: Delivery): Promise<Outcome> {
    try {
      await this.store.env.deliver(d);
      return { ok: true };
    } catch (err) {
      const e = err instanceof ServiceError ? err : undefined;
      const message = e ? `${e.code}: ${e.message}` : String((err as Error)?.message ?? err);
      // A target that does not exist or refuses the message is a client-side error: not retried.
      return { ok: false, permanent: !!e && e.status < 500 && e.status !== 429, error: message };
    }
  }

  async #post(sub: Subscription, body: string, headers: Record<string, string>): Promise<Outcome> {
    const topic = (await this.store.topicForPublish(sub.topicArn))?.topic;
    const { policy } = effectiveHttpPolicy(topic?.attributes.DeliveryPolicy, sub.attributes.DeliveryPolicy);
    return httpPost(sub.endpoint, body, { ...headers, 'content-type': policy.contentType });
  }

  async #deadLetter(sub: Subscription, p: Published, error: string): Promise<boolean> {
    const target = redriveTarget(sub.attributes.RedrivePolicy);
    if (!target) return false;
    const raw = sub.attributes.RawMessageDelivery === 'true';
    const attributes: Record<string, MessageAttributeValue> = { ...(raw ? deliveryAttributes(p) : {}) };
    const [code, ...rest] = error.split(': ');
    attributes.ErrorCode = { DataType: 'String', StringValue: rest.length ? code : 'DeliveryFailed' };
    attributes.ErrorMessage = { DataType: 'String', StringValue: rest.length ? rest.join(': ') : error };
    attributes.RequestID = { DataType: 'String', StringValue: randomUUID() };
    const d: Delivery = {
      target,
      body: raw ? messageFor(p, sub.protocol) : envelopeJson(await notification(this.store, p, sub)),
      attributes,
      source: { service: 'sns', arn: sub.arn, requestId: p.causedBy },
    };
    if (p.fifo) {
      d.groupId = p.groupId;
      d.deduplicationId = p.deduplicationId;
    }
    const outcome = await this.#deliver(d);
    if (!outcome.ok) this.store.env.log.warn(`sns: dead-letter queue ${target} of ${sub.arn} refused a message: ${outcome.error}`);
    return outcome.ok;
  }

  // ── HTTP/S subscription confirmations ──

  /** Sends (or re-sends) the SubscriptionConfirmation POST of a pending HTTP/S subscription. */
  async sendConfirmation(subscriptionArn: string, token: string, attempt = 1): Promise<void> {
    const row = await this.store.subscriptionRow(subscriptionArn);
    if (!row || row.confirmed || row.token !== token) return;
    const sub = toSubscription(row);
    const topic = (await this.store.topicForPublish(sub.topicArn))?.topic;
    const version = (topic?.attributes.SignatureVersion === '2' ? '2' : '1') as '1' | '2';
    const body = envelopeJson(await confirmation(this.store, 'SubscriptionConfirmation', sub, token, randomUUID(), isoNow(this.store), version));
    let outcome: Outcome;
    try {
      outcome = await httpPost(sub.endpoint, body, {
        'x-amz-sns-message-type': 'SubscriptionConfirmation',
        'x-amz-sns-message-id': randomUUID(),
        'x-amz-sns-topic-arn': sub.topicArn,
        'content-type': 'text/plain; charset=UTF-8',
      });
    } catch (err) {
      outcome = { ok: false, error: String(err) };
    }
    await this.store.recordDelivery({
      subscriptionArn, topicArn: sub.topicArn, messageId: 'SubscriptionConfirmation', time: this.store.env.clock.now(),
      protocol: sub.protocol, endpoint: sub.endpoint, status: outcome.ok ? 'delivered' : 'failed', attempts: attempt, error: outcome.error, payload: body,
    });
    if (outcome.ok || outcome.permanent) return;
    const delay = retryDelay(await this.#retryPolicy(sub), attempt);
    if (delay !== undefined) await this.#schedule({ kind: 'confirm', subscription: subscriptionArn, token, attempt: attempt + 1 }, delay * 1000);
  }

  /** Tells an HTTP/S endpoint its subscription is gone (one attempt, as on AWS). */
  async sendUnsubscribeConfirmation(sub: Subscription, token: string): Promise<void> {
    const topic = (await this.store.topicForPublish(sub.topicArn))?.topic;
    const version = (topic?.attributes.SignatureVersion === '2' ? '2' : '1') as '1' | '2';
    const body = envelopeJson(await confirmation(this.store, 'UnsubscribeConfirmation', sub, token, randomUUID(), isoNow(this.store), version));
    await httpPost(sub.endpoint, body, {
      'x-amz-sns-message-type': 'UnsubscribeConfirmation',
      'x-amz-sns-message-id': randomUUID(),
      'x-amz-sns-topic-arn': sub.topicArn,
      'x-amz-sns-subscription-arn': sub.arn,
      'content-type': 'text/plain; charset=UTF-8',
    }).catch(() => undefined);
  }

  // ── Retries on the clock ──

  async #schedule(job: Job, delayMs: number): Promise<void> {
    const id = randomUUID();
    const due = this.store.env.clock.now() + Math.round(delayMs);
    await this.store.addRetry({ id, due, job: JSON.stringify(job) });
    this.#arm(id, due, job);
  }

  #arm(id: string, due: number, job: Job): void {
    const clock = this.store.env.clock;
    const handle = clock.setTimeout(() => {
      this.#timers.delete(id);
      this.#run(id, job).catch((err) => this.store.env.log.error('sns: a retried delivery failed', err));
    }, Math.max(0, due - clock.now()));
    this.#timers.set(id, handle);
  }

  async #run(id: string, job: Job): Promise<void> {
    await this.store.removeRetry(id);
    if (job.kind === 'confirm') return this.sendConfirmation(job.subscription, job.token, job.attempt);
    const row = await this.store.subscriptionRow(job.subscription);
    // An unsubscribed endpoint gets nothing more.
    if (!row) return;
    await this.#attempt(toSubscription(row), job.message, job.attempt);
  }

  pendingRetries(): number {
    return this.#timers.size;
  }
}

function redriveTarget(policy: string | undefined): string | undefined {
  if (!policy) return undefined;
  try {
    const arn = (JSON.parse(policy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    return typeof arn === 'string' ? arn : undefined;
  } catch {
    return undefined;
  }
}

function applicationMessage(p: Published): string {
  return p.perProtocol ? JSON.stringify(p.perProtocol) : p.message;
}

function isoNow(store: SnsStore): string {
  return new Date(store.env.clock.now()).toISOString();
}

/** POSTs to an HTTP/S endpoint: 2xx is delivered, 4xx (but 429) is the endpoint's refusal, the rest is retried. */
export async function httpPost(url: string, body: string, headers: Record<string, string>): Promise<Outcome> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers: { ...headers, 'user-agent': 'Amazon Simple Notification Service Agent' },
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      redirect: 'manual',
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true };
    return { ok: false, permanent: res.status >= 400 && res.status < 500 && res.status !== 429, error: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, error: String((err as Error)?.cause ?? (err as Error)?.message ?? err) };
  }
}
