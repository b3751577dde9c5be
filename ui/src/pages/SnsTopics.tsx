// SNS topics: create/delete, subscriptions (subscribe a queue, an HTTP endpoint, an email address…),
// publish with message attributes, delivery history per subscription, and the SMS/email/push outboxes.
import { useState, type FormEvent } from 'react';
import { api, callAws } from '../api.ts';
import { ErrorBanner, Section, useLoad } from '../components.tsx';
import { Link } from '../router.tsx';
import { useScope } from '../scope.tsx';
import {
  Badge, Facts, Pretty, Suggestions, When, allPages, arnName, invalid, parseJson, scopeQuery, snsPath, useAction, useArnSuggestions, utf8ToBase64,
} from './PageKit.tsx';

interface TopicRow {
  arn: string;
  attributes: Record<string, string>;
}

interface Subscription {
  SubscriptionArn: string;
  Protocol: string;
  Endpoint: string;
  Owner?: string;
  TopicArn: string;
}

interface Delivery {
  id: number;
  subscription_arn: string;
  message_id: string;
  time: number;
  protocol: string;
  endpoint: string;
  status: string;
  attempts: number;
  error: string | null;
  payload: string;
}

interface OutboxMessage {
  id: number;
  destination: string;
  subject?: string;
  message: string;
  messageId: string;
  topicArn?: string;
  subscriptionArn?: string;
  messageAttributes?: Record<string, unknown>;
  time: string;
}

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;

