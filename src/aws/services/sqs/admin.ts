// Out-of-band routes: peek at a queue's messages without receiving them (no visibility change, no
// receive count), in Fogbank's JSON and at LocalStack's /_aws/sqs/messages, and list every queue.
import { RawAdminResponse, type AdminRequest, type AdminRoute } from '../../../core/service.ts';
import { ServiceError } from '../../../core/errors.ts';
import { queryCodec } from '../../protocol/query.ts';
import type { ServiceModel } from '../../protocol/model.ts';
import type { SqsEngine } from './engine.ts';
import { sequenceNumberOf, type MessageRow, type Queue } from './store.ts';
import { parseQueueUrl } from './queue-url.ts';
import { loadAttributes, type MessageAttributes } from './message-attributes.ts';
import { md5OfAttributes, md5OfBody } from './md5.ts';
import { queueAttributeValues } from './operations/attributes.ts';

const PAGE = 1000;

interface PeekOptions {
  invisible: boolean;
  delayed: boolean;
}

/** Every message of a queue in order, in flight and delayed ones only when asked for. */
async function peek(engine: SqsEngine, queue: Queue, o: PeekOptions): Promise<MessageRow[]> {
  const now = engine.clock.now();
  const out: MessageRow[] = [];
  for (let after = 0; ;) {
    const rows = await engine.store.peek(queue.id, after, PAGE);
    for (const r of rows) {
      if (r.expires_at <= now) continue;
      const hidden = r.visible_at > now;
      if (hidden && r.receive_count > 0 && !o.invisible) continue;
      if (hidden && r.receive_count === 0 && !o.delayed) continue;
      out.push(r);
    }
    if (rows.length < PAGE) return out;
    after = rows[rows.length - 1].seq;
  }
}

function systemAttributes(r: MessageRow): Record<string, string> {
  const a: Record<string, string> = {
    SenderId: r.sender_id,
    SentTimestamp: String(r.sent_at),
    ApproximateReceiveCount: String(r.receive_count),
    ApproximateFirstReceiveTimestamp: String(r.first_receive_at ?? 0),
  };
  const sequenceNumber = sequenceNumberOf(r);
  if (sequenceNumber) a.SequenceNumber = sequenceNumber;
  if (r.dedup_id) a.MessageDeduplicationId = r.dedup_id;
  if (r.group_id) a.MessageGroupId = r.group_id;
  if (r.trace_header) a.AWSTraceHeader = r.trace_header;
  if (r.dead_letter_source) a.DeadLetterQueueSourceArn = r.dead_letter_source;
  return a;
}

async function queueOf(engine: SqsEngine, req: AdminRequest): Promise<Queue> {
  let address;
  if (req.params.name) {
    address = { region: req.params.region, account: req.params.account, name: req.params.name };
  } else {
    const url = req.query.get('QueueUrl');
    if (!url) throw nonExistent();
    address = parseQueueUrl(url, req.query.get('Region') ?? 'us-east-1');
  }
  const queue = await engine.store.queue(address.account, address.region, address.name);
  if (!queue) throw nonExistent();
  return queue;
}

function nonExistent(): ServiceError {
  return new ServiceError('QueueDoesNotExist', 'The specified queue does not exist.', { status: 400, queryCode: 'AWS.SimpleQueueService.NonExistentQueue' });
}

function flag(req: AdminRequest, name: string): boolean {
  return /^(true|1)$/i.test(req.query.get(name) ?? '');
}

function wantsJson(req: AdminRequest): boolean {
  const accept = req.headers?.accept;
  return (Array.isArray(accept) ? accept.join(',') : accept ?? '').includes('application/json');
}

// ── LocalStack's developer endpoint ─────────────────────────────────────────────────────────────

