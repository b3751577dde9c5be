// Lambda functions: the list (runtime, state, last modified), create one from a .zip, invoke with a
// JSON payload and see the result, the function error and the log tail, the invocation history
// (admin route), and warm workers with "evict".
import { useEffect, useState, type FormEvent } from 'react';
import { api, callAws, formatBytes } from '../api.ts';
import { ErrorBanner, Section, useLoad } from '../components.tsx';
import { Link, navigate } from '../router.tsx';
import { useScope } from '../scope.tsx';
import { Badge, Facts, Pretty, When, allPages, base64ToUtf8, bytesToBase64, invalid, lambdaPath, parseJson, scopeQuery, useAction, utf8ToBase64 } from './PageKit.tsx';

interface FunctionConfig {
  FunctionName: string;
  FunctionArn: string;
  Runtime?: string;
  Handler?: string;
  PackageType?: string;
  State?: string;
  StateReason?: string;
  LastUpdateStatus?: string;
  LastModified?: string;
  MemorySize?: number;
  Timeout?: number;
  CodeSize?: number;
  Description?: string;
  Role?: string;
  Version?: string;
  Architectures?: string[];
  Environment?: { Variables?: Record<string, string> };
  LoggingConfig?: { LogGroup?: string; LogFormat?: string };
  Layers?: Array<{ Arn: string }>;
}

interface AdminFunction {
  name: string;
  state?: string;
  inflight: number;
  warmWorkers: number;
}

interface Worker {
  account: string;
  region: string;
  function: string;
  version: string;
  pid: number;
  state: string;
  invocations: number;
  initDurationMs: number;
  provisioned: boolean;
  runtime: string;
  logGroup: string;
  logStream: string;
  lastUsed: string;
}

interface InvocationRecord {
  requestId: string;
  version: string;
  qualifier?: string;
  kind: string;
  time: string;
  status: string;
  errorType?: string;
  durationMs: number;
  initDurationMs?: number;
  totalMs: number;
  request: string;
  response: string;
  logs: string[];
}

const RUNTIMES = ['nodejs22.x', 'nodejs24.x', 'nodejs20.x', 'nodejs18.x', 'python3.13', 'python3.14', 'python3.12', 'python3.11', 'python3.10', 'python3.9', 'provided.al2023', 'provided.al2', 'ruby3.4', 'java21', 'dotnet8'];

