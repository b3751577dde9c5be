// One SQS queue: counters, dead-letter links both ways, send (body, message attributes, FIFO group
// and deduplication ids), peek (the admin route: every message, visibility untouched), receive and
// delete, purge, and redrive from a dead-letter queue back to its sources (message move tasks).
import { useEffect, useState, type FormEvent } from 'react';
import { api, callAws } from '../api.ts';
import { ErrorBanner, JsonView, Section, useLoad } from '../components.tsx';
import { Link } from '../router.tsx';
import { useScope } from '../scope.tsx';

/** The queue an ARN names, as a link when it is in the selected account and region. */
export function QueueLink({ arn }: { arn: string }) {
  const scope = useScope();
  const [, , , region, account, name] = arn.split(':');
  if (!name) return <code>{arn}</code>;
  if (account === scope.account && region === scope.region) return <Link to={`/sqs/${encodeURIComponent(name)}`}>{name}</Link>;
  return (
    <span title={arn}>
      {name} <span className="muted">({account}, {region})</span>
    </span>
  );
}

export function redriveTarget(attributes: Record<string, string> | undefined): { arn: string; maxReceiveCount: number } | undefined {
  try {
    const p = JSON.parse(attributes?.RedrivePolicy ?? '');
    return typeof p.deadLetterTargetArn === 'string' ? { arn: p.deadLetterTargetArn, maxReceiveCount: Number(p.maxReceiveCount) } : undefined;
  } catch {
    return undefined;
  }
}

interface Peeked {
  MessageId: string;
  Body: string;
  Attributes: Record<string, string>;
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
  state: 'visible' | 'inflight' | 'delayed';
  visibleAt: string;
}

interface Received {
  MessageId: string;
  ReceiptHandle: string;
  Body: string;
  Attributes?: Record<string, string>;
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
  deleted?: boolean;
}

interface MoveTask {
  TaskHandle?: string;
  Status: string;
  SourceArn: string;
  DestinationArn?: string;
  MaxNumberOfMessagesPerSecond?: number;
  ApproximateNumberOfMessagesMoved?: number;
  ApproximateNumberOfMessagesToMove?: number;
  FailureReason?: string;
  StartedTimestamp?: number;
}

