// One DynamoDB table: keys and indexes (DescribeTable), an item browser with Query (a key condition
// built from the partition key value and a sort key operator) and Scan, both with an optional filter
// expression, paged by LastEvaluatedKey; items put, edited and deleted as DynamoDB JSON; and the
// table's stream records (DynamoDBStream.tsx).
import { useState, type FormEvent } from 'react';
import { callAws, formatBytes } from '../api.ts';
import { ErrorBanner, JsonView, Section, useLoad } from '../components.tsx';
import { Link, navigate, useQuery } from '../router.tsx';
import { useScope } from '../scope.tsx';
import { cell, checkItem, checkValue, keyValue, typeOf, type AttributeValue, type Item } from './DynamoDBValues.ts';
import { DynamoStream } from './DynamoDBStream.tsx';

interface KeySchemaElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}

interface IndexDescription {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection?: { ProjectionType?: string; NonKeyAttributes?: string[] };
  IndexStatus?: string;
  ItemCount?: number;
}

export interface TableDescription {
  TableName: string;
  TableStatus?: string;
  TableArn?: string;
  KeySchema?: KeySchemaElement[];
  AttributeDefinitions?: Array<{ AttributeName: string; AttributeType: string }>;
  GlobalSecondaryIndexes?: IndexDescription[];
  LocalSecondaryIndexes?: IndexDescription[];
  StreamSpecification?: { StreamEnabled?: boolean; StreamViewType?: string };
  LatestStreamArn?: string;
  ItemCount?: number;
  TableSizeBytes?: number;
  BillingModeSummary?: { BillingMode?: string };
  CreationDateTime?: string;
}

interface KeyAttr {
  name: string;
  type: string;
}

/** The partition and sort key of the table, or of one of its indexes. */
export function keyOf(t: TableDescription, index = ''): { pk?: KeyAttr; sk?: KeyAttr } {
  const schema = index ? [...(t.GlobalSecondaryIndexes ?? []), ...(t.LocalSecondaryIndexes ?? [])].find((i) => i.IndexName === index)?.KeySchema : t.KeySchema;
  const attr = (kind: 'HASH' | 'RANGE'): KeyAttr | undefined => {
    const name = schema?.find((k) => k.KeyType === kind)?.AttributeName;
    if (!name) return undefined;
    return { name, type: t.AttributeDefinitions?.find((d) => d.AttributeName === name)?.AttributeType ?? 'S' };
  };
  return { pk: attr('HASH'), sk: attr('RANGE') };
}

export function DynamoTable({ name }: { name: string }) {
  const scope = useScope();
  const q = useQuery();
  const tab = q.get('tab') === 'stream' ? 'stream' : q.get('tab') === 'table' ? 'table' : 'items';
  const [table, error, reload] = useLoad(async () => (await callAws(scope, 'dynamodb', 'DescribeTable', { TableName: name })).Table as TableDescription, [name, scope.account, scope.region]);
  const base = `/dynamodb/${encodeURIComponent(name)}`;
  const tabs: Array<[string, string]> = [
    ['items', 'Items'],
    ['table', 'Table and indexes'],
    ...(table?.LatestStreamArn ? ([['stream', 'Stream']] as Array<[string, string]>) : []),
  ];
  return (
    <div className="page">
      <div className="breadcrumbs">
        <Link to="/dynamodb">DynamoDB tables</Link> <span className="muted">/</span>
      </div>
      <h1>
        {name} {table?.TableStatus ? <span className={`tag status-${table.TableStatus.toLowerCase()}`}>{table.TableStatus}</span> : null}
      </h1>
      <ErrorBanner error={error} />
      {table ? (
        <>
          <KeySummary table={table} />
          <nav className="tabs">
            {tabs.map(([id, label]) => (
              <a key={id} href="#" className={tab === id ? 'active' : undefined} onClick={(e) => (e.preventDefault(), navigate(id === 'items' ? base : `${base}?tab=${id}`))}>
                {label}
              </a>
            ))}
          </nav>
          {tab === 'items' ? <Items table={table} onChanged={reload} /> : null}
          {tab === 'table' ? <Overview table={table} /> : null}
          {tab === 'stream' && table.LatestStreamArn ? <DynamoStream table={table} /> : null}
        </>
      ) : null}
    </div>
  );
}

