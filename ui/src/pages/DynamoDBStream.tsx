// A table's stream records, read the way a consumer reads them through DynamoDB Streams
// ('dynamodbstreams'): DescribeStream for the shards, GetShardIterator (TRIM_HORIZON) and GetRecords
// until a shard has nothing more. Newest first.
import { Fragment, useState } from 'react';
import { callAws } from '../api.ts';
import { ErrorBanner, JsonView, Section, useLoad } from '../components.tsx';
import { useScope } from '../scope.tsx';
import { cell, plain, type Item } from './DynamoDBValues.ts';
import type { TableDescription } from './DynamoDBTable.tsx';

interface StreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  dynamodb: {
    ApproximateCreationDateTime?: string;
    Keys?: Item;
    NewImage?: Item;
    OldImage?: Item;
    SequenceNumber?: string;
    SizeBytes?: number;
  };
  userIdentity?: { Type?: string; PrincipalId?: string };
}

interface Shard {
  ShardId: string;
  ParentShardId?: string;
  SequenceNumberRange?: { StartingSequenceNumber?: string; EndingSequenceNumber?: string };
}

/** At most this many GetRecords calls per shard for one look (1000 records each). */
const MAX_CALLS = 20;

export function DynamoStream({ table }: { table: TableDescription }) {
  const scope = useScope();
  const StreamArn = table.LatestStreamArn!;
  const [tick, setTick] = useState(0);
  const [open, setOpen] = useState<string>();
  const [data, error] = useLoad(async () => {
    const d = (await callAws(scope, 'dynamodbstreams', 'DescribeStream', { StreamArn })).StreamDescription;
    const shards = (d.Shards ?? []) as Shard[];
    const records: StreamRecord[] = [];
    let truncated = false;
    for (const shard of shards) {
      let it: string | undefined = (await callAws(scope, 'dynamodbstreams', 'GetShardIterator', { StreamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator;
      for (let calls = 0; it; calls++) {
        if (calls === MAX_CALLS) {
          truncated = true;
          break;
        }
        const r: { Records?: StreamRecord[]; NextShardIterator?: string } = await callAws(scope, 'dynamodbstreams', 'GetRecords', { ShardIterator: it, Limit: 1000 });
        records.push(...(r.Records ?? []));
        if (!r.Records?.length) break;
        it = r.NextShardIterator;
      }
    }
    records.sort((a, b) => compareSeq(b.dynamodb.SequenceNumber, a.dynamodb.SequenceNumber));
    return { description: d, shards, records, truncated };
  }, [StreamArn, tick, scope.account, scope.region]);

  return (
    <Section
      title={data ? `Stream records (${data.records.length}${data.truncated ? '+' : ''})` : 'Stream records'}
      actions={
        <button className="secondary" onClick={() => setTick((t) => t + 1)}>
          Refresh
        </button>
      }
    >
      <p className="muted small wrap">
        <code>{StreamArn}</code> · {table.StreamSpecification?.StreamViewType} · {data ? `${data.shards.length} shard${data.shards.length === 1 ? '' : 's'} · ${data.description.StreamStatus}` : 'reading…'}
      </p>
      <ErrorBanner error={error} />
      {data && data.records.length === 0 ? <p className="muted">No records yet: write an item and refresh.</p> : null}
      {data?.records.length ? (
        <table aria-label="Stream records" className="items">
          <thead>
            <tr>
              <th>Time</th>
              <th>Event</th>
              <th>Keys</th>
              <th>New image</th>
              <th>Old image</th>
              <th>Sequence number</th>
            </tr>
          </thead>
          <tbody>
            {data.records.map((r) => (
              <Fragment key={r.eventID}>
                <tr onClick={() => setOpen(open === r.eventID ? undefined : r.eventID)} className={open === r.eventID ? 'selected clickable' : 'clickable'}>
                  <td className="nowrap">{r.dynamodb.ApproximateCreationDateTime ? new Date(r.dynamodb.ApproximateCreationDateTime).toLocaleTimeString() : ''}</td>
                  <td>
                    <span className={`tag event-${r.eventName.toLowerCase()}`}>{r.eventName}</span>
                  </td>
                  <td className="cell-clip">{image(r.dynamodb.Keys)}</td>
                  <td className="cell-clip">{image(r.dynamodb.NewImage)}</td>
                  <td className="cell-clip">{image(r.dynamodb.OldImage)}</td>
                  <td>
                    <code className="small">{r.dynamodb.SequenceNumber}</code>
                  </td>
                </tr>
                {open === r.eventID ? (
                  <tr>
                    <td colSpan={6}>
                      <RecordDetail record={r} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      ) : null}
      {data?.truncated ? <p className="muted small">Showing the first {MAX_CALLS * 1000} records of a shard.</p> : null}
    </Section>
  );
}

function RecordDetail({ record }: { record: StreamRecord }) {
  const { OldImage, NewImage } = record.dynamodb;
  const changed =
    OldImage && NewImage
      ? [...new Set([...Object.keys(OldImage), ...Object.keys(NewImage)])].filter((k) => JSON.stringify(OldImage[k]) !== JSON.stringify(NewImage[k]))
      : [];
  const plainItem = (item: Item | undefined) => (item ? Object.fromEntries(Object.entries(item).map(([k, v]) => [k, plain(v)])) : undefined);
  return (
    <div className="record-detail">
      {record.eventName === 'MODIFY' && OldImage && NewImage ? (
        <p>
          Changed attributes: {changed.length ? changed.map((k, i) => <code key={k}>{(i ? ', ' : '') + k}</code>) : <span className="muted">none</span>}
        </p>
      ) : null}
      <div className="two-col">
        {OldImage ? (
          <div>
            <h3>Old image</h3>
            <JsonView value={plainItem(OldImage)} />
          </div>
        ) : null}
        {NewImage ? (
          <div>
            <h3>New image</h3>
            <JsonView value={plainItem(NewImage)} />
          </div>
        ) : null}
      </div>
      <details>
        <summary>The record as GetRecords returned it</summary>
        <JsonView value={record} />
      </details>
    </div>
  );
}

function image(item: Item | undefined) {
  if (!item) return <span className="muted">—</span>;
  const entries = Object.entries(item);
  return entries.map(([k, v], i) => (
    <span key={k}>
      {i ? ', ' : ''}
      <span className="muted">{k}:</span> {typeof plain(v) === 'string' ? cell(v) : JSON.stringify(plain(v))}
    </span>
  ));
}

function compareSeq(a = '', b = ''): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