export function FunctionList() {
  const scope = useScope();
  const [data, error, reload] = useLoad(async () => {
    const [functions, admin] = await Promise.all([
      allPages((marker) =>
        callAws<{ Functions?: FunctionConfig[]; NextMarker?: string }>(scope, 'lambda', 'ListFunctions', marker ? { Marker: marker } : {}).then((r) => ({ items: r.Functions ?? [], next: r.NextMarker })),
      ),
      api<AdminFunction[]>(`/_fogbank/lambda/functions?${scopeQuery(scope)}`).catch(() => [] as AdminFunction[]),
    ]);
    return { functions, admin: new Map(admin.map((a) => [a.name, a])) };
  }, [scope.account, scope.region]);

  return (
    <>
      <Section title={`Functions in ${scope.account} · ${scope.region}`} actions={<button className="secondary" onClick={reload}>Refresh</button>}>
        <ErrorBanner error={error} />
        {data && data.functions.length === 0 ? <p className="muted">No functions yet.</p> : null}
        {data?.functions.length ? (
          <table>
            <thead>
              <tr>
                <th>Function</th>
                <th>Runtime</th>
                <th>Handler</th>
                <th>State</th>
                <th className="num">Memory</th>
                <th className="num">Timeout</th>
                <th className="num">Code</th>
                <th>Last modified</th>
                <th className="num">Warm</th>
              </tr>
            </thead>
            <tbody>
              {data.functions.map((f) => {
                const a = data.admin.get(f.FunctionName);
                return (
                  <tr key={f.FunctionArn}>
                    <td>
                      <Link to={lambdaPath('functions', { name: f.FunctionName })}>{f.FunctionName}</Link>
                      {f.Description ? <div className="muted small">{f.Description}</div> : null}
                    </td>
                    <td>{f.Runtime ?? f.PackageType}</td>
                    <td>
                      <code>{f.Handler ?? ''}</code>
                    </td>
                    <td>
                      <Badge value={f.State ?? a?.state} />
                    </td>
                    <td className="num">{f.MemorySize} MB</td>
                    <td className="num">{f.Timeout} s</td>
                    <td className="num">{formatBytes(f.CodeSize)}</td>
                    <td>
                      <When at={f.LastModified} />
                    </td>
                    <td className="num">{a ? a.warmWorkers : ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
      </Section>
      <CreateFunctionForm onDone={reload} />
    </>
  );
}

function CreateFunctionForm({ onDone }: { onDone: () => void }) {
  const scope = useScope();
  const [name, setName] = useState('');
  const [runtime, setRuntime] = useState('nodejs22.x');
  const [handler, setHandler] = useState('index.handler');
  const [role, setRole] = useState('');
  const [memory, setMemory] = useState('128');
  const [timeout, setTimeoutValue] = useState('3');
  const [file, setFile] = useState<File>();
  const action = useAction();
  const roleArn = role || `arn:aws:iam::${scope.account}:role/lambda-role`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    action.run(async () => {
      const n = name.trim();
      if (!n) invalid('A function name is required.');
      if (!/^[a-zA-Z0-9-_]{1,64}$/.test(n)) invalid('A function name has 1 to 64 letters, digits, hyphens and underscores.');
      if (!handler.trim()) invalid('A handler is required (file.export, e.g. index.handler).');
      const mem = Number(memory);
      if (!Number.isInteger(mem) || mem < 128 || mem > 10240) invalid('Memory is a whole number of MB from 128 to 10240.');
      const t = Number(timeout);
      if (!Number.isInteger(t) || t < 1 || t > 900) invalid('The timeout is a whole number of seconds from 1 to 900.');
      if (!file) invalid('Choose a .zip file with the function code.');
      if (file.size > 50 * 1024 * 1024) invalid(`The zip is ${formatBytes(file.size)}; a direct upload takes at most 50 MiB.`);
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) invalid(`${file.name} is not a zip file.`);
      await callAws(scope, 'lambda', 'CreateFunction', {
        FunctionName: n,
        Runtime: runtime,
        Handler: handler.trim(),
        Role: roleArn,
        MemorySize: mem,
        Timeout: t,
        Code: { ZipFile: bytesToBase64(bytes) },
      });
      onDone();
      navigate(lambdaPath('functions', { name: n }));
    });
  };

  return (
    <Section title="Create a function from a .zip">
      <form className="stack" onSubmit={submit}>
        <div className="row">
          <label>
            Name
            <input aria-label="Function name" value={name} onChange={(e) => setName(e.target.value)} placeholder="my-function" />
          </label>
          <label>
            Runtime
            <select aria-label="Runtime" value={runtime} onChange={(e) => setRuntime(e.target.value)}>
              {RUNTIMES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <label>
            Handler
            <input aria-label="Handler" value={handler} onChange={(e) => setHandler(e.target.value)} />
          </label>
          <label>
            Memory (MB)
            <input aria-label="Memory" value={memory} onChange={(e) => setMemory(e.target.value)} size={6} inputMode="numeric" />
          </label>
          <label>
            Timeout (s)
            <input aria-label="Timeout" value={timeout} onChange={(e) => setTimeoutValue(e.target.value)} size={5} inputMode="numeric" />
          </label>
        </div>
        <div className="row">
          <label className="grow">
            Role ARN
            <input aria-label="Function role" value={role} onChange={(e) => setRole(e.target.value)} placeholder={roleArn} />
          </label>
          <label>
            Code (.zip)
            <input aria-label="Zip file" type="file" accept=".zip,application/zip" onChange={(e) => setFile(e.target.files?.[0])} />
          </label>
        </div>
        <button type="submit" disabled={action.busy}>
          {action.busy ? 'Creating…' : 'Create function'}
        </button>
      </form>
      <ErrorBanner error={action.error} />
      <p className="muted small">
        The zip goes to CreateFunction as <code>Code.ZipFile</code>. With the AWS CLI: <code>aws lambda create-function --function-name f --runtime nodejs22.x --handler index.handler --role {roleArn} --zip-file fileb://function.zip</code>
      </p>
    </Section>
  );
}

export function FunctionView({ name }: { name: string }) {
  const scope = useScope();
  const [fn, error, reload] = useLoad(
    () => callAws<{ Configuration: FunctionConfig; Tags?: Record<string, string> }>(scope, 'lambda', 'GetFunction', { FunctionName: name }),
    [name, scope.account, scope.region],
  );
  const [historyTick, setHistoryTick] = useState(0);
  const action = useAction();
  const c = fn?.Configuration;
  // A new or updated function is Pending for a moment: look again until it settles.
  const settling = c?.State === 'Pending' || c?.LastUpdateStatus === 'InProgress';
  useEffect(() => {
    if (!settling) return;
    const t = setTimeout(reload, 1000);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fn]);
  const logGroup = c?.LoggingConfig?.LogGroup ?? `/aws/lambda/${name}`;

  const del = () => {
    if (!window.confirm(`Delete function ${name}?`)) return;
    action.run(async () => {
      await callAws(scope, 'lambda', 'DeleteFunction', { FunctionName: name });
      navigate(lambdaPath('functions'));
    });
  };

  return (
    <>
      <p className="breadcrumbs">
        <Link to={lambdaPath('functions')}>Functions</Link> › <strong>{name}</strong>
      </p>
      <ErrorBanner error={error} />
      {c ? (
        <>
          <Facts
            rows={[
              ['ARN', <code>{c.FunctionArn}</code>],
              ['State', <><Badge value={c.State} /> {c.StateReason ? <span className="muted">{c.StateReason}</span> : null}</>],
              ['Runtime', `${c.Runtime ?? c.PackageType} · ${c.Architectures?.join(', ') ?? ''}`],
              ['Handler', <code>{c.Handler}</code>],
              ['Memory · timeout', `${c.MemorySize} MB · ${c.Timeout} s`],
              ['Code', formatBytes(c.CodeSize)],
              ['Last modified', <When at={c.LastModified} />],
              ['Role', <code>{c.Role}</code>],
              ['Description', c.Description],
              ['Environment', c.Environment?.Variables && Object.keys(c.Environment.Variables).length ? <code>{Object.entries(c.Environment.Variables).map(([k, v]) => `${k}=${v}`).join('  ')}</code> : undefined],
              ['Log group', <Link to={lambdaPath('logs', { group: logGroup })}>{logGroup}</Link>],
            ]}
          />
          <div className="toolbar">
            <button className="secondary" onClick={reload}>
              Refresh
            </button>
            <button className="danger" onClick={del} disabled={action.busy}>
              Delete function
            </button>
          </div>
          <ErrorBanner error={action.error} />
        </>
      ) : null}
      <InvokeForm name={name} onInvoked={() => setHistoryTick((t) => t + 1)} />
      <InvocationHistory name={name} tick={historyTick} />
      <FunctionWorkers name={name} tick={historyTick} />
    </>
  );
}

interface InvokeResult {
  StatusCode: number;
  FunctionError?: string;
  LogResult?: string;
  Payload?: string;
  ExecutedVersion?: string;
}

function InvokeForm({ name, onInvoked }: { name: string; onInvoked: () => void }) {
  const scope = useScope();
  const [payload, setPayload] = useState('{\n  "hello": "world"\n}');
  const [type, setType] = useState('RequestResponse');
  const [qualifier, setQualifier] = useState('');
  const [result, setResult] = useState<InvokeResult & { ms: number }>();
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setResult(undefined);
    action.run(async () => {
      if (payload.trim()) parseJson(payload, 'The payload');
      const started = performance.now();
      const r = await callAws<InvokeResult>(scope, 'lambda', 'Invoke', {
        FunctionName: name,
        InvocationType: type,
        ...(type === 'RequestResponse' ? { LogType: 'Tail' } : {}),
        ...(qualifier.trim() ? { Qualifier: qualifier.trim() } : {}),
        ...(payload.trim() ? { Payload: utf8ToBase64(payload) } : {}),
      });
      setResult({ ...r, ms: Math.round(performance.now() - started) });
      onInvoked();
      if (type === 'Event') setTimeout(onInvoked, 1000);
    });
  };

  const out = result ? base64ToUtf8(result.Payload) : '';
  let errorInfo: { errorType?: string; errorMessage?: string } | undefined;
  if (result?.FunctionError) {
    try {
      errorInfo = JSON.parse(out);
    } catch {
      errorInfo = undefined;
    }
  }
  const logs = result ? base64ToUtf8(result.LogResult) : '';

  return (
    <Section title="Invoke">
      <form className="stack" onSubmit={submit}>
        <label className="full">
          Payload (JSON)
          <textarea aria-label="Payload" rows={5} value={payload} onChange={(e) => setPayload(e.target.value)} spellCheck={false} />
        </label>
        <div className="row">
          <label>
            Invocation type
            <select aria-label="Invocation type" value={type} onChange={(e) => setType(e.target.value)}>
              <option value="RequestResponse">RequestResponse (wait for the result)</option>
              <option value="Event">Event (asynchronous)</option>
              <option value="DryRun">DryRun (check permissions only)</option>
            </select>
          </label>
          <label>
            Qualifier
            <input aria-label="Qualifier" value={qualifier} onChange={(e) => setQualifier(e.target.value)} placeholder="$LATEST" size={12} />
          </label>
        </div>
        <button type="submit" disabled={action.busy}>
          {action.busy ? 'Invoking…' : 'Invoke'}
        </button>
      </form>
      <ErrorBanner error={action.error} />
      {result ? (
        <div className="result" aria-label="Invocation result">
          <p>
            Status <strong>{result.StatusCode}</strong>
            {result.ExecutedVersion ? <> · version {result.ExecutedVersion}</> : null} · {result.ms} ms
            {result.StatusCode === 202 ? <span className="muted"> · queued; see the history below</span> : null}
            {result.StatusCode === 204 ? <span className="muted"> · dry run: the call would be allowed</span> : null}
          </p>
          {result.FunctionError ? (
            <div className="error" role="alert">
              <strong>Function error ({result.FunctionError}): </strong>
              {errorInfo?.errorType ? `${errorInfo.errorType}: ` : ''}
              {errorInfo?.errorMessage ?? out}
            </div>
          ) : null}
          {result.StatusCode === 200 ? (
            <>
              <h3>{result.FunctionError ? 'Error payload' : 'Result'}</h3>
              <Pretty text={out} label="Result payload" />
            </>
          ) : null}
          {logs ? (
            <>
              <h3>Log tail</h3>
              <pre className="logs" aria-label="Log tail">
                {logs}
              </pre>
            </>
          ) : null}
        </div>
      ) : null}
    </Section>
  );
}

function InvocationHistory({ name, tick }: { name: string; tick: number }) {
  const scope = useScope();
  const [records, error, reload] = useLoad(
    () => api<InvocationRecord[]>(`/_fogbank/lambda/functions/${encodeURIComponent(name)}/invocations?${scopeQuery(scope, { limit: '50' })}`),
    [name, scope.account, scope.region, tick],
  );
  const [open, setOpen] = useState<string>();
  return (
    <Section title="Invocation history" actions={<button className="secondary" onClick={reload}>Refresh</button>}>
      <ErrorBanner error={error} />
      {records && records.length === 0 ? <p className="muted">Not invoked yet.</p> : null}
      {records?.length ? (
        <table aria-label="Invocation history" className="log">
          <thead>
            <tr>
              <th>Time</th>
              <th>Kind</th>
              <th>Version</th>
              <th>Status</th>
              <th className="num">Duration</th>
              <th className="num">Init</th>
              <th className="num">Total</th>
              <th>Request id</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <HistoryRow key={r.requestId + r.time} r={r} open={open === r.requestId} onToggle={() => setOpen(open === r.requestId ? undefined : r.requestId)} />
            ))}
          </tbody>
        </table>
      ) : null}
      <p className="muted small">Newest first; click a row for its request, response and logs.</p>
    </Section>
  );
}

function HistoryRow({ r, open, onToggle }: { r: InvocationRecord; open: boolean; onToggle: () => void }) {
  return (
    <>
      <tr onClick={onToggle} className={open ? 'selected' : undefined}>
        <td>
          <When at={r.time} />
        </td>
        <td>{r.kind}</td>
        <td>{r.qualifier && r.qualifier !== r.version ? `${r.qualifier} → ${r.version}` : r.version}</td>
        <td>
          <Badge value={r.status} /> {r.errorType ? <span className="muted">{r.errorType}</span> : null}
        </td>
        <td className="num">{r.durationMs} ms</td>
        <td className="num">{r.initDurationMs === undefined ? '' : `${r.initDurationMs} ms`}</td>
        <td className="num">{r.totalMs} ms</td>
        <td>
          <code>{r.requestId}</code>
        </td>
      </tr>
      {open ? (
        <tr className="expanded">
          <td colSpan={8}>
            <div className="columns">
              <div>
                <h3>Request</h3>
                <Pretty text={r.request} />
              </div>
              <div>
                <h3>Response</h3>
                <Pretty text={r.response} />
              </div>
            </div>
            <h3>Logs</h3>
            <pre className="logs">{r.logs.join('\n')}</pre>
          </td>
        </tr>
      ) : null}
    </>
  );
}

function FunctionWorkers({ name, tick }: { name: string; tick: number }) {
  const scope = useScope();
  const [workers, error, reload] = useLoad(
    () => api<Worker[]>(`/_fogbank/lambda/workers?${scopeQuery(scope)}`).then((w) => w.filter((x) => x.function === name)),
    [name, scope.account, scope.region, tick],
  );
  const action = useAction();
  const [evicted, setEvicted] = useState<number>();
  const evict = () =>
    action.run(async () => {
      const r = await api<{ evicted: number }>(`/_fogbank/lambda/functions/${encodeURIComponent(name)}/evict?${scopeQuery(scope)}`, { method: 'POST' });
      setEvicted(r.evicted);
      reloadSoon(reload);
    });
  return (
    <Section
      title="Warm workers"
      actions={
        <>
          <button className="secondary" onClick={reload}>
            Refresh
          </button>
          <button className="danger" onClick={evict} disabled={!workers?.length || action.busy}>
            Evict
          </button>
        </>
      }
    >
      <ErrorBanner error={error ?? action.error} />
      {evicted !== undefined ? <p className="notice">Evicted {evicted} worker{evicted === 1 ? '' : 's'}: the next invocation starts cold.</p> : null}
      <WorkerTable workers={workers ?? []} showFunction={false} />
    </Section>
  );
}

function WorkerTable({ workers, showFunction, onEvict }: { workers: Worker[]; showFunction: boolean; onEvict?: (fn: string) => void }) {
  if (workers.length === 0) return <p className="muted">No warm workers: the next invocation starts cold.</p>;
  return (
    <table aria-label="Warm workers">
      <thead>
        <tr>
          {showFunction ? <th>Function</th> : null}
          <th>Version</th>
          <th className="num">PID</th>
          <th>State</th>
          <th className="num">Invocations</th>
          <th className="num">Init</th>
          <th>Last used</th>
          <th>Runtime</th>
          {onEvict ? <th /> : null}
        </tr>
      </thead>
      <tbody>
        {workers.map((w) => (
          <tr key={w.pid}>
            {showFunction ? (
              <td>
                <Link to={lambdaPath('functions', { name: w.function })}>{w.function}</Link>
              </td>
            ) : null}
            <td>
              {w.version}
              {w.provisioned ? <span className="muted"> (provisioned)</span> : null}
            </td>
            <td className="num">{w.pid}</td>
            <td>
              <Badge value={w.state} />
            </td>
            <td className="num">{w.invocations}</td>
            <td className="num">{w.initDurationMs} ms</td>
            <td>
              <When at={w.lastUsed} />
            </td>
            <td className="small">{w.runtime}</td>
            {onEvict ? (
              <td className="row-actions">
                <button className="danger" onClick={() => onEvict(w.function)}>
                  Evict
                </button>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function WorkersView() {
  const scope = useScope();
  const [workers, error, reload] = useLoad(() => api<Worker[]>(`/_fogbank/lambda/workers?${scopeQuery(scope)}`), [scope.account, scope.region]);
  const action = useAction();
  const evict = (fn: string) =>
    action.run(async () => {
      await api(`/_fogbank/lambda/functions/${encodeURIComponent(fn)}/evict?${scopeQuery(scope)}`, { method: 'POST' });
      reloadSoon(reload);
    });
  return (
    <Section title={`Warm workers in ${scope.account} · ${scope.region}`} actions={<button className="secondary" onClick={reload}>Refresh</button>}>
      <p className="muted">
        Each warm worker is a process that keeps a function's code loaded between invocations. Evicting a function's workers makes its next
        invocation start cold.
      </p>
      <ErrorBanner error={error ?? action.error} />
      <WorkerTable workers={workers ?? []} showFunction onEvict={evict} />
    </Section>
  );
}

/** An evicted worker is listed until its process has exited: look again a few times. */
function reloadSoon(reload: () => void): void {
  reload();
  for (const ms of [250, 750, 1500, 3000]) setTimeout(reload, ms);
}
