// CloudWatch Logs: log groups (create/delete, retention), their streams, and a live tail: polls
// FilterLogEvents every second while on, newest at the bottom, following the bottom unless scrolled
// up, with pause, a stream picker and a filter box (CloudWatch filter pattern syntax; an invalid
// pattern shows the service's error).
import { useEffect, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { callAws, formatBytes, type ApiError } from '../api.ts';
import { ErrorBanner, Section, useLoad } from '../components.tsx';
import { Link } from '../router.tsx';
import { useScope } from '../scope.tsx';
import { When, allPages, invalid, lambdaPath, useAction } from './PageKit.tsx';

interface LogGroup {
  logGroupName: string;
  creationTime?: number;
  retentionInDays?: number;
  storedBytes?: number;
  logGroupClass?: string;
  arn?: string;
  metricFilterCount?: number;
  deletionProtectionEnabled?: boolean;
}

interface LogStream {
  logStreamName: string;
  creationTime?: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  storedBytes?: number;
}

interface LogEvent {
  logStreamName?: string;
  timestamp: number;
  message: string;
  ingestionTime?: number;
  eventId: string;
}

const RETENTION = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export function LogGroupList() {
  const scope = useScope();
  const [prefix, setPrefix] = useState('');
  const [applied, setApplied] = useState('');
  const [groups, error, reload] = useLoad(
    () =>
      allPages(
        (token) =>
          callAws<{ logGroups?: LogGroup[]; nextToken?: string }>(scope, 'logs', 'DescribeLogGroups', {
            ...(applied ? { logGroupNamePrefix: applied } : {}),
            ...(token ? { nextToken: token } : {}),
          }).then((r) => ({ items: r.logGroups ?? [], next: r.nextToken })),
        10,
      ),
    [scope.account, scope.region, applied],
  );
  const remove = useAction();
  const del = (g: string) => {
    if (!window.confirm(`Delete log group ${g} and all its events?`)) return;
    remove.run(async () => {
      await callAws(scope, 'logs', 'DeleteLogGroup', { logGroupName: g });
      reload();
    });
  };

  return (
    <>
      <Section
        title={`Log groups in ${scope.account} · ${scope.region}`}
        actions={
          <form
            className="inline"
            onSubmit={(e) => {
              e.preventDefault();
              setApplied(prefix.trim());
            }}
          >
            <input aria-label="Name prefix" value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder="name prefix, e.g. /aws/lambda/" size={28} />
            <button type="submit" className="secondary">
              Filter
            </button>
            <button type="button" className="secondary" onClick={reload}>
              Refresh
            </button>
          </form>
        }
      >
        <ErrorBanner error={error ?? remove.error} />
        {groups && groups.length === 0 ? <p className="muted">No log groups{applied ? ` starting with ${applied}` : ''}.</p> : null}
        {groups?.length ? (
          <table>
            <thead>
              <tr>
                <th>Log group</th>
                <th>Created</th>
                <th>Retention</th>
                <th className="num">Stored</th>
                <th>Class</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.logGroupName}>
                  <td>
                    <Link to={lambdaPath('logs', { group: g.logGroupName })}>{g.logGroupName}</Link>
                  </td>
                  <td>
                    <When at={g.creationTime} />
                  </td>
                  <td>{g.retentionInDays ? `${g.retentionInDays} days` : 'never expire'}</td>
                  <td className="num">{formatBytes(g.storedBytes ?? 0)}</td>
                  <td>{g.logGroupClass ?? ''}</td>
                  <td className="row-actions">
                    <button className="danger" onClick={() => del(g.logGroupName)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Section>
      <CreateGroupForm onDone={reload} />
    </>
  );
}

function CreateGroupForm({ onDone }: { onDone: () => void }) {
  const scope = useScope();
  const [name, setName] = useState('');
  const [retention, setRetention] = useState('');
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    action.run(async () => {
      const n = name.trim();
      if (!n) invalid('A log group name is required.');
      if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(n)) invalid('A log group name has up to 512 letters, digits and . - _ / #');
      await callAws(scope, 'logs', 'CreateLogGroup', { logGroupName: n });
      if (retention) await callAws(scope, 'logs', 'PutRetentionPolicy', { logGroupName: n, retentionInDays: Number(retention) });
      setName('');
      onDone();
    });
  };
  return (
    <Section title="Create a log group">
      <form className="inline" onSubmit={submit}>
        <label>
          Name
          <input aria-label="Log group name" value={name} onChange={(e) => setName(e.target.value)} placeholder="/my/app" size={30} />
        </label>
        <label>
          Retention
          <select aria-label="Retention" value={retention} onChange={(e) => setRetention(e.target.value)}>
            <option value="">never expire</option>
            {RETENTION.map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={action.busy}>
          Create log group
        </button>
      </form>
      <ErrorBanner error={action.error} />
    </Section>
  );
}

export function LogGroupView({ group }: { group: string }) {
  const scope = useScope();
  const [info, infoError] = useLoad(
    () =>
      callAws<{ logGroups?: LogGroup[] }>(scope, 'logs', 'DescribeLogGroups', { logGroupNamePrefix: group }).then((r) => {
        const g = (r.logGroups ?? []).find((x) => x.logGroupName === group);
        if (!g) throw Object.assign(new Error(`The log group ${group} does not exist in ${scope.account} · ${scope.region}.`), { code: 'ResourceNotFoundException' });
        return g;
      }),
    [group, scope.account, scope.region],
  );
  const [streams, streamsError, reloadStreams] = useLoad(
    () =>
      callAws<{ logStreams?: LogStream[] }>(scope, 'logs', 'DescribeLogStreams', { logGroupName: group, orderBy: 'LastEventTime', descending: true, limit: 50 }).then((r) => r.logStreams ?? []),
    [group, scope.account, scope.region],
  );
  const [stream, setStream] = useState('');
  const lambdaName = /^\/aws\/lambda\/([\w-]+)$/.exec(group)?.[1];

  return (
    <>
      <p className="breadcrumbs">
        <Link to={lambdaPath('logs')}>Log groups</Link> › <strong>{group}</strong>
        {info ? (
          <span className="muted">
            {' '}
            · {info.retentionInDays ? `retention ${info.retentionInDays} days` : 'never expire'} · {formatBytes(info.storedBytes ?? 0)} stored
          </span>
        ) : null}
        {lambdaName ? (
          <>
            {' '}
            · <Link to={lambdaPath('functions', { name: lambdaName })}>function {lambdaName}</Link>
          </>
        ) : null}
      </p>
      <ErrorBanner error={infoError} />
      <LiveTail group={group} stream={stream} streams={streams ?? []} onStream={setStream} onNewStream={reloadStreams} />
      <Section title="Streams" actions={<button className="secondary" onClick={reloadStreams}>Refresh</button>}>
        <ErrorBanner error={streamsError} />
        {streams && streams.length === 0 ? <p className="muted">No streams yet.</p> : null}
        {streams?.length ? (
          <table aria-label="Log streams">
            <thead>
              <tr>
                <th>Stream</th>
                <th>First event</th>
                <th>Last event</th>
                <th className="num">Stored</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {streams.map((s) => (
                <tr key={s.logStreamName} className={stream === s.logStreamName ? 'selected' : undefined}>
                  <td>
                    <code>{s.logStreamName}</code>
                  </td>
                  <td>
                    <When at={s.firstEventTimestamp} />
                  </td>
                  <td>
                    <When at={s.lastEventTimestamp} />
                  </td>
                  <td className="num">{formatBytes(s.storedBytes ?? 0)}</td>
                  <td className="row-actions">
                    <button className="secondary" onClick={() => (setStream(s.logStreamName), window.scrollTo({ top: 0 }))}>
                      Tail this stream
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <p className="muted small">The 50 most recently written streams.</p>
      </Section>
    </>
  );
}

const KEEP = 2000;
const POLL_MS = 1000;
/** Events can arrive a little after their timestamp; each poll looks back this far and skips ones already shown. */
const LOOKBACK_MS = 5000;
const MAX_PAGES = 10;

function LiveTail({ group, stream, streams, onStream, onNewStream }: { group: string; stream: string; streams: LogStream[]; onStream: (s: string) => void; onNewStream: () => void }) {
  const scope = useScope();
  const [draft, setDraft] = useState('');
  const [pattern, setPattern] = useState('');
  const [following, setFollowing] = useState(true);
  const [events, setEvents] = useState<LogEvent[]>([]);
  const [error, setError] = useState<unknown>();
  const [stopped, setStopped] = useState(false);
  const [lastPoll, setLastPoll] = useState<number>();
  const followingRef = useRef(following);
  followingRef.current = following;
  const pane = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const knownStreams = useRef(new Set<string>());
  knownStreams.current = new Set(streams.map((s) => s.logStreamName));
  const onNewStreamRef = useRef(onNewStream);
  onNewStreamRef.current = onNewStream;

  useEffect(() => {
    let live = true;
    let busy = false;
    let failed = false;
    let first = true;
    let since: number | undefined;
    const seen = new Map<string, number>();
    setEvents([]);
    setError(undefined);
    setStopped(false);
    stick.current = true;

    const poll = async () => {
      if (busy || failed || (!first && !followingRef.current)) return;
      busy = true;
      try {
        const input: Record<string, unknown> = { logGroupName: group };
        if (pattern) input.filterPattern = pattern;
        if (stream) input.logStreamNames = [stream];
        if (since !== undefined) input.startTime = since - LOOKBACK_MS;
        const fresh: LogEvent[] = [];
        let token: string | undefined;
        for (let i = 0; i < MAX_PAGES; i++) {
          const r = await callAws<{ events?: LogEvent[]; nextToken?: string }>(scope, 'logs', 'FilterLogEvents', { ...input, ...(token ? { nextToken: token } : {}) });
          for (const e of r.events ?? []) {
            if (seen.has(e.eventId)) continue;
            seen.set(e.eventId, e.timestamp);
            fresh.push(e);
          }
          token = r.nextToken;
          if (!token) break;
        }
        if (!live) return;
        for (const e of fresh) since = Math.max(since ?? e.timestamp, e.timestamp);
        if (since !== undefined) for (const [id, ts] of seen) if (ts < since - LOOKBACK_MS) seen.delete(id);
        if (fresh.length) {
          setEvents((list) => {
            const all = [...list, ...fresh];
            all.sort((a, b) => a.timestamp - b.timestamp || (a.eventId < b.eventId ? -1 : 1));
            return all.slice(-KEEP);
          });
          if (fresh.some((e) => e.logStreamName && !knownStreams.current.has(e.logStreamName))) onNewStreamRef.current();
        }
        setError(undefined);
        setLastPoll(Date.now());
      } catch (e) {
        if (!live) return;
        setError(e);
        // A bad filter pattern will not get better by asking again; other errors (the group is not
        // there yet, a restart) may, so the tail keeps trying.
        if ((e as ApiError).code === 'InvalidParameterException') {
          failed = true;
          setStopped(true);
        }
      } finally {
        busy = false;
        first = false;
      }
    };
    poll();
    const timer = setInterval(poll, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [group, pattern, stream, scope.account, scope.region]);

  useLayoutEffect(() => {
    const el = pane.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [events]);

  const onScroll = () => {
    const el = pane.current;
    if (el) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  };

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setPattern(draft.trim());
  };

  const state = stopped ? 'stopped: fix the filter' : following ? 'live · polling every second' : 'paused';
  return (
    <Section
      title="Live tail"
      actions={
        <>
          <span className={following && !stopped ? 'live on' : 'live'} aria-label="Tail state">
            {state}
          </span>
          <button className="secondary" onClick={() => setFollowing(!following)} disabled={stopped}>
            {following ? 'Pause' : 'Resume'}
          </button>
          <button className="secondary" onClick={() => setEvents([])}>
            Clear
          </button>
        </>
      }
    >
      <form className="inline tailbar" onSubmit={apply}>
        <label className="grow">
          Filter pattern
          <input
            aria-label="Filter pattern"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder='ERROR   ·   "exact phrase"   ·   ?ERROR ?WARN   ·   { $.level = "error" }   ·   [ip, user, status = 5*]   ·   %regex%'
            spellCheck={false}
          />
        </label>
        <label>
          Stream
          <select aria-label="Stream" value={stream} onChange={(e) => onStream(e.target.value)}>
            <option value="">all streams</option>
            {stream && !streams.some((s) => s.logStreamName === stream) ? <option value={stream}>{stream}</option> : null}
            {streams.map((s) => (
              <option key={s.logStreamName} value={s.logStreamName}>
                {s.logStreamName}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Apply</button>
        {pattern ? (
          <button type="button" className="secondary" onClick={() => (setDraft(''), setPattern(''))}>
            Clear filter
          </button>
        ) : null}
      </form>
      <ErrorBanner error={error} />
      <div className="tail" ref={pane} onScroll={onScroll} role="log" aria-label="Log events" aria-live="polite">
        {events.length === 0 ? (
          <div className="muted empty">{pattern ? 'No events match the filter yet.' : 'No events yet.'} New ones appear here as they are written.</div>
        ) : (
          events.map((e) => (
            <div className="line" key={e.eventId}>
              <time dateTime={new Date(e.timestamp).toISOString()} title={new Date(e.timestamp).toISOString()}>
                {clockTime(e.timestamp)}
              </time>
              {stream ? null : (
                <span className="stream" title={e.logStreamName}>
                  {shortStream(e.logStreamName)}
                </span>
              )}
              <span className="msg">{e.message.replace(/\n$/, '')}</span>
            </div>
          ))
        )}
      </div>
      <p className="muted small">
        {events.length} event{events.length === 1 ? '' : 's'} shown (the newest {KEEP} are kept), oldest at the top.
        {lastPoll ? ` Last checked ${new Date(lastPoll).toLocaleTimeString()}.` : ''}
        {pattern ? (
          <>
            {' '}
            Filter: <code>{pattern}</code>
          </>
        ) : null}
      </p>
    </Section>
  );
}

function clockTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function shortStream(name: string | undefined): string {
  if (!name) return '';
  // Lambda streams: 2026/01/02/[$LATEST]abcdef… → [$LATEST]abcdef
  if (/\]\w{6,}$/.test(name)) return name.replace(/^\d{4}\/\d{2}\/\d{2}\//, '').replace(/\](\w{6})\w*$/, ']$1');
  return name.length > 24 ? `${name.slice(0, 23)}…` : name;
}
