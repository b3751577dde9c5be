// DynamoDB: the tables of the selected account and region (ListTables + DescribeTable), create and
// delete; one table's page — indexes, the item browser, stream records — is DynamoDBTable.tsx.
import { useState, type FormEvent } from 'react';
import { callAws, formatBytes } from '../api.ts';
import { ErrorBanner, Section, useLoad } from '../components.tsx';
import { Link, navigate } from '../router.tsx';
import { useScope } from '../scope.tsx';
import { DynamoTable, keyOf, type TableDescription } from './DynamoDBTable.tsx';

export function DynamoDBPage({ path }: { path: string }) {
  const name = decodeURIComponent(path.split('/')[1] ?? '');
  return name ? <DynamoTable name={name} /> : <Tables />;
}

const NAME = /^[A-Za-z0-9_.-]{3,255}$/;

function Tables() {
  const scope = useScope();
  const [starts, setStarts] = useState<string[]>([]);
  const start = starts.at(-1);
  const [page, loadError, reload] = useLoad(async () => {
    const r = await callAws(scope, 'dynamodb', 'ListTables', { Limit: 100, ExclusiveStartTableName: start });
    const tables = await Promise.all(
      (r.TableNames as string[]).map((TableName) =>
        callAws(scope, 'dynamodb', 'DescribeTable', { TableName }).then(
          (d) => d.Table as TableDescription,
          () => ({ TableName }) as TableDescription,
        ),
      ),
    );
    return { tables, next: r.LastEvaluatedTableName as string | undefined };
  }, [scope.account, scope.region, start]);
  const [form, setForm] = useState({ name: '', pk: '', pkType: 'S', sk: '', skType: 'S', stream: '' });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<typeof form>) => setForm({ ...form, ...patch });

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const fail = (m: string) => setError(new Error(m));
    const name = form.name.trim();
    const pk = form.pk.trim();
    const sk = form.sk.trim();
    if (!name) return fail('Enter a table name.');
    if (!NAME.test(name)) return fail('A table name has 3 to 255 characters: letters, digits, "_", "-" and ".".');
    if (!pk) return fail('Enter the partition key attribute name.');
    if (sk && sk === pk) return fail('The sort key must be another attribute than the partition key.');
    const input: Record<string, unknown> = {
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: form.pkType }, ...(sk ? [{ AttributeName: sk, AttributeType: form.skType }] : [])],
      KeySchema: [{ AttributeName: pk, KeyType: 'HASH' }, ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' }] : [])],
    };
    if (form.stream) input.StreamSpecification = { StreamEnabled: true, StreamViewType: form.stream };
    setBusy(true);
    try {
      await callAws(scope, 'dynamodb', 'CreateTable', input);
      navigate(`/dynamodb/${encodeURIComponent(name)}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (t: TableDescription) => {
    if (!window.confirm(`Delete table ${t.TableName} and all its items?`)) return;
    setError(undefined);
    try {
      await callAws(scope, 'dynamodb', 'DeleteTable', { TableName: t.TableName });
      reload();
    } catch (err) {
      setError(err);
    }
  };

  const tables = page?.tables ?? [];
  return (
    <div className="page">
      <h1>DynamoDB tables</h1>
      <p className="muted">
        Tables of account {scope.account} in {scope.region}.
      </p>
      <ErrorBanner error={loadError} />
      <Section title="Create a table">
        <form className="inline" onSubmit={create}>
          <label>
            Table name
            <input value={form.name} onChange={(e) => set({ name: e.target.value })} placeholder="Orders" size={20} />
          </label>
          <label>
            Partition key
            <span className="toolbar tight">
              <input aria-label="Partition key" value={form.pk} onChange={(e) => set({ pk: e.target.value })} placeholder="pk" size={12} />
              <KeyType label="Partition key type" value={form.pkType} onChange={(pkType) => set({ pkType })} />
            </span>
          </label>
          <label>
            Sort key (optional)
            <span className="toolbar tight">
              <input aria-label="Sort key" value={form.sk} onChange={(e) => set({ sk: e.target.value })} placeholder="sk" size={12} />
              <KeyType label="Sort key type" value={form.skType} onChange={(skType) => set({ skType })} />
            </span>
          </label>
          <label>
            Stream
            <select aria-label="Stream" value={form.stream} onChange={(e) => set({ stream: e.target.value })}>
              <option value="">off</option>
              <option value="NEW_AND_OLD_IMAGES">new and old images</option>
              <option value="NEW_IMAGE">new image</option>
              <option value="OLD_IMAGE">old image</option>
              <option value="KEYS_ONLY">keys only</option>
            </select>
          </label>
          <button type="submit" disabled={busy}>
            Create table
          </button>
        </form>
        <p className="muted small">On-demand capacity. Add indexes, TTL and the rest through the API or the generic service view.</p>
        <ErrorBanner error={error} />
      </Section>
      <Section
        title={`Tables (${tables.length}${page?.next ? '+' : ''})`}
        actions={
          <button className="secondary" onClick={reload}>
            Refresh
          </button>
        }
      >
        {page && tables.length === 0 ? <p className="muted">No tables in this account and region yet.</p> : null}
        {tables.length ? (
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Partition key</th>
                <th>Sort key</th>
                <th>Indexes</th>
                <th>Stream</th>
                <th className="num">Items</th>
                <th className="num">Size</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tables.map((t) => {
                const { pk, sk } = keyOf(t);
                const indexes = (t.GlobalSecondaryIndexes?.length ?? 0) + (t.LocalSecondaryIndexes?.length ?? 0);
                return (
                  <tr key={t.TableName}>
                    <td>
                      <Link to={`/dynamodb/${encodeURIComponent(t.TableName)}`}>{t.TableName}</Link>
                    </td>
                    <td>{t.TableStatus ? <span className={`tag status-${t.TableStatus.toLowerCase()}`}>{t.TableStatus}</span> : null}</td>
                    <td>{pk ? <code>{`${pk.name} (${pk.type})`}</code> : null}</td>
                    <td>{sk ? <code>{`${sk.name} (${sk.type})`}</code> : <span className="muted">—</span>}</td>
                    <td>{indexes || <span className="muted">—</span>}</td>
                    <td>{t.StreamSpecification?.StreamEnabled ? t.StreamSpecification.StreamViewType : <span className="muted">—</span>}</td>
                    <td className="num">{t.ItemCount}</td>
                    <td className="num">{formatBytes(t.TableSizeBytes)}</td>
                    <td className="row-actions">
                      <button className="danger" onClick={() => remove(t)} aria-label={`Delete table ${t.TableName}`}>
                        Delete
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
        {starts.length || page?.next ? (
          <div className="toolbar pager">
            <button className="secondary" disabled={!starts.length} onClick={() => setStarts(starts.slice(0, -1))}>
              ← Previous
            </button>
            <button className="secondary" disabled={!page?.next} onClick={() => page?.next && setStarts([...starts, page.next])}>
              Next →
            </button>
          </div>
        ) : null}
      </Section>
    </div>
  );
}

function KeyType({ label, value, onChange }: { label: string; value: string; onChange: (v: string) => void }) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="S">String</option>
      <option value="N">Number</option>
      <option value="B">Binary</option>
    </select>
  );
}
