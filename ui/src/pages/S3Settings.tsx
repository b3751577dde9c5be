// A bucket's settings: versioning on/off, the CORS, policy and notification configurations as
// editable JSON (the same shapes as the Put*/Get* operations), and every other configuration read-only.
import { useEffect, useState } from 'react';
import { api, callAws } from '../api.ts';
import { ErrorBanner, JsonView, Section, useLoad } from '../components.tsx';
import { useScope } from '../scope.tsx';

interface AdminBucket {
  name: string;
  account: string;
  region: string;
  createdAt: string;
  versioning: 'Enabled' | 'Suspended' | 'Disabled';
  objectLock: boolean;
  ownership?: string;
  configurations: Record<string, unknown>;
  uploads: Array<{ uploadId: string; key: string; initiated: string }>;
}

interface ConfigKind {
  title: string;
  /** The admin route's name for it (to leave out of "other configurations"). */
  kind: string;
  get(bucket: string): Promise<unknown>;
  put(bucket: string, value: unknown): Promise<unknown>;
  remove(bucket: string): Promise<unknown>;
  /** The Get operation's "not configured" error code. */
  none?: string;
  example: unknown;
}

export function S3Settings({ bucket }: { bucket: string }) {
  const scope = useScope();
  const [info, infoError, reload] = useLoad(() => api<AdminBucket>(`/_fogbank/s3/buckets/${encodeURIComponent(bucket)}`), [bucket]);
  const [error, setError] = useState<unknown>();

  const setVersioning = async (Status: 'Enabled' | 'Suspended') => {
    setError(undefined);
    try {
      await callAws(scope, 's3', 'PutBucketVersioning', { Bucket: bucket, VersioningConfiguration: { Status } });
      reload();
    } catch (err) {
      setError(err);
    }
  };

  const kinds: ConfigKind[] = [
    {
      title: 'CORS',
      kind: 'cors',
      none: 'NoSuchCORSConfiguration',
      get: (b) => callAws(scope, 's3', 'GetBucketCors', { Bucket: b }),
      put: (b, v) => callAws(scope, 's3', 'PutBucketCors', { Bucket: b, CORSConfiguration: v }),
      remove: (b) => callAws(scope, 's3', 'DeleteBucketCors', { Bucket: b }),
      example: { CORSRules: [{ AllowedOrigins: ['http://localhost:3000'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['*'], MaxAgeSeconds: 3000 }] },
    },
    {
      title: 'Bucket policy',
      kind: 'policy',
      none: 'NoSuchBucketPolicy',
      get: async (b) => JSON.parse((await callAws(scope, 's3', 'GetBucketPolicy', { Bucket: b })).Policy),
      put: (b, v) => callAws(scope, 's3', 'PutBucketPolicy', { Bucket: b, Policy: JSON.stringify(v) }),
      remove: (b) => callAws(scope, 's3', 'DeleteBucketPolicy', { Bucket: b }),
      example: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
      },
    },
    {
      title: 'Event notifications',
      kind: 'notification',
      get: async (b) => {
        const r = await callAws(scope, 's3', 'GetBucketNotificationConfiguration', { Bucket: b });
        return Object.keys(r).length ? r : undefined;
      },
      put: (b, v) => callAws(scope, 's3', 'PutBucketNotificationConfiguration', { Bucket: b, NotificationConfiguration: v }),
      remove: (b) => callAws(scope, 's3', 'PutBucketNotificationConfiguration', { Bucket: b, NotificationConfiguration: {} }),
      example: {
        QueueConfigurations: [{ QueueArn: `arn:aws:sqs:${scope.region}:${scope.account}:my-queue`, Events: ['s3:ObjectCreated:*'] }],
      },
    },
  ];

  const others = Object.entries(info?.configurations ?? {}).filter(([k]) => !kinds.some((c) => c.kind === k));
  return (
    <>
      <ErrorBanner error={infoError} />
      {info ? (
        <Section title="Bucket">
          <dl className="facts compact">
            <dt>Account</dt>
            <dd>{info.account}</dd>
            <dt>Region</dt>
            <dd>{info.region}</dd>
            <dt>Created</dt>
            <dd>{new Date(info.createdAt).toLocaleString()}</dd>
            <dt>ARN</dt>
            <dd>
              <code>arn:aws:s3:::{info.name}</code>
            </dd>
            <dt>Object lock</dt>
            <dd>{info.objectLock ? 'enabled' : 'off'}</dd>
            {info.ownership ? (
              <>
                <dt>Object ownership</dt>
                <dd>{info.ownership}</dd>
              </>
            ) : null}
            <dt>Multipart uploads in progress</dt>
            <dd>{info.uploads.length}</dd>
          </dl>
        </Section>
      ) : null}
      {info ? (
        <Section title="Versioning">
          <div className="toolbar">
            <span>
              Status: <strong data-testid="versioning-status">{info.versioning}</strong>
            </span>
            {info.versioning === 'Enabled' ? (
              <button className="secondary" onClick={() => setVersioning('Suspended')} disabled={info.objectLock}>
                Suspend versioning
              </button>
            ) : (
              <button onClick={() => setVersioning('Enabled')}>Enable versioning</button>
            )}
          </div>
          <p className="muted small">
            Once enabled, versioning can only be suspended: existing versions stay, new writes get the version id <code>null</code>.
          </p>
          <ErrorBanner error={error} />
        </Section>
      ) : null}
      {kinds.map((k) => (
        <ConfigEditor key={k.kind} bucket={bucket} config={k} />
      ))}
      {others.length ? (
        <Section title="Other configurations">
          {others.map(([k, v]) => (
            <details key={k}>
              <summary>{k}</summary>
              <JsonView value={v} />
            </details>
          ))}
        </Section>
      ) : null}
    </>
  );
}

