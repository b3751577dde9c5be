// The request log, live: every request, internal call and cross-service delivery, with filters and a
// detail pane. Deliveries link to the request that caused them and back.
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, followRequests, formatBytes, type RequestEntry } from '../api.ts';
import { ErrorBanner, Status, Time } from '../components.tsx';
import { navigate, useQuery } from '../router.tsx';

interface Detail extends RequestEntry {
  detail?: {
    requestHeaders: Record<string, unknown>;
    requestBody?: string;
    requestBodySize?: number;
    responseHeaders: Record<string, unknown>;
    responseBody?: string;
    responseBodySize?: number;
  };
}

const KEEP = 2000;

export function Requests() {
  const [entries, setEntries] = useState<RequestEntry[]>([]);
  const [paused, setPaused] = useState(false);
  const [connected, setConnected] = useState(false);
  const [filter, setFilter] = useState({ service: '', operation: '', status: '', account: '' });
  const pausedRef = useRef(paused);
  const held = useRef<RequestEntry[]>([]);
  const [heldCount, setHeldCount] = useState(0);
  pausedRef.current = paused;
  const selected = useQuery().get('id');

  useEffect(() => {
    const stop = followRequests(
      (e) => {
        if (pausedRef.current) {
          held.current.push(e);
          setHeldCount(held.current.length);
        }
        else setEntries((list) => [...list.filter((x) => x.seq !== e.seq), e].slice(-KEEP));
      },
      setConnected,
    );
    return stop;
  }, []);

  const resume = () => {
    const more = held.current;
    held.current = [];
    setHeldCount(0);
    setEntries((list) => [...list, ...more].slice(-KEEP));
    setPaused(false);
  };

  const shown = useMemo(
    () =>
      entries
        .filter((e) => !filter.service || e.service === filter.service)
        .filter((e) => !filter.operation || (e.operation ?? '').toLowerCase().includes(filter.operation.toLowerCase()))
        .filter((e) => !filter.account || e.account === filter.account)
        .filter((e) => !filter.status || (filter.status === 'errors' ? e.status >= 400 : String(e.status).startsWith(filter.status)))
        .slice()
        .reverse(),
    [entries, filter],
  );
  const services = [...new Set(entries.map((e) => e.service).filter(Boolean))].sort() as string[];
  const accounts = [...new Set(entries.map((e) => e.account).filter(Boolean))].sort() as string[];

  return (
    <div className={selected ? "page split" : "page wide"}>
      <div className="pane">
        <h1>Request log</h1>
        <div className="toolbar">
          <select aria-label="Service" value={filter.service} onChange={(e) => setFilter({ ...filter, service: e.target.value })}>
            <option value="">all services</option>
            {services.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
          <input aria-label="Operation" placeholder="operation" value={filter.operation} onChange={(e) => setFilter({ ...filter, operation: e.target.value })} />
          <select aria-label="Status" value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value })}>
            <option value="">any status</option>
            <option value="2">2xx</option>
            <option value="3">3xx</option>
            <option value="4">4xx</option>
            <option value="5">5xx</option>
            <option value="errors">errors</option>
          </select>
          <select aria-label="Account" value={filter.account} onChange={(e) => setFilter({ ...filter, account: e.target.value })}>
            <option value="">all accounts</option>
            {accounts.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
          <button onClick={() => (paused ? resume() : setPaused(true))}>{paused ? `Resume (${heldCount} waiting)` : 'Pause'}</button>
          <span className={connected ? 'live on' : 'live'}>{connected ? 'live' : 'connecting…'}</span>
        </div>
        <table className="log">
          <thead>
            <tr>
              <th>Time</th>
              <th>Kind</th>
              <th>Account</th>
              <th>Region</th>
              <th>Service</th>
              <th>Operation</th>
              <th>Status</th>
              <th>Error</th>
              <th>ms</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.seq} className={e.requestId === selected ? 'selected' : undefined} onClick={() => navigate(`/requests?id=${e.requestId}`)}>
                <td>
                  <Time ms={e.time} />
                </td>
                <td>{e.kind === 'request' ? '' : e.kind}</td>
                <td>{e.account}</td>
                <td>{e.region}</td>
                <td>{e.service}</td>
                <td>{e.operation}</td>
                <td>
                  <Status code={e.status} />
                </td>
                <td>{e.errorCode}</td>
                <td className="num">{e.durationMs}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length === 0 ? <p className="muted">No requests yet{filter.service || filter.status || filter.operation || filter.account ? ' matching the filters' : ''}.</p> : null}
      </div>
      {selected ? <DetailPane id={selected} entries={entries} /> : null}
    </div>
  );
}

function DetailPane({ id, entries }: { id: string; entries: RequestEntry[] }) {
  const [detail, setDetail] = useState<Detail>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setDetail(undefined);
    setError(undefined);
    api<Detail>(`/_fogbank/requests/${id}`).then(setDetail, setError);
  }, [id]);
  const caused = entries.filter((e) => e.causedBy === id);
  return (
    <aside className="pane detail" aria-label="Request detail">
      <button className="link close" onClick={() => navigate('/requests')}>
        close
      </button>
      <ErrorBanner error={error} />
      {detail ? (
        <>
          <h2>
            {detail.service ?? '?'}.{detail.operation ?? '?'} <Status code={detail.status} />
          </h2>
          <p className="muted">
            {detail.kind} · {new Date(detail.time).toISOString()} · {detail.durationMs} ms · request id <code>{detail.requestId}</code>
          </p>
          {detail.errorCode ? <p className="error">{detail.errorCode}</p> : null}
          {detail.causedBy ? (
            <p>
              Caused by{' '}
              <a href="#" onClick={(e) => (e.preventDefault(), navigate(`/requests?id=${detail.causedBy}`))}>
                {detail.causedBy}
              </a>
            </p>
          ) : null}
          {detail.target ? (
            <p>
              Delivered from <code>{detail.source}</code> to <code>{detail.target}</code>
            </p>
          ) : null}
          {caused.length ? (
            <>
              <h3>Caused</h3>
              <ul>
                {caused.map((c) => (
                  <li key={c.seq}>
                    <a href="#" onClick={(e) => (e.preventDefault(), navigate(`/requests?id=${c.requestId}`))}>
                      {c.kind} {c.service}.{c.operation}
                    </a>{' '}
                    <Status code={c.status} /> {c.target ? <code>{c.target}</code> : null}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {detail.detail ? (
            <>
              <h3>
                Request {detail.method} <code>{detail.path}</code>
              </h3>
              <Headers headers={detail.detail.requestHeaders} />
              <Body text={detail.detail.requestBody} size={detail.detail.requestBodySize} />
              <h3>Response</h3>
              <Headers headers={detail.detail.responseHeaders} />
              <Body text={detail.detail.responseBody} size={detail.detail.responseBodySize} />
            </>
          ) : null}
        </>
      ) : null}
    </aside>
  );
}

function Headers({ headers }: { headers: Record<string, unknown> }) {
  return (
    <table className="headers">
      <tbody>
        {Object.entries(headers).map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td>{k.toLowerCase() === 'authorization' ? String(v).replace(/Signature=\w+/, 'Signature=…') : Array.isArray(v) ? v.join(', ') : String(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Body({ text, size }: { text?: string; size?: number }) {
  if (text === undefined) return <p className="muted">{size ? `${formatBytes(size)} (binary or streamed)` : size === 0 ? '(empty)' : '(streamed)'}</p>;
  if (!text) return <p className="muted">(empty)</p>;
  return <pre className="body">{text}</pre>;
}