export function TopicList() {
  const scope = useScope();
  const [topics, loadError, reload] = useLoad(async () => {
    const arns = await allPages((token) =>
      callAws<{ Topics?: Array<{ TopicArn: string }>; NextToken?: string }>(scope, 'sns', 'ListTopics', token ? { NextToken: token } : {}).then((r) => ({
        items: (r.Topics ?? []).map((t) => t.TopicArn),
        next: r.NextToken,
      })),
    );
    return Promise.all(
      arns.map((arn) =>
        callAws<{ Attributes?: Record<string, string> }>(scope, 'sns', 'GetTopicAttributes', { TopicArn: arn }).then(
          (r): TopicRow => ({ arn, attributes: r.Attributes ?? {} }),
          (): TopicRow => ({ arn, attributes: {} }),
        ),
      ),
    );
  }, [scope.account, scope.region]);
  const [name, setName] = useState('');
  const [fifo, setFifo] = useState(false);
  const [displayName, setDisplayName] = useState('');
  const create = useAction();
  const remove = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.run(async () => {
      const base = name.trim().replace(/\.fifo$/, '');
      if (!base) invalid('A topic name is required.');
      if (!TOPIC_NAME.test(base)) invalid('A topic name has up to 256 letters, digits, hyphens and underscores.');
      const attributes: Record<string, string> = {};
      if (fifo) attributes.FifoTopic = 'true';
      if (displayName) attributes.DisplayName = displayName;
      await callAws(scope, 'sns', 'CreateTopic', { Name: fifo ? `${base}.fifo` : base, Attributes: attributes });
      setName('');
      setDisplayName('');
      reload();
    });
  };

  const del = (arn: string) => {
    if (!window.confirm(`Delete topic ${arnName(arn)} and its subscriptions?`)) return;
    remove.run(async () => {
      await callAws(scope, 'sns', 'DeleteTopic', { TopicArn: arn });
      reload();
    });
  };

  return (
    <>
      <Section title="Create a topic">
        <form className="inline" onSubmit={submit}>
          <label>
            Name
            <input aria-label="Topic name" value={name} onChange={(e) => setName(e.target.value)} placeholder="orders" />
          </label>
          <label>
            Display name
            <input aria-label="Display name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} placeholder="optional" />
          </label>
          <label className="check">
            <input type="checkbox" checked={fifo} onChange={(e) => setFifo(e.target.checked)} /> FIFO (.fifo)
          </label>
          <button type="submit" disabled={create.busy}>
            Create topic
          </button>
        </form>
        <ErrorBanner error={create.error} />
      </Section>
      <Section title={`Topics in ${scope.account} · ${scope.region}`} actions={<button className="secondary" onClick={reload}>Refresh</button>}>
        <ErrorBanner error={loadError ?? remove.error} />
        {topics && topics.length === 0 ? <p className="muted">No topics yet.</p> : null}
        {topics?.length ? (
          <table>
            <thead>
              <tr>
                <th>Topic</th>
                <th>Type</th>
                <th className="num">Confirmed</th>
                <th className="num">Pending</th>
                <th>ARN</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {topics.map((t) => (
                <tr key={t.arn}>
                  <td>
                    <Link to={snsPath('topics', { arn: t.arn })}>{arnName(t.arn)}</Link>
                    {t.attributes.DisplayName ? <span className="muted"> — {t.attributes.DisplayName}</span> : null}
                  </td>
                  <td>{t.attributes.FifoTopic === 'true' ? 'FIFO' : 'Standard'}</td>
                  <td className="num">{t.attributes.SubscriptionsConfirmed ?? ''}</td>
                  <td className="num">{t.attributes.SubscriptionsPending ?? ''}</td>
                  <td>
                    <code>{t.arn}</code>
                  </td>
                  <td className="row-actions">
                    <button className="danger" onClick={() => del(t.arn)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Section>
    </>
  );
}

export function TopicView({ arn }: { arn: string }) {
  const scope = useScope();
  const [attrs, attrError, reloadAttrs] = useLoad(
    () => callAws<{ Attributes?: Record<string, string> }>(scope, 'sns', 'GetTopicAttributes', { TopicArn: arn }).then((r) => r.Attributes ?? {}),
    [arn, scope.account, scope.region],
  );
  const [subs, subsError, reloadSubs] = useLoad(
    () =>
      allPages((token) =>
        callAws<{ Subscriptions?: Subscription[]; NextToken?: string }>(scope, 'sns', 'ListSubscriptionsByTopic', { TopicArn: arn, ...(token ? { NextToken: token } : {}) }).then(
          (r) => ({ items: r.Subscriptions ?? [], next: r.NextToken }),
        ),
      ),
    [arn, scope.account, scope.region],
  );
  const [history, setHistory] = useState<string>();
  const unsubscribe = useAction();
  const reload = () => {
    reloadAttrs();
    reloadSubs();
  };
  const fifo = attrs?.FifoTopic === 'true';

  const unsub = (s: Subscription) => {
    if (!window.confirm(`Unsubscribe ${s.Endpoint}?`)) return;
    unsubscribe.run(async () => {
      await callAws(scope, 'sns', 'Unsubscribe', { SubscriptionArn: s.SubscriptionArn });
      if (history === s.SubscriptionArn) setHistory(undefined);
      reload();
    });
  };

  return (
    <>
      <p className="breadcrumbs">
        <Link to={snsPath('topics')}>Topics</Link> › <strong>{arnName(arn)}</strong>
      </p>
      <ErrorBanner error={attrError} />
      {attrs ? (
        <Facts
          rows={[
            ['ARN', <code>{arn}</code>],
            ['Type', fifo ? `FIFO${attrs.ContentBasedDeduplication === 'true' ? ', content-based deduplication' : ''}` : 'Standard'],
            ['Display name', attrs.DisplayName],
            ['Subscriptions', `${attrs.SubscriptionsConfirmed ?? 0} confirmed, ${attrs.SubscriptionsPending ?? 0} pending, ${attrs.SubscriptionsDeleted ?? 0} deleted`],
          ]}
        />
      ) : null}
      <Section title="Subscriptions" actions={<button className="secondary" onClick={reload}>Refresh</button>}>
        <ErrorBanner error={subsError ?? unsubscribe.error} />
        {subs && subs.length === 0 ? <p className="muted">No subscriptions yet.</p> : null}
        {subs?.length ? (
          <table>
            <thead>
              <tr>
                <th>Protocol</th>
                <th>Endpoint</th>
                <th>Status</th>
                <th>Subscription ARN</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {subs.map((s, i) => {
                const pending = !s.SubscriptionArn.startsWith('arn:');
                return (
                  <tr key={`${s.SubscriptionArn}-${i}`} className={history === s.SubscriptionArn ? 'selected' : undefined}>
                    <td>{s.Protocol}</td>
                    <td>
                      <code>{s.Endpoint}</code>
                    </td>
                    <td>{pending ? <Badge value="pending confirmation" /> : <Badge value="confirmed" />}</td>
                    <td>{pending ? <span className="muted">{s.Protocol.startsWith('email') ? 'the confirmation is in the email outbox' : '—'}</span> : <code>{arnName(s.SubscriptionArn)}</code>}</td>
                    <td className="row-actions">
                      {pending ? null : (
                        <>
                          <button className="secondary" onClick={() => setHistory(history === s.SubscriptionArn ? undefined : s.SubscriptionArn)}>
                            {history === s.SubscriptionArn ? 'Hide deliveries' : 'Deliveries'}
                          </button>
                          <button className="danger" onClick={() => unsub(s)}>
                            Unsubscribe
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
      </Section>
      {history ? <DeliveryHistory subscriptionArn={history} endpoint={subs?.find((s) => s.SubscriptionArn === history)?.Endpoint ?? ''} /> : null}
      <div className="columns">
        <PublishForm topicArn={arn} fifo={fifo} />
        <SubscribeForm topicArn={arn} onDone={reload} />
      </div>
    </>
  );
}

const PROTOCOLS: Array<[string, string, string]> = [
  ['sqs', 'SQS queue', 'arn:aws:sqs:us-east-1:000000000000:my-queue'],
  ['http', 'HTTP', 'http://localhost:8080/hook'],
  ['https', 'HTTPS', 'https://example.com/hook'],
  ['email', 'Email', 'someone@example.com'],
  ['email-json', 'Email (JSON)', 'someone@example.com'],
  ['sms', 'SMS', '+15555550100'],
  ['lambda', 'Lambda function', 'arn:aws:lambda:us-east-1:000000000000:function:my-fn'],
  ['firehose', 'Firehose', 'arn:aws:firehose:us-east-1:000000000000:deliverystream/x'],
  ['application', 'Mobile push endpoint', 'arn:aws:sns:us-east-1:000000000000:endpoint/GCM/app/id'],
];

function checkEndpoint(protocol: string, endpoint: string): void {
  const ok: Record<string, RegExp> = {
    sqs: /^arn:aws[\w-]*:sqs:[\w-]+:\d{12}:[\w.-]+$/,
    lambda: /^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/,
    http: /^http:\/\/\S+$/,
    https: /^https:\/\/\S+$/,
    email: /^[^@\s]+@[^@\s]+$/,
    'email-json': /^[^@\s]+@[^@\s]+$/,
    sms: /^\+?[1-9][\d ()-]{3,18}$/,
    firehose: /^arn:aws[\w-]*:firehose:\S+$/,
    application: /^arn:aws[\w-]*:sns:\S+$/,
  };
  if (!endpoint) invalid('An endpoint is required.');
  const want: Record<string, string> = {
    sqs: 'a queue ARN (arn:aws:sqs:region:account:name)',
    lambda: 'a function ARN',
    http: 'a URL starting with http://',
    https: 'a URL starting with https://',
    email: 'an email address',
    'email-json': 'an email address',
    sms: 'a phone number in E.164 form (+15555550100)',
    firehose: 'a delivery stream ARN',
    application: 'a platform endpoint ARN',
  };
  if (ok[protocol] && !ok[protocol].test(endpoint)) invalid(`The endpoint of a ${protocol} subscription must be ${want[protocol]}.`);
}

function SubscribeForm({ topicArn, onDone }: { topicArn: string; onDone: () => void }) {
  const scope = useScope();
  const [protocol, setProtocol] = useState('sqs');
  const [endpoint, setEndpoint] = useState('');
  const [raw, setRaw] = useState(false);
  const [filter, setFilter] = useState('');
  const [done, setDone] = useState<string>();
  const action = useAction();
  const suggestions = useArnSuggestions(scope, ['sqs', 'lambda']);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(undefined);
    action.run(async () => {
      const ep = endpoint.trim();
      checkEndpoint(protocol, ep);
      const attributes: Record<string, string> = {};
      if (raw) attributes.RawMessageDelivery = 'true';
      if (filter.trim()) {
        parseJson(filter, 'The filter policy', 'object');
        attributes.FilterPolicy = filter.trim();
      }
      const r = await callAws<{ SubscriptionArn: string }>(scope, 'sns', 'Subscribe', { TopicArn: topicArn, Protocol: protocol, Endpoint: ep, Attributes: attributes, ReturnSubscriptionArn: true });
      setDone(r.SubscriptionArn);
      setEndpoint('');
      onDone();
    });
  };

  const placeholder = PROTOCOLS.find((p) => p[0] === protocol)?.[2] ?? '';
  return (
    <Section title="Subscribe">
      <form className="stack" onSubmit={submit}>
        <div className="row">
          <label>
            Protocol
            <select aria-label="Protocol" value={protocol} onChange={(e) => setProtocol(e.target.value)}>
              {PROTOCOLS.map(([v, label]) => (
                <option key={v} value={v}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label className="grow">
            Endpoint
            <input aria-label="Endpoint" list="sns-endpoints" value={endpoint} onChange={(e) => setEndpoint(e.target.value)} placeholder={placeholder} />
          </label>
          <Suggestions id="sns-endpoints" values={suggestions.filter((a) => a.includes(`:${protocol}:`))} />
        </div>
        {['sqs', 'http', 'https', 'firehose'].includes(protocol) ? (
          <label className="check">
            <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} /> Raw message delivery
          </label>
        ) : null}
        <label className="full">
          Filter policy (JSON, optional)
          <textarea aria-label="Filter policy" rows={2} value={filter} onChange={(e) => setFilter(e.target.value)} placeholder='{"kind": ["order"]}' spellCheck={false} />
        </label>
        <button type="submit" disabled={action.busy}>
          Subscribe
        </button>
      </form>
      <ErrorBanner error={action.error} />
      {done ? (
        <div className="notice">
          Subscribed: <code>{done}</code>
        </div>
      ) : null}
    </Section>
  );
}

interface AttributeRow {
  name: string;
  type: string;
  value: string;
}

/** Message attributes as SNS/SQS take them, validated. */
export function messageAttributes(rows: AttributeRow[]): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const r of rows) {
    const name = r.name.trim();
    if (!name && !r.value) continue;
    if (!name) invalid('Every message attribute needs a name.');
    if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name)) invalid(`Attribute name "${name}" may only have letters, digits, _ - and .`);
    if (name in out) invalid(`Attribute "${name}" is given twice.`);
    if (r.value === '') invalid(`Attribute "${name}" needs a value.`);
    if (r.type === 'Number' && Number.isNaN(Number(r.value))) invalid(`Attribute "${name}" is a Number but "${r.value}" is not a number.`);
    if (r.type === 'String.Array') {
      const v = parseJson(r.value, `Attribute "${name}"`);
      if (!Array.isArray(v)) invalid(`Attribute "${name}" is a String.Array: give a JSON array, e.g. ["a", "b"].`);
    }
    out[name] = r.type === 'Binary' ? { DataType: 'Binary', BinaryValue: utf8ToBase64(r.value) } : { DataType: r.type, StringValue: r.value };
  }
  return Object.keys(out).length ? out : undefined;
}

export function AttributeEditor({ rows, onChange }: { rows: AttributeRow[]; onChange: (rows: AttributeRow[]) => void }) {
  const set = (i: number, patch: Partial<AttributeRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="attrs">
      {rows.map((r, i) => (
        <div className="row" key={i}>
          <input aria-label={`Attribute ${i + 1} name`} placeholder="name" value={r.name} onChange={(e) => set(i, { name: e.target.value })} />
          <select aria-label={`Attribute ${i + 1} type`} value={r.type} onChange={(e) => set(i, { type: e.target.value })}>
            <option>String</option>
            <option>Number</option>
            <option>Binary</option>
            <option>String.Array</option>
          </select>
          <input className="grow" aria-label={`Attribute ${i + 1} value`} placeholder="value" value={r.value} onChange={(e) => set(i, { value: e.target.value })} />
          <button type="button" className="link" aria-label={`Remove attribute ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            ✕
          </button>
        </div>
      ))}
      <button type="button" className="secondary" onClick={() => onChange([...rows, { name: '', type: 'String', value: '' }])}>
        Add attribute
      </button>
    </div>
  );
}

function PublishForm({ topicArn, fifo }: { topicArn: string; fifo: boolean }) {
  const scope = useScope();
  const [subject, setSubject] = useState('');
  const [message, setMessage] = useState('');
  const [groupId, setGroupId] = useState('');
  const [dedupId, setDedupId] = useState('');
  const [rows, setRows] = useState<AttributeRow[]>([]);
  const [sent, setSent] = useState<{ MessageId: string; SequenceNumber?: string }>();
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSent(undefined);
    action.run(async () => {
      if (!message) invalid('A message is required.');
      if (subject.length > 100) invalid('A subject has at most 100 characters.');
      if (fifo && !groupId) invalid('A FIFO topic needs a message group id.');
      const input: Record<string, unknown> = { TopicArn: topicArn, Message: message };
      if (subject) input.Subject = subject;
      if (groupId) input.MessageGroupId = groupId;
      if (dedupId) input.MessageDeduplicationId = dedupId;
      const attributes = messageAttributes(rows);
      if (attributes) input.MessageAttributes = attributes;
      setSent(await callAws(scope, 'sns', 'Publish', input));
    });
  };

  return (
    <Section title="Publish a message">
      <form className="stack" onSubmit={submit}>
        <label className="full">
          Subject
          <input aria-label="Subject" value={subject} onChange={(e) => setSubject(e.target.value)} placeholder="optional" />
        </label>
        <label className="full">
          Message
          <textarea aria-label="Message" rows={4} value={message} onChange={(e) => setMessage(e.target.value)} spellCheck={false} />
        </label>
        {fifo ? (
          <div className="row">
            <label>
              Message group id
              <input aria-label="Message group id" value={groupId} onChange={(e) => setGroupId(e.target.value)} />
            </label>
            <label>
              Deduplication id
              <input aria-label="Deduplication id" value={dedupId} onChange={(e) => setDedupId(e.target.value)} placeholder="optional" />
            </label>
          </div>
        ) : null}
        <span className="muted">Message attributes</span>
        <AttributeEditor rows={rows} onChange={setRows} />
        <button type="submit" disabled={action.busy}>
          Publish
        </button>
      </form>
      <ErrorBanner error={action.error} />
      {sent ? (
        <div className="notice">
          Published message <code>{sent.MessageId}</code>
          {sent.SequenceNumber ? ` (sequence ${sent.SequenceNumber})` : ''}
        </div>
      ) : null}
    </Section>
  );
}

function DeliveryHistory({ subscriptionArn, endpoint }: { subscriptionArn: string; endpoint: string }) {
  const [data, error, reload] = useLoad(
    () => api<{ deliveries: Delivery[] }>(`/_fogbank/sns/deliveries?${new URLSearchParams({ subscriptionArn, limit: '50' })}`).then((r) => r.deliveries.slice().reverse()),
    [subscriptionArn],
  );
  return (
    <Section title={`Deliveries to ${endpoint}`} actions={<button className="secondary" onClick={reload}>Refresh</button>}>
      <ErrorBanner error={error} />
      {data && data.length === 0 ? <p className="muted">Nothing delivered to this subscription yet.</p> : null}
      {data?.length ? (
        <table aria-label="Delivery history">
          <thead>
            <tr>
              <th>Time</th>
              <th>Message</th>
              <th>Status</th>
              <th className="num">Attempts</th>
              <th>Error</th>
              <th>Payload</th>
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.id}>
                <td>
                  <When at={d.time} />
                </td>
                <td>
                  <code>{d.message_id}</code>
                </td>
                <td>
                  <Badge value={d.status} />
                </td>
                <td className="num">{d.attempts}</td>
                <td>{d.error ?? ''}</td>
                <td className="payload">
                  <details>
                    <summary>{d.payload.length} chars</summary>
                    <Pretty text={d.payload} />
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <p className="muted small">Newest first; the last 50.</p>
    </Section>
  );
}

const OUTBOXES: Array<[string, string]> = [
  ['sms', 'SMS'],
  ['email', 'Email'],
  ['application', 'Mobile push'],
];

export function OutboxView() {
  return (
    <>
      <p className="muted">
        What SNS would have sent to phones, inboxes and devices. Nothing leaves the machine: the messages stay here. Email confirmation links work when
        opened.
      </p>
      {OUTBOXES.map(([kind, title]) => (
        <Outbox key={kind} kind={kind} title={title} />
      ))}
    </>
  );
}

function Outbox({ kind, title }: { kind: string; title: string }) {
  const scope = useScope();
  const [messages, error, reload] = useLoad(
    () => api<{ messages: OutboxMessage[] }>(`/_fogbank/sns/outbox/${kind}?${scopeQuery(scope)}`).then((r) => r.messages.slice().reverse()),
    [kind, scope.account, scope.region],
  );
  const clear = useAction();
  const onClear = () => {
    if (!window.confirm(`Clear the ${title} outbox (every account and region)?`)) return;
    clear.run(async () => {
      await api(`/_fogbank/sns/outbox/${kind}`, { method: 'DELETE' });
      reload();
    });
  };
  return (
    <Section
      title={`${title} outbox`}
      actions={
        <>
          <button className="secondary" onClick={reload}>
            Refresh
          </button>
          <button className="danger" onClick={onClear} disabled={!messages?.length}>
            Clear
          </button>
        </>
      }
    >
      <ErrorBanner error={error ?? clear.error} />
      {messages && messages.length === 0 ? <p className="muted">Empty.</p> : null}
      {messages?.length ? (
        <table aria-label={`${title} outbox`}>
          <thead>
            <tr>
              <th>Time</th>
              <th>{kind === 'sms' ? 'Phone number' : kind === 'email' ? 'Address' : 'Endpoint'}</th>
              {kind === 'sms' ? null : <th>Subject</th>}
              <th>Message</th>
              <th>Topic</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr key={m.id}>
                <td>
                  <When at={m.time} />
                </td>
                <td>
                  <code>{m.destination}</code>
                </td>
                {kind === 'sms' ? null : <td>{m.subject ?? ''}</td>}
                <td className="message">
                  <MessageText text={m.message} />
                </td>
                <td>{m.topicArn ? <Link to={snsPath('topics', { arn: m.topicArn })}>{arnName(m.topicArn)}</Link> : <span className="muted">direct</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Section>
  );
}

/** A message body with its links clickable (email confirmation links). */
function MessageText({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/\S+)/g);
  return (
    <pre className="body">
      {parts.map((p, i) =>
        /^https?:\/\//.test(p) ? (
          <a key={i} href={p} target="_blank" rel="noreferrer">
            {p.length > 90 ? `${p.slice(0, 90)}…` : p}
          </a>
        ) : (
          p
        ),
      )}
    </pre>
  );
}
