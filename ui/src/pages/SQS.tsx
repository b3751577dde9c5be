// SQS: the queues of the selected account and region with their counters (the SQS admin route lists
// them with their attributes in one request), create and delete; one queue's page is SQSQueue.tsx.
import { useState, type FormEvent } from 'react';
import { api, callAws } from '../api.ts';
import { ErrorBanner, Section, useLoad } from '../components.tsx';
import { Link } from '../router.tsx';
import { useScope } from '../scope.tsx';
import { QueueLink, SqsQueue, redriveTarget } from './SQSQueue.tsx';

export interface QueueRow {
  account: string;
  region: string;
  name: string;
  url: string;
  arn: string;
  fifo: boolean;
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

export function useQueues() {
  const scope = useScope();
  const [all, error, reload] = useLoad(() => api<{ queues: QueueRow[] }>('/_fogbank/sqs/queues'), [scope.account, scope.region]);
  const queues = all?.queues.filter((q) => q.account === scope.account && q.region === scope.region);
  return [queues, error, reload] as const;
}

export function SqsPage({ path }: { path: string }) {
  const name = decodeURIComponent(path.split('/')[1] ?? '');
  return name ? <SqsQueue name={name} /> : <Queues />;
}

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

function Queues() {
  const scope = useScope();
  const [queues, loadError, reload] = useQueues();
  const [form, setForm] = useState({ name: '', fifo: false, contentDedup: false, visibility: '', delay: '', dlq: '', maxReceives: '3' });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<typeof form>) => setForm({ ...form, ...patch });

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const fail = (m: string) => setError(new Error(m));
    let name = form.name.trim();
    if (!name) return fail('Enter a queue name.');
    if (form.fifo && !name.endsWith('.fifo')) name += '.fifo';
    if (!NAME.test(name.replace(/\.fifo$/, '')) || name.length > 80) return fail('A queue name has 1 to 80 characters: letters, digits, "-" and "_" (and ".fifo" at the end of a FIFO queue).');
    if (!form.fifo && name.endsWith('.fifo')) return fail('Only a FIFO queue\'s name ends in ".fifo": tick FIFO.');
    const Attributes: Record<string, string> = {};
    if (form.fifo) Attributes.FifoQueue = 'true';
    if (form.fifo && form.contentDedup) Attributes.ContentBasedDeduplication = 'true';
    if (form.visibility !== '') {
      const n = Number(form.visibility);
      if (!Number.isInteger(n) || n < 0 || n > 43200) return fail('The visibility timeout is 0 to 43200 seconds.');
      Attributes.VisibilityTimeout = String(n);
    }
    if (form.delay !== '') {
      const n = Number(form.delay);
      if (!Number.isInteger(n) || n < 0 || n > 900) return fail('The delivery delay is 0 to 900 seconds.');
      Attributes.DelaySeconds = String(n);
    }
    if (form.dlq) {
      const n = Number(form.maxReceives);
      if (!Number.isInteger(n) || n < 1 || n > 1000) return fail('Maximum receives is 1 to 1000.');
      Attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: form.dlq, maxReceiveCount: n });
    }
    setBusy(true);
    try {
      await callAws(scope, 'sqs', 'CreateQueue', { QueueName: name, Attributes });
      setForm({ ...form, name: '' });
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (q: QueueRow) => {
    if (!window.confirm(`Delete queue ${q.name} and its messages?`)) return;
    setError(undefined);
    try {
      await callAws(scope, 'sqs', 'DeleteQueue', { QueueUrl: q.url });
      reload();
    } catch (err) {
      setError(err);
    }
  };

  const dlqChoices = (queues ?? []).filter((q) => q.fifo === form.fifo);
  return (
    <div className="page">
      <h1>SQS queues</h1>
      <p className="muted">
        Queues of account {scope.account} in {scope.region}.
      </p>
      <ErrorBanner error={loadError} />
      <Section title="Create a queue">
        <form className="inline" onSubmit={create}>
          <label>
            Queue name
            <input value={form.name} onChange={(e) => set({ name: e.target.value })} placeholder={form.fifo ? 'orders.fifo' : 'orders'} size={24} />
          </label>
          <label className="check">
            <input type="checkbox" checked={form.fifo} onChange={(e) => set({ fifo: e.target.checked, dlq: '' })} /> FIFO
          </label>
          {form.fifo ? (
            <label className="check">
              <input type="checkbox" checked={form.contentDedup} onChange={(e) => set({ contentDedup: e.target.checked })} /> Content-based deduplication
            </label>
          ) : null}
          <label>
            Visibility timeout (s)
            <input value={form.visibility} onChange={(e) => set({ visibility: e.target.value.trim() })} placeholder="30" size={8} inputMode="numeric" />
          </label>
          <label>
            Delivery delay (s)
            <input value={form.delay} onChange={(e) => set({ delay: e.target.value.trim() })} placeholder="0" size={8} inputMode="numeric" />
          </label>
          <label>
            Dead-letter queue
            <select value={form.dlq} onChange={(e) => set({ dlq: e.target.value })}>
              <option value="">none</option>
              {dlqChoices.map((q) => (
                <option key={q.arn} value={q.arn}>
                  {q.name}
                </option>
              ))}
            </select>
          </label>
          {form.dlq ? (
            <label>
              Maximum receives
              <input value={form.maxReceives} onChange={(e) => set({ maxReceives: e.target.value.trim() })} size={6} inputMode="numeric" />
            </label>
          ) : null}
          <button type="submit" disabled={busy}>
            Create queue
          </button>
        </form>
        <ErrorBanner error={error} />
      </Section>
      <Section
        title={`Queues (${queues?.length ?? 0})`}
        actions={
          <button className="secondary" onClick={reload}>
            Refresh
          </button>
        }
      >
        {queues && queues.length === 0 ? <p className="muted">No queues in this account and region yet.</p> : null}
        {queues?.length ? (
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th className="num">Available</th>
                <th className="num">In flight</th>
                <th className="num">Delayed</th>
                <th>Dead-letter queue</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {queues.map((q) => {
                const dlq = redriveTarget(q.attributes);
                return (
                  <tr key={q.url}>
                    <td>
                      <Link to={`/sqs/${encodeURIComponent(q.name)}`}>{q.name}</Link>
                    </td>
                    <td>{q.fifo ? 'FIFO' : 'Standard'}</td>
                    <td className="num counter">{q.attributes.ApproximateNumberOfMessages}</td>
                    <td className="num counter">{q.attributes.ApproximateNumberOfMessagesNotVisible}</td>
                    <td className="num counter">{q.attributes.ApproximateNumberOfMessagesDelayed}</td>
                    <td>
                      {dlq ? (
                        <>
                          <QueueLink arn={dlq.arn} /> <span className="muted">after {dlq.maxReceiveCount} receives</span>
                        </>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td className="row-actions">
                      <button className="danger" onClick={() => remove(q)} aria-label={`Delete queue ${q.name}`}>
                        Delete
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
      </Section>
    </div>
  );
}