export function SqsQueue({ name }: { name: string }) {
  const scope = useScope();
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((t) => t + 1);
  const [url, urlError] = useLoad(async () => (await callAws(scope, 'sqs', 'GetQueueUrl', { QueueName: name })).QueueUrl as string, [name, scope.account, scope.region]);
  const [attrs, attrsError] = useLoad(
    async () => (url ? ((await callAws(scope, 'sqs', 'GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] })).Attributes as Record<string, string>) : undefined),
    [url, tick],
  );
  const [sources] = useLoad(async () => (url ? ((await callAws(scope, 'sqs', 'ListDeadLetterSourceQueues', { QueueUrl: url })).queueUrls as string[] | undefined) ?? [] : undefined), [url, tick]);
  const [error, setError] = useState<unknown>();
  const fifo = attrs?.FifoQueue === 'true';
  const dlq = redriveTarget(attrs);

  const purge = async () => {
    if (!url || !window.confirm(`Delete every message in ${name}?`)) return;
    setError(undefined);
    try {
      await callAws(scope, 'sqs', 'PurgeQueue', { QueueUrl: url });
      refresh();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="page">
      <div className="breadcrumbs">
        <Link to="/sqs">SQS queues</Link> <span className="muted">/</span>
      </div>
      <h1>
        {name} {attrs ? <span className="tag">{fifo ? 'FIFO' : 'Standard'}</span> : null}
      </h1>
      <ErrorBanner error={urlError ?? attrsError} />
      {url ? (
        <p className="muted wrap">
          <code>{url}</code> · <code>{attrs?.QueueArn}</code>
        </p>
      ) : null}
      {attrs ? (
        <Section
          title="Messages"
          actions={
            <>
              <button className="secondary" onClick={refresh}>
                Refresh
              </button>
              <button className="danger" onClick={purge}>
                Purge
              </button>
            </>
          }
        >
          <div className="stats">
            <Stat label="Available" value={attrs.ApproximateNumberOfMessages} />
            <Stat label="In flight" value={attrs.ApproximateNumberOfMessagesNotVisible} />
            <Stat label="Delayed" value={attrs.ApproximateNumberOfMessagesDelayed} />
          </div>
          <ErrorBanner error={error} />
          <dl className="facts compact">
            <dt>Dead-letter queue</dt>
            <dd>
              {dlq ? (
                <>
                  <QueueLink arn={dlq.arn} /> <span className="muted">after {dlq.maxReceiveCount} receives</span>
                </>
              ) : (
                <span className="muted">none</span>
              )}
            </dd>
            <dt>Dead-letter queue of</dt>
            <dd>
              {sources?.length ? (
                sources.map((u, i) => (
                  <span key={u}>
                    {i ? ', ' : ''}
                    <Link to={`/sqs/${encodeURIComponent(u.split('/').pop()!)}`}>{u.split('/').pop()}</Link>
                  </span>
                ))
              ) : (
                <span className="muted">no queue</span>
              )}
            </dd>
            <dt>Visibility timeout</dt>
            <dd>{attrs.VisibilityTimeout} s</dd>
            <dt>Delivery delay</dt>
            <dd>{attrs.DelaySeconds} s</dd>
            <dt>Retention</dt>
            <dd>{formatSeconds(Number(attrs.MessageRetentionPeriod))}</dd>
          </dl>
        </Section>
      ) : null}
      {url && attrs && (sources?.length || 0) > 0 ? <Redrive arn={attrs.QueueArn} onChanged={refresh} /> : null}
      {url && attrs ? <Send url={url} fifo={fifo} contentDedup={attrs.ContentBasedDeduplication === 'true'} onSent={refresh} /> : null}
      {url ? <Browse url={url} tick={tick} onChanged={refresh} /> : null}
      {attrs ? (
        <Section title="Attributes">
          <table className="headers">
            <tbody>
              {Object.entries(attrs)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([k, v]) => (
                  <tr key={k}>
                    <th>{k}</th>
                    <td>
                      {v}
                      {/Timestamp$/.test(k) && /^\d+$/.test(v) ? <span className="muted"> ({new Date(Number(v) * 1000).toLocaleString()})</span> : null}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </Section>
      ) : null}
    </div>
  );
}

function Stat({ label, value }: { label: string; value: string | undefined }) {
  return (
    <div className="stat" aria-label={label}>
      <span className="stat-value">{value ?? '–'}</span>
      <span className="muted">{label}</span>
    </div>
  );
}

function formatSeconds(s: number): string {
  if (s % 86400 === 0) return `${s / 86400} days`;
  if (s % 3600 === 0) return `${s / 3600} hours`;
  if (s % 60 === 0) return `${s / 60} minutes`;
  return `${s} s`;
}

interface AttrRow {
  name: string;
  type: 'String' | 'Number' | 'Binary';
  value: string;
}

function Send({ url, fifo, contentDedup, onSent }: { url: string; fifo: boolean; contentDedup: boolean; onSent: () => void }) {
  const scope = useScope();
  const [body, setBody] = useState('');
  const [rows, setRows] = useState<AttrRow[]>([]);
  const [groupId, setGroupId] = useState('');
  const [dedupId, setDedupId] = useState('');
  const [delay, setDelay] = useState('');
  const [error, setError] = useState<unknown>();
  const [sent, setSent] = useState<string>();

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setSent(undefined);
    const fail = (m: string) => setError(new Error(m));
    if (!body) return fail('Enter a message body.');
    if (new TextEncoder().encode(body).length > 1024 * 1024) return fail('A message body is at most 1 MiB.');
    const MessageAttributes: Record<string, Record<string, string>> = {};
    for (const [i, r] of rows.entries()) {
      const n = r.name.trim();
      if (!n && !r.value) continue;
      if (!n) return fail(`Attribute ${i + 1}: enter a name.`);
      if (n in MessageAttributes) return fail(`Attribute ${n} is given twice.`);
      if (r.type === 'Number' && (r.value.trim() === '' || Number.isNaN(Number(r.value)))) return fail(`Attribute ${n}: "${r.value}" is not a number.`);
      if (r.type === 'Binary') {
        try {
          atob(r.value);
        } catch {
          return fail(`Attribute ${n}: a Binary value is given as base64.`);
        }
        MessageAttributes[n] = { DataType: 'Binary', BinaryValue: r.value };
      } else {
        if (r.value === '') return fail(`Attribute ${n}: enter a value.`);
        MessageAttributes[n] = { DataType: r.type, StringValue: r.value };
      }
    }
    if (Object.keys(MessageAttributes).length > 10) return fail('A message has at most 10 attributes.');
    const input: Record<string, unknown> = { QueueUrl: url, MessageBody: body };
    if (Object.keys(MessageAttributes).length) input.MessageAttributes = MessageAttributes;
    if (fifo) {
      if (!groupId.trim()) return fail('A FIFO queue needs a message group id.');
      input.MessageGroupId = groupId.trim();
      if (!dedupId.trim() && !contentDedup) return fail('This FIFO queue has no content-based deduplication: enter a deduplication id.');
      if (dedupId.trim()) input.MessageDeduplicationId = dedupId.trim();
    } else {
      if (groupId.trim()) input.MessageGroupId = groupId.trim();
      if (delay !== '') {
        const d = Number(delay);
        if (!Number.isInteger(d) || d < 0 || d > 900) return fail('The delay is 0 to 900 seconds.');
        input.DelaySeconds = d;
      }
    }
    try {
      const r = await callAws(scope, 'sqs', 'SendMessage', input);
      setSent(r.MessageId);
      setDedupId('');
      onSent();
    } catch (err) {
      setError(err);
    }
  };

  const setRow = (i: number, patch: Partial<AttrRow>) => setRows(rows.map((r, j) => (i === j ? { ...r, ...patch } : r)));
  return (
    <Section title="Send a message">
      <form className="stack" onSubmit={send}>
        <textarea aria-label="Message body" rows={5} value={body} onChange={(e) => setBody(e.target.value)} placeholder='{"orderId": 42}' spellCheck={false} />
        {rows.map((r, i) => (
          <div className="toolbar attr-row" key={i}>
            <input aria-label={`Attribute ${i + 1} name`} placeholder="attribute name" value={r.name} onChange={(e) => setRow(i, { name: e.target.value })} />
            <select aria-label={`Attribute ${i + 1} type`} value={r.type} onChange={(e) => setRow(i, { type: e.target.value as AttrRow['type'] })}>
              <option>String</option>
              <option>Number</option>
              <option>Binary</option>
            </select>
            <input
              aria-label={`Attribute ${i + 1} value`}
              value={r.value}
              onChange={(e) => setRow(i, { value: e.target.value })}
              placeholder={r.type === 'Binary' ? 'value (base64)' : 'value'}
              className="grow"
            />
            <button type="button" className="link danger-link" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
              remove
            </button>
          </div>
        ))}
        <div className="toolbar">
          <button type="button" className="secondary" onClick={() => setRows([...rows, { name: '', type: 'String', value: '' }])}>
            Add attribute
          </button>
          <label className="check">
            Group id{fifo ? ' (required)' : ''}
            <input value={groupId} onChange={(e) => setGroupId(e.target.value)} size={14} aria-label="Message group id" />
          </label>
          {fifo ? (
            <label className="check">
              Deduplication id{contentDedup ? '' : ' (required)'}
              <input value={dedupId} onChange={(e) => setDedupId(e.target.value)} size={16} aria-label="Deduplication id" />
            </label>
          ) : (
            <label className="check">
              Delay (s)
              <input value={delay} onChange={(e) => setDelay(e.target.value.trim())} size={5} placeholder="0" aria-label="Delay seconds" inputMode="numeric" />
            </label>
          )}
          <button type="submit">Send message</button>
        </div>
      </form>
      <ErrorBanner error={error} />
      {sent ? (
        <p className="notice">
          Sent message <code>{sent}</code>.
        </p>
      ) : null}
    </Section>
  );
}

function Browse({ url, tick, onChanged }: { url: string; tick: number; onChanged: () => void }) {
  const scope = useScope();
  const [peeked, peekError] = useLoad(
    () => api<{ messages: Peeked[] }>(`/_fogbank/sqs/messages?QueueUrl=${encodeURIComponent(url)}&Region=${scope.region}`).then((r) => r.messages),
    [url, tick],
  );
  const [max, setMax] = useState('1');
  const [visibility, setVisibility] = useState('');
  const [received, setReceived] = useState<Received[]>([]);
  const [error, setError] = useState<unknown>();
  const [receivedNone, setReceivedNone] = useState(false);
  useEffect(() => setReceived([]), [url]);

  const receive = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setReceivedNone(false);
    const n = Number(max);
    if (!Number.isInteger(n) || n < 1 || n > 10) return setError(new Error('Receive 1 to 10 messages at a time.'));
    const input: Record<string, unknown> = { QueueUrl: url, MaxNumberOfMessages: n, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'], WaitTimeSeconds: 0 };
    if (visibility !== '') {
      const v = Number(visibility);
      if (!Number.isInteger(v) || v < 0 || v > 43200) return setError(new Error('The visibility timeout is 0 to 43200 seconds.'));
      input.VisibilityTimeout = v;
    }
    try {
      const r = await callAws(scope, 'sqs', 'ReceiveMessage', input);
      const got = (r.Messages ?? []) as Received[];
      setReceivedNone(got.length === 0);
      setReceived((list) => [...got, ...list.filter((m) => !got.some((g) => g.MessageId === m.MessageId))].slice(0, 50));
      onChanged();
    } catch (err) {
      setError(err);
    }
  };

  const remove = async (m: Received) => {
    setError(undefined);
    try {
      await callAws(scope, 'sqs', 'DeleteMessage', { QueueUrl: url, ReceiptHandle: m.ReceiptHandle });
      setReceived((list) => list.map((x) => (x === m ? { ...x, deleted: true } : x)));
      onChanged();
    } catch (err) {
      setError(err);
    }
  };

  const release = async (m: Received) => {
    setError(undefined);
    try {
      await callAws(scope, 'sqs', 'ChangeMessageVisibility', { QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 });
      setReceived((list) => list.filter((x) => x !== m));
      onChanged();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <Section title="Receive">
        <form className="inline" onSubmit={receive}>
          <label>
            Messages (1–10)
            <input value={max} onChange={(e) => setMax(e.target.value.trim())} size={4} inputMode="numeric" aria-label="Messages to receive" />
          </label>
          <label>
            Visibility timeout (s)
            <input value={visibility} onChange={(e) => setVisibility(e.target.value.trim())} size={8} placeholder="queue's" inputMode="numeric" aria-label="Receive visibility timeout" />
          </label>
          <button type="submit">Receive messages</button>
        </form>
        <p className="muted small">Receiving hides a message for the visibility timeout and counts a receive, as for any consumer; delete it to finish it. Peeking below changes nothing.</p>
        <ErrorBanner error={error} />
        {receivedNone ? <p className="muted">No message was available.</p> : null}
        {received.length ? (
          <table aria-label="Received messages">
            <thead>
              <tr>
                <th>Message id</th>
                <th>Body</th>
                <th>Receives</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {received.map((m) => (
                <tr key={m.MessageId} className={m.deleted ? 'done' : undefined}>
                  <td>
                    <code>{m.MessageId}</code>
                  </td>
                  <td>
                    <Body text={m.Body} attributes={m.MessageAttributes} />
                  </td>
                  <td>{m.Attributes?.ApproximateReceiveCount}</td>
                  <td className="row-actions">
                    {m.deleted ? (
                      <span className="muted">deleted</span>
                    ) : (
                      <>
                        <button className="link" onClick={() => release(m)}>
                          Make visible
                        </button>
                        <button className="danger" onClick={() => remove(m)} aria-label={`Delete message ${m.MessageId}`}>
                          Delete
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Section>
      <Section title={`In the queue (${peeked?.length ?? 0})`}>
        <ErrorBanner error={peekError} />
        {peeked && peeked.length === 0 ? <p className="muted">The queue is empty.</p> : null}
        {peeked?.length ? (
          <table aria-label="Messages in the queue">
            <thead>
              <tr>
                <th>State</th>
                <th>Sent</th>
                <th>Body</th>
                <th>Receives</th>
                <th>Group</th>
                <th>Message id</th>
              </tr>
            </thead>
            <tbody>
              {peeked.map((m) => (
                <tr key={m.MessageId}>
                  <td>
                    <span className={`tag state-${m.state}`}>{m.state === 'inflight' ? 'in flight' : m.state}</span>
                  </td>
                  <td className="nowrap">{new Date(Number(m.Attributes.SentTimestamp)).toLocaleTimeString()}</td>
                  <td>
                    <Body text={m.Body} attributes={m.MessageAttributes} />
                  </td>
                  <td className="num">{m.Attributes.ApproximateReceiveCount}</td>
                  <td>{m.Attributes.MessageGroupId ?? ''}</td>
                  <td>
                    <code className="small">{m.MessageId}</code>
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

/** A message body (pretty JSON when it is JSON) and its message attributes, folded when long. */
function Body({ text, attributes }: { text: string; attributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }> }) {
  let pretty = text;
  try {
    const v = JSON.parse(text);
    if (v && typeof v === 'object') pretty = JSON.stringify(v, null, 2);
  } catch {
    // not JSON
  }
  const attrs = Object.entries(attributes ?? {});
  const long = text.length > 160 || text.includes('\n');
  return (
    <div className="message-body">
      {long ? (
        <details>
          <summary className="cell-clip">{text.slice(0, 120)}</summary>
          <pre className="body">{pretty}</pre>
        </details>
      ) : (
        <span className="wrap">{text}</span>
      )}
      {attrs.length ? (
        <div className="small muted">
          {attrs.map(([k, v]) => (
            <span key={k} className="attr">
              {k} <span className="muted">({v.DataType})</span> = {v.StringValue ?? `${v.BinaryValue?.length ?? 0} base64 chars`}
            </span>
          ))}
        </div>
      ) : null}
    </div>
  );
}

function Redrive({ arn, onChanged }: { arn: string; onChanged: () => void }) {
  const scope = useScope();
  const [tick, setTick] = useState(0);
  const [tasks, tasksError] = useLoad(async () => ((await callAws(scope, 'sqs', 'ListMessageMoveTasks', { SourceArn: arn, MaxResults: 10 })).Results ?? []) as MoveTask[], [arn, tick]);
  const [rate, setRate] = useState('');
  const [error, setError] = useState<unknown>();
  const running = tasks?.some((t) => t.Status === 'RUNNING' || t.Status === 'CANCELLING');
  useEffect(() => {
    if (!running) return;
    const t = setTimeout(() => {
      setTick((x) => x + 1);
      onChanged();
    }, 1000);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [running, tasks]);

  const start = async () => {
    setError(undefined);
    const input: Record<string, unknown> = { SourceArn: arn };
    if (rate !== '') {
      const n = Number(rate);
      if (!Number.isInteger(n) || n < 1 || n > 500) return setError(new Error('The rate is 1 to 500 messages per second.'));
      input.MaxNumberOfMessagesPerSecond = n;
    }
    try {
      await callAws(scope, 'sqs', 'StartMessageMoveTask', input);
      setTick((x) => x + 1);
    } catch (err) {
      setError(err);
    }
  };

  const cancel = async (handle: string) => {
    setError(undefined);
    try {
      await callAws(scope, 'sqs', 'CancelMessageMoveTask', { TaskHandle: handle });
      setTick((x) => x + 1);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <Section title="Redrive">
      <p className="muted small">Move the messages of this dead-letter queue back to the queues they came from (StartMessageMoveTask).</p>
      <div className="toolbar">
        <label className="check">
          Messages per second
          <input value={rate} onChange={(e) => setRate(e.target.value.trim())} size={5} placeholder="500" aria-label="Messages per second" inputMode="numeric" />
        </label>
        <button onClick={start} disabled={running}>
          Start redrive to source queues
        </button>
      </div>
      <ErrorBanner error={error ?? tasksError} />
      {tasks?.length ? (
        <table aria-label="Message move tasks">
          <thead>
            <tr>
              <th>Started</th>
              <th>Status</th>
              <th className="num">Moved</th>
              <th className="num">To move</th>
              <th>Destination</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tasks.map((t, i) => (
              <tr key={t.TaskHandle ?? i}>
                <td>{t.StartedTimestamp ? new Date(t.StartedTimestamp).toLocaleTimeString() : ''}</td>
                <td>
                  <span className={`tag task-${t.Status.toLowerCase()}`}>{t.Status}</span>
                  {t.FailureReason ? <span className="error-text"> {t.FailureReason}</span> : null}
                </td>
                <td className="num">{t.ApproximateNumberOfMessagesMoved ?? 0}</td>
                <td className="num">{t.ApproximateNumberOfMessagesToMove ?? ''}</td>
                <td>{t.DestinationArn ? <QueueLink arn={t.DestinationArn} /> : <span className="muted">source queues</span>}</td>
                <td className="row-actions">
                  {t.Status === 'RUNNING' && t.TaskHandle ? (
                    <button className="link danger-link" onClick={() => cancel(t.TaskHandle!)}>
                      cancel
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : tasks ? (
        <p className="muted">No redrive has run from this queue yet.</p>
      ) : null}
      {tasks?.length ? (
        <details>
          <summary>ListMessageMoveTasks response</summary>
          <JsonView value={tasks} />
        </details>
      ) : null}
    </Section>
  );
}