/** A ReceiveMessage answer in the query protocol's XML, or its xmltodict-style JSON (LocalStack's). */
async function localstackMessages(engine: SqsEngine, queryModel: ServiceModel, req: AdminRequest): Promise<RawAdminResponse> {
  const json = wantsJson(req);
  let queue: Queue;
  try {
    queue = await queueOf(engine, req);
  } catch (err) {
    return localstackError(err, json, queryModel);
  }
  const o = { invisible: flag(req, 'ShowInvisible'), delayed: flag(req, 'ShowDelayed') };
  const now = engine.clock.now();
  const messages = (await peek(engine, queue, o)).map((r) => {
    const attributes = systemAttributes(r);
    if (o.invisible) attributes.IsVisible = String(r.visible_at <= now);
    if (o.delayed) attributes.IsDelayed = String(r.visible_at > now && r.receive_count === 0);
    const messageAttributes = loadAttributes(r.attributes);
    return { r, attributes, messageAttributes };
  });
  if (!json) {
    const output = {
      Messages: messages.map(({ r, attributes, messageAttributes }) => ({
        MessageId: r.message_id, ReceiptHandle: r.receipt ?? undefined, MD5OfBody: md5OfBody(r.body), Body: r.body,
        Attributes: attributes, MD5OfMessageAttributes: md5OfAttributes(messageAttributes), MessageAttributes: messageAttributes,
      })),
    };
    const response = queryCodec.serializeOutput(queryModel, 'ReceiveMessage', output, { requestId: crypto.randomUUID() });
    return new RawAdminResponse('text/xml', response.body as string);
  }
  const items = messages.map(({ r, attributes, messageAttributes }) => {
    const m: Record<string, unknown> = { MessageId: r.message_id, MD5OfBody: md5OfBody(r.body), Body: r.body };
    if (r.receipt) m.ReceiptHandle = r.receipt;
    m.Attribute = Object.entries(attributes).map(([Name, Value]) => ({ Name, Value }));
    if (messageAttributes) {
      m.MD5OfMessageAttributes = md5OfAttributes(messageAttributes);
      m.MessageAttribute = Object.entries(messageAttributes).map(([Name, v]) => ({ Name, Value: jsonAttribute(v) }));
    }
    return m;
  });
  // xmltodict's shapes: one element is an object, several a list, none absent.
  const result = items.length === 0 ? null : { Message: items.length === 1 ? items[0] : items };
  return new RawAdminResponse('application/json', JSON.stringify({
    ReceiveMessageResponse: { ReceiveMessageResult: result, ResponseMetadata: { RequestId: crypto.randomUUID() } },
  }));
}

function jsonAttribute(v: MessageAttributes[string]): Record<string, string> {
  return v.BinaryValue !== undefined ? { BinaryValue: v.BinaryValue.toString('base64'), DataType: v.DataType } : { StringValue: v.StringValue ?? '', DataType: v.DataType };
}

function localstackError(err: unknown, json: boolean, queryModel: ServiceModel): RawAdminResponse {
  if (!(err instanceof ServiceError)) throw err;
  const code = err.queryCode ?? err.code;
  if (json) {
    return new RawAdminResponse('application/json', JSON.stringify({
      ErrorResponse: { Error: { Type: 'Sender', Code: code, Message: err.message } },
    }), err.status);
  }
  const response = queryCodec.serializeError(queryModel, 'ReceiveMessage', err, { requestId: crypto.randomUUID() });
  return new RawAdminResponse('text/xml', response.body as string, err.status);
}

// ── Fogbank's own routes ────────────────────────────────────────────────────────────────────────

function fogbankMessage(r: MessageRow, now: number) {
  const messageAttributes = loadAttributes(r.attributes);
  const state = r.visible_at <= now ? 'visible' : r.receive_count > 0 ? 'inflight' : 'delayed';
  return {
    MessageId: r.message_id,
    Body: r.body,
    MD5OfBody: md5OfBody(r.body),
    Attributes: systemAttributes(r),
    MessageAttributes: messageAttributes ? Object.fromEntries(Object.entries(messageAttributes).map(([k, v]) => [k, jsonAttribute(v)])) : undefined,
    state,
    visibleAt: new Date(r.visible_at).toISOString(),
    expiresAt: new Date(r.expires_at).toISOString(),
  };
}

export function adminRoutes(queryModel: ServiceModel): AdminRoute<SqsEngine>[] {
  return [
    {
      method: 'GET',
      path: /^\/_aws\/sqs\/messages\/?$/,
      handle: (req, engine) => localstackMessages(engine, queryModel, req),
    },
    {
      method: 'GET',
      path: /^\/_aws\/sqs\/messages\/(?<region>[a-z0-9-]+)\/(?<account>\d{12})\/(?<name>[A-Za-z0-9_.-]{1,80})\/?$/,
      handle: (req, engine) => localstackMessages(engine, queryModel, req),
    },
    {
      // ?QueueUrl=…[&Region=…] — every message, whatever its visibility, untouched.
      method: 'GET',
      path: /^\/_fogbank\/sqs\/messages\/?$/,
      async handle(req, engine) {
        const queue = await queueOf(engine, req);
        const now = engine.clock.now();
        const messages = await peek(engine, queue, { invisible: true, delayed: true });
        return { queueUrl: engine.urlOf(queue), messages: messages.map((r) => fogbankMessage(r, now)) };
      },
    },
    {
      method: 'GET',
      path: /^\/_fogbank\/sqs\/queues\/?$/,
      async handle(_req, engine) {
        const queues = [];
        for (const q of await engine.store.allQueues()) {
          queues.push({
            account: q.account, region: q.region, name: q.name, url: engine.urlOf(q), arn: q.arn, fifo: q.fifo,
            attributes: await queueAttributeValues(engine, q, [
              'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed',
              ...Object.keys(q.attributes),
            ]),
            tags: q.tags,
          });
        }
        return { queues };
      },
    },
  ];
}