function ConfigEditor({ bucket, config }: { bucket: string; config: ConfigKind }) {
  const scope = useScope();
  const [value, setValue] = useState<unknown>();
  const [loaded, setLoaded] = useState(false);
  const [text, setText] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState('');

  const load = async () => {
    setLoaded(false);
    try {
      setValue(await config.get(bucket));
    } catch (err) {
      if ((err as { code?: string }).code === config.none) setValue(undefined);
      else setError(err);
    }
    setLoaded(true);
  };
  useEffect(() => {
    setError(undefined);
    setText(undefined);
    load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [bucket, scope.account]);

  const save = async () => {
    setError(undefined);
    setSaved('');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text ?? '');
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
    } catch {
      return setError(new Error(`The ${config.title} configuration must be a JSON object.`));
    }
    try {
      await config.put(bucket, parsed);
      setText(undefined);
      setSaved('Saved.');
      await load();
    } catch (err) {
      setError(err);
    }
  };

  const remove = async () => {
    if (!window.confirm(`Remove the ${config.title} configuration of ${bucket}?`)) return;
    setError(undefined);
    try {
      await config.remove(bucket);
      setSaved('Removed.');
      await load();
    } catch (err) {
      setError(err);
    }
  };

  const editing = text !== undefined;
  return (
    <Section
      title={config.title}
      actions={
        editing ? null : (
          <>
            <button className="secondary" onClick={() => (setSaved(''), setText(JSON.stringify(value ?? config.example, null, 2)))}>
              {value === undefined ? 'Add' : 'Edit'}
            </button>
            {value !== undefined ? (
              <button className="danger" onClick={remove}>
                Remove
              </button>
            ) : null}
          </>
        )
      }
    >
      {editing ? (
        <div className="stack">
          <textarea aria-label={`${config.title} JSON`} rows={Math.min(24, Math.max(6, text.split('\n').length + 1))} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
          <div className="toolbar">
            <button onClick={save}>Save {config.title}</button>
            <button className="secondary" onClick={() => (setText(undefined), setError(undefined))}>
              Cancel
            </button>
          </div>
        </div>
      ) : !loaded ? (
        <p className="muted">loading…</p>
      ) : value === undefined ? (
        <p className="muted">Not configured.</p>
      ) : (
        <JsonView value={value} />
      )}
      <ErrorBanner error={error} />
      {saved && !error ? <p className="ok-text">{saved}</p> : null}
    </Section>
  );
}