function KeySummary({ table }: { table: TableDescription }) {
  const { pk, sk } = keyOf(table);
  return (
    <p className="muted">
      Partition key <code>{pk ? `${pk.name} (${pk.type})` : '?'}</code>
      {sk ? (
        <>
          {' '}
          · sort key <code>{`${sk.name} (${sk.type})`}</code>
        </>
      ) : null}{' '}
      {indexCount(table) ? ` · ${indexCount(table)} secondary index${indexCount(table) === 1 ? '' : 'es'}` : ''} · {table.ItemCount ?? 0} items ·{' '}
      {formatBytes(table.TableSizeBytes ?? 0)}
      {table.StreamSpecification?.StreamEnabled ? ` · stream: ${table.StreamSpecification.StreamViewType}` : ''}
    </p>
  );
}

function indexCount(t: TableDescription): number {
  return (t.GlobalSecondaryIndexes?.length ?? 0) + (t.LocalSecondaryIndexes?.length ?? 0);
}

function Overview({ table }: { table: TableDescription }) {
  const indexes = [
    ...(table.GlobalSecondaryIndexes ?? []).map((i) => ({ ...i, kind: 'global' })),
    ...(table.LocalSecondaryIndexes ?? []).map((i) => ({ ...i, kind: 'local' })),
  ];
  return (
    <>
      <Section title="Table">
        <dl className="facts compact">
          <dt>ARN</dt>
          <dd className="wrap">
            <code>{table.TableArn}</code>
          </dd>
          <dt>Created</dt>
          <dd>{table.CreationDateTime ? new Date(table.CreationDateTime).toLocaleString() : ''}</dd>
          <dt>Billing</dt>
          <dd>{table.BillingModeSummary?.BillingMode ?? 'PROVISIONED'}</dd>
          <dt>Stream</dt>
          <dd className="wrap">{table.LatestStreamArn ? <code>{table.LatestStreamArn}</code> : 'off'}</dd>
        </dl>
      </Section>
      <Section title={`Indexes (${indexes.length})`}>
        {indexes.length ? (
          <table aria-label="Indexes">
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>Partition key</th>
                <th>Sort key</th>
                <th>Projection</th>
                <th>Status</th>
                <th className="num">Items</th>
              </tr>
            </thead>
            <tbody>
              {indexes.map((i) => {
                const { pk, sk } = keyOf(table, i.IndexName);
                return (
                  <tr key={i.IndexName}>
                    <td>{i.IndexName}</td>
                    <td>{i.kind}</td>
                    <td>{pk ? <code>{`${pk.name} (${pk.type})`}</code> : null}</td>
                    <td>{sk ? <code>{`${sk.name} (${sk.type})`}</code> : <span className="muted">—</span>}</td>
                    <td>
                      {i.Projection?.ProjectionType}
                      {i.Projection?.NonKeyAttributes?.length ? <span className="muted"> + {i.Projection.NonKeyAttributes.join(', ')}</span> : null}
                    </td>
                    <td>{i.IndexStatus ?? 'ACTIVE'}</td>
                    <td className="num">{i.ItemCount ?? ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : (
          <p className="muted">No secondary indexes.</p>
        )}
      </Section>
      <Section title="DescribeTable">
        <JsonView value={table} />
      </Section>
    </>
  );
}

// ── The item browser ─────────────────────────────────────────────────────────────────────────────

const SORT_OPS = ['', '=', '<', '<=', '>', '>=', 'between', 'begins_with'] as const;
type SortOp = (typeof SORT_OPS)[number];

interface Form {
  mode: 'query' | 'scan';
  index: string;
  pk: string;
  skOp: SortOp;
  sk: string;
  sk2: string;
  descending: boolean;
  filter: string;
  names: string;
  values: string;
  limit: string;
}

interface Run {
  operation: 'Query' | 'Scan';
  input: Record<string, unknown>;
  /** ExclusiveStartKey of each page before the current one. */
  starts: Item[];
}

interface Page {
  Items?: Item[];
  Count?: number;
  ScannedCount?: number;
  LastEvaluatedKey?: Item;
}

function Items({ table, onChanged }: { table: TableDescription; onChanged: () => void }) {
  const scope = useScope();
  const [form, setForm] = useState<Form>({ mode: 'scan', index: '', pk: '', skOp: '', sk: '', sk2: '', descending: false, filter: '', names: '', values: '', limit: '25' });
  const [formError, setFormError] = useState<unknown>();
  const [run, setRun] = useState<Run>(() => ({ operation: 'Scan', input: { TableName: table.TableName, Limit: 25 }, starts: [] }));
  const [tick, setTick] = useState(0);
  const [page, pageError] = useLoad<Page>(
    () => callAws(scope, 'dynamodb', run.operation, { ...run.input, ExclusiveStartKey: run.starts.at(-1) }),
    [run, tick, scope.account, scope.region],
  );
  const [editing, setEditing] = useState<{ original?: Item; text: string }>();
  const [actionError, setActionError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const set = (patch: Partial<Form>) => setForm({ ...form, ...patch });
  const indexes = [...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])];
  const { pk, sk } = keyOf(table, form.index);
  const tableKey = keyOf(table);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(undefined);
    const built = build(table, form);
    if (typeof built === 'string') return setFormError(new Error(built));
    setRun({ ...built, starts: [] });
  };

  const openItem = async (item: Item) => {
    setActionError(undefined);
    setNotice('');
    // Index results may hold only some attributes: edit the whole item, read by its table key.
    try {
      const Key = pickKey(item, table);
      const got = await callAws(scope, 'dynamodb', 'GetItem', { TableName: table.TableName, Key, ConsistentRead: true });
      if (!got.Item) return setActionError(new Error('That item is gone (deleted since the list was read).'));
      setEditing({ original: got.Item, text: JSON.stringify(got.Item, null, 2) });
    } catch (err) {
      setActionError(err);
    }
  };

  const newItem = () => {
    setActionError(undefined);
    setNotice('');
    const template: Item = {};
    if (tableKey.pk) template[tableKey.pk.name] = { [tableKey.pk.type]: tableKey.pk.type === 'N' ? '0' : '' };
    if (tableKey.sk) template[tableKey.sk.name] = { [tableKey.sk.type]: tableKey.sk.type === 'N' ? '0' : '' };
    setEditing({ text: JSON.stringify(template, null, 2) });
  };

  const save = async () => {
    if (!editing) return;
    setActionError(undefined);
    let item: Item;
    try {
      item = JSON.parse(editing.text);
    } catch (err) {
      return setActionError(new Error(`The item is not valid JSON: ${(err as Error).message}`));
    }
    const problem = checkItem(item);
    if (problem) return setActionError(new Error(problem));
    for (const k of [tableKey.pk, tableKey.sk]) {
      if (!k) continue;
      if (!(k.name in item)) return setActionError(new Error(`The item needs its key attribute ${k.name} (${k.type}).`));
      if (typeOf(item[k.name]) !== k.type) return setActionError(new Error(`Key attribute ${k.name} must be of type ${k.type}, like {"${k.type}": ${k.type === 'N' ? '"1"' : '"…"'}}.`));
    }
    const sameKey = editing.original && JSON.stringify(pickKey(editing.original, table)) === JSON.stringify(pickKey(item, table));
    const input: Record<string, unknown> = { TableName: table.TableName, Item: item };
    // A new item (or an edit that changed the key) must not overwrite another one.
    if (!sameKey) Object.assign(input, { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': tableKey.pk!.name } });
    try {
      await callAws(scope, 'dynamodb', 'PutItem', input);
      setEditing(undefined);
      setNotice(sameKey ? 'Item saved.' : editing.original ? 'Saved as a new item (the key changed; the original item is unchanged).' : 'Item created.');
      setTick((t) => t + 1);
      onChanged();
    } catch (err) {
      setActionError(err);
    }
  };

  const remove = async (item: Item) => {
    const Key = pickKey(item, table);
    if (!window.confirm(`Delete the item ${Object.values(Key).map(cell).join(' / ')}?`)) return;
    setActionError(undefined);
    setNotice('');
    try {
      await callAws(scope, 'dynamodb', 'DeleteItem', { TableName: table.TableName, Key });
      if (editing?.original && JSON.stringify(pickKey(editing.original, table)) === JSON.stringify(Key)) setEditing(undefined);
      setNotice('Item deleted.');
      setTick((t) => t + 1);
      onChanged();
    } catch (err) {
      setActionError(err);
    }
  };

  const items = page?.Items ?? [];
  const columns = columnsOf(items, table, form.index);
  return (
    <>
      <Section title="Find items">
        <form onSubmit={submit} className="stack" aria-label="Find items">
          <div className="toolbar">
            <label className="check">
              <input type="radio" name="mode" checked={form.mode === 'scan'} onChange={() => set({ mode: 'scan' })} /> Scan
            </label>
            <label className="check">
              <input type="radio" name="mode" checked={form.mode === 'query'} onChange={() => set({ mode: 'query' })} /> Query
            </label>
            <label className="check">
              on
              <select aria-label="Table or index" value={form.index} onChange={(e) => set({ index: e.target.value })}>
                <option value="">table {table.TableName}</option>
                {indexes.map((i) => (
                  <option key={i.IndexName} value={i.IndexName}>
                    index {i.IndexName}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {form.mode === 'query' && pk ? (
            <div className="toolbar">
              <label className="check">
                <code>{pk.name}</code> =
                <input aria-label="Partition key value" value={form.pk} onChange={(e) => set({ pk: e.target.value })} placeholder={`${pk.type === 'N' ? 'number' : pk.type === 'B' ? 'base64' : 'text'}`} size={20} />
              </label>
              {sk ? (
                <>
                  <label className="check">
                    and <code>{sk.name}</code>
                    <select aria-label="Sort key condition" value={form.skOp} onChange={(e) => set({ skOp: e.target.value as SortOp })}>
                      {SORT_OPS.map((op) => (
                        <option key={op} value={op}>
                          {op === '' ? 'any' : op}
                        </option>
                      ))}
                    </select>
                  </label>
                  {form.skOp ? <input aria-label="Sort key value" value={form.sk} onChange={(e) => set({ sk: e.target.value })} size={14} placeholder={sk.type === 'N' ? 'number' : 'value'} /> : null}
                  {form.skOp === 'between' ? (
                    <>
                      and <input aria-label="Sort key upper value" value={form.sk2} onChange={(e) => set({ sk2: e.target.value })} size={14} />
                    </>
                  ) : null}
                  <label className="check">
                    <input type="checkbox" checked={form.descending} onChange={(e) => set({ descending: e.target.checked })} /> descending
                  </label>
                </>
              ) : null}
            </div>
          ) : null}
          <div className="toolbar">
            <label className="check grow">
              Filter
              <input aria-label="Filter expression" className="grow" value={form.filter} onChange={(e) => set({ filter: e.target.value })} placeholder="e.g. #s = :s AND price > :min (optional)" />
            </label>
            <label className="check">
              Limit
              <input aria-label="Limit" value={form.limit} onChange={(e) => set({ limit: e.target.value.trim() })} size={5} inputMode="numeric" />
            </label>
          </div>
          {form.filter ? (
            <div className="toolbar">
              <label className="grow">
                Expression attribute names
                <textarea aria-label="Expression attribute names" rows={2} value={form.names} onChange={(e) => set({ names: e.target.value })} placeholder='{"#s": "status"}' spellCheck={false} />
              </label>
              <label className="grow">
                Expression attribute values
                <textarea aria-label="Expression attribute values" rows={2} value={form.values} onChange={(e) => set({ values: e.target.value })} placeholder='{":s": {"S": "open"}, ":min": {"N": "10"}}' spellCheck={false} />
              </label>
            </div>
          ) : null}
          <div className="toolbar">
            <button type="submit">{form.mode === 'query' ? 'Run query' : 'Run scan'}</button>
            <button type="button" className="secondary" onClick={newItem}>
              New item
            </button>
          </div>
        </form>
        <ErrorBanner error={formError} />
      </Section>
      {editing ? (
        <Section title={editing.original ? 'Edit item' : 'New item'}>
          <p className="muted small">DynamoDB JSON: each attribute is an object with its type, like {'{"S": "text"}'}, {'{"N": "42"}'}, {'{"BOOL": true}'}, {'{"M": {…}}'}, {'{"L": […]}'}, {'{"SS": […]}'}; binary as base64.</p>
          <textarea
            aria-label="Item JSON"
            rows={Math.min(24, Math.max(6, editing.text.split('\n').length + 1))}
            value={editing.text}
            onChange={(e) => setEditing({ ...editing, text: e.target.value })}
            spellCheck={false}
          />
          <div className="toolbar">
            <button onClick={save}>Save item</button>
            <button className="secondary" onClick={() => (setEditing(undefined), setActionError(undefined))}>
              Cancel
            </button>
            {editing.original ? (
              <button className="danger" onClick={() => remove(editing.original!)}>
                Delete item
              </button>
            ) : null}
          </div>
          <ErrorBanner error={actionError} />
        </Section>
      ) : null}
      <Section
        title={page ? `Items (${page.Count ?? items.length}${page.ScannedCount !== undefined && page.ScannedCount !== page.Count ? ` of ${page.ScannedCount} read` : ''})` : 'Items'}
        actions={
          <button className="secondary" onClick={() => setTick((t) => t + 1)}>
            Refresh
          </button>
        }
      >
        <p className="muted small">
          {run.operation} {run.input.IndexName ? `of index ${String(run.input.IndexName)}` : `of table ${table.TableName}`}
          {run.input.KeyConditionExpression ? (
            <>
              {' '}
              where <code>{String(run.input.KeyConditionExpression)}</code>
            </>
          ) : null}
          {run.input.FilterExpression ? (
            <>
              {' '}
              filtered by <code>{String(run.input.FilterExpression)}</code>
            </>
          ) : null}
          , page {run.starts.length + 1}
        </p>
        {!editing ? <ErrorBanner error={actionError} /> : null}
        {notice ? <p className="ok-text">{notice}</p> : null}
        <ErrorBanner error={pageError} />
        {page && items.length === 0 ? <p className="muted">No items{run.starts.length ? ' on this page' : ''}.</p> : null}
        {items.length ? (
          <div className="scroll-x">
            <table aria-label="Items" className="items">
              <thead>
                <tr>
                  {columns.shown.map((c) => (
                    <th key={c}>{c}</th>
                  ))}
                  {columns.more ? <th className="muted">+{columns.more} more</th> : null}
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((item, i) => (
                  <tr key={i}>
                    {columns.shown.map((c) => (
                      <td key={c} className="cell-clip" title={item[c] ? JSON.stringify(item[c]) : undefined}>
                        {item[c] === undefined ? <span className="muted">—</span> : cell(item[c])}
                      </td>
                    ))}
                    {columns.more ? <td /> : null}
                    <td className="row-actions">
                      <button className="link" onClick={() => openItem(item)}>
                        Edit
                      </button>
                      <button className="link danger-link" onClick={() => remove(item)}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {run.starts.length || page?.LastEvaluatedKey ? (
          <div className="toolbar pager">
            <button className="secondary" disabled={!run.starts.length} onClick={() => setRun({ ...run, starts: run.starts.slice(0, -1) })}>
              ← Previous
            </button>
            <span className="muted">page {run.starts.length + 1}</span>
            <button className="secondary" disabled={!page?.LastEvaluatedKey} onClick={() => page?.LastEvaluatedKey && setRun({ ...run, starts: [...run.starts, page.LastEvaluatedKey] })}>
              Next →
            </button>
          </div>
        ) : null}
        <details>
          <summary>Request</summary>
          <JsonView value={{ operation: run.operation, ...run.input, ExclusiveStartKey: run.starts.at(-1) }} />
        </details>
      </Section>
    </>
  );
}

function pickKey(item: Item, table: TableDescription): Item {
  const { pk, sk } = keyOf(table);
  const key: Item = {};
  if (pk && item[pk.name]) key[pk.name] = item[pk.name];
  if (sk && item[sk.name]) key[sk.name] = item[sk.name];
  return key;
}

const MAX_COLUMNS = 10;

function columnsOf(items: Item[], table: TableDescription, index: string): { shown: string[]; more: number } {
  const first: string[] = [];
  for (const k of [keyOf(table).pk, keyOf(table).sk, keyOf(table, index).pk, keyOf(table, index).sk]) if (k && !first.includes(k.name)) first.push(k.name);
  const rest = new Set<string>();
  for (const item of items) for (const k of Object.keys(item)) if (!first.includes(k)) rest.add(k);
  const all = [...first, ...[...rest].sort()];
  return { shown: all.slice(0, MAX_COLUMNS), more: Math.max(0, all.length - MAX_COLUMNS) };
}

/** The Query or Scan input for the form, or what is wrong with the form. */
function build(table: TableDescription, form: Form): { operation: 'Query' | 'Scan'; input: Record<string, unknown> } | string {
  const input: Record<string, unknown> = { TableName: table.TableName };
  if (form.index) input.IndexName = form.index;
  const limit = Number(form.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return 'The limit is 1 to 1000 items.';
  input.Limit = limit;
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  if (form.mode === 'query') {
    const { pk, sk } = keyOf(table, form.index);
    if (!pk) return 'This table has no partition key to query.';
    if (form.pk === '') return `Enter the value of the partition key ${pk.name}.`;
    const v = keyValue(pk.type, form.pk, `The partition key ${pk.name}`);
    if (typeof v === 'string') return v;
    names['#key_pk'] = pk.name;
    values[':key_pk'] = v;
    let condition = '#key_pk = :key_pk';
    if (sk && form.skOp) {
      if (form.sk === '') return `Enter the value to compare the sort key ${sk.name} with.`;
      const a = keyValue(sk.type, form.sk, `The sort key ${sk.name}`);
      if (typeof a === 'string') return a;
      names['#key_sk'] = sk.name;
      values[':key_sk'] = a;
      if (form.skOp === 'between') {
        if (form.sk2 === '') return 'Enter the upper value of the sort key range.';
        const b = keyValue(sk.type, form.sk2, `The sort key ${sk.name}`);
        if (typeof b === 'string') return b;
        values[':key_sk2'] = b;
        condition += ' AND #key_sk BETWEEN :key_sk AND :key_sk2';
      } else if (form.skOp === 'begins_with') {
        if (sk.type === 'N') return 'begins_with works on string and binary sort keys, not numbers.';
        condition += ' AND begins_with(#key_sk, :key_sk)';
      } else {
        condition += ` AND #key_sk ${form.skOp} :key_sk`;
      }
    }
    input.KeyConditionExpression = condition;
    if (form.descending) input.ScanIndexForward = false;
  }
  if (form.filter.trim()) {
    input.FilterExpression = form.filter.trim();
    if (form.names.trim()) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(form.names);
      } catch (err) {
        return `Expression attribute names are not valid JSON: ${(err as Error).message}`;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'Expression attribute names must be a JSON object like {"#s": "status"}.';
      for (const [k, v] of Object.entries(parsed)) {
        if (!k.startsWith('#')) return `Expression attribute name ${k} must start with #.`;
        if (typeof v !== 'string') return `Expression attribute name ${k} must name an attribute (a string).`;
        if (k in names) return `${k} is used by the key condition; pick another name.`;
        names[k] = v;
      }
    }
    if (form.values.trim()) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(form.values);
      } catch (err) {
        return `Expression attribute values are not valid JSON: ${(err as Error).message}`;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'Expression attribute values must be a JSON object like {":s": {"S": "open"}}.';
      for (const [k, v] of Object.entries(parsed)) {
        if (!k.startsWith(':')) return `Expression attribute value ${k} must start with :.`;
        const problem = checkValue(v, k);
        if (problem) return problem;
        if (k in values) return `${k} is used by the key condition; pick another name.`;
        values[k] = v as AttributeValue;
      }
    }
  }
  // (Names and values given without a filter would be unused, which DynamoDB rejects: they are left out.)
  if (Object.keys(names).length) input.ExpressionAttributeNames = names;
  if (Object.keys(values).length) input.ExpressionAttributeValues = values;
  return { operation: form.mode === 'query' ? 'Query' : 'Scan', input };
}
