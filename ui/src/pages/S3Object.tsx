// One object: its metadata (HeadObject), tags (Get/PutObjectTagging), versions (the S3 admin route),
// download, delete, a text preview, and a presigned GET URL made in the browser (S3Presign.ts).
import { useState, type FormEvent } from 'react';
import { api, callAws, formatBytes } from '../api.ts';
import { ErrorBanner, JsonView, useLoad } from '../components.tsx';
import { useScope } from '../scope.tsx';
import { downloadObject, previewObject } from './S3Wire.ts';
import { presignGet } from './S3Presign.ts';

interface AdminVersion {
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  size: number;
  etag: string;
  lastModified: string;
  storageClass: string;
}

const EXPIRIES: Array<[number, string]> = [
  [300, '5 minutes'],
  [3600, '1 hour'],
  [43200, '12 hours'],
  [604800, '7 days'],
];

const TEXT = /^(text\/|application\/(json|xml|javascript|x-ndjson|yaml|x-yaml|csv|x-www-form-urlencoded)|image\/svg)/;

export function S3Object(props: {
  bucket: string;
  objectKey: string;
  versionId?: string;
  onSelectVersion: (v: string | undefined) => void;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { bucket, objectKey: key, versionId } = props;
  const scope = useScope();
  const [error, setError] = useState<unknown>();
  const [versions, versionsError, reloadVersions] = useLoad(
    () => api<{ versions: AdminVersion[] }>(`/_fogbank/s3/buckets/${encodeURIComponent(bucket)}/objects/${encodeURIComponent(key)}`).then((r) => r.versions),
    [bucket, key],
  );
  const current = versions?.find((v) => (versionId ? v.versionId === versionId : v.isLatest));
  const isMarker = current?.deleteMarker ?? false;
  const [head, headError, reloadHead] = useLoad(
    async () => (isMarker || !versions ? undefined : callAws(scope, 's3', 'HeadObject', { Bucket: bucket, Key: key, VersionId: versionId })),
    [bucket, key, versionId, isMarker, versions === undefined, scope.account],
  );
  const [tags, tagsError, reloadTags] = useLoad(
    async () => (isMarker || !versions ? undefined : ((await callAws(scope, 's3', 'GetObjectTagging', { Bucket: bucket, Key: key, VersionId: versionId })).TagSet as Array<{ Key: string; Value: string }>)),
    [bucket, key, versionId, isMarker, versions === undefined, scope.account],
  );
  const size = Number(head?.ContentLength ?? 0);
  const textual = TEXT.test(head?.ContentType ?? '');
  const [preview, previewError] = useLoad(
    async () => (head && textual && size > 0 ? previewObject(scope, bucket, key, versionId) : undefined),
    [head, textual, size],
  );

  const remove = async (v?: string) => {
    if (!window.confirm(v ? `Delete version ${v} of ${key} for good?` : `Delete ${key}?`)) return;
    setError(undefined);
    try {
      await callAws(scope, 's3', 'DeleteObject', { Bucket: bucket, Key: key, VersionId: v });
      props.onChanged();
      if (v && v === versionId) props.onSelectVersion(undefined);
      const left = await api<{ versions: AdminVersion[] }>(`/_fogbank/s3/buckets/${encodeURIComponent(bucket)}/objects/${encodeURIComponent(key)}`).catch(() => undefined);
      if (!left) props.onClose();
      else reloadVersions();
    } catch (err) {
      setError(err);
    }
  };

  const userMeta = head?.Metadata as Record<string, string> | undefined;
  const facts: Array<[string, unknown]> = head
    ? [
        ['Size', `${formatBytes(size)}${size >= 1024 ? ` (${size} bytes)` : ''}`],
        ['Content type', head.ContentType],
        ['Last modified', head.LastModified ? new Date(head.LastModified).toLocaleString() : undefined],
        ['ETag', head.ETag],
        ['Version', head.VersionId],
        ['Storage class', head.StorageClass ?? 'STANDARD'],
        ['Encryption', head.ServerSideEncryption],
        ['Cache-Control', head.CacheControl],
        ['Content-Disposition', head.ContentDisposition],
        ['Content-Encoding', head.ContentEncoding],
        ['Expires', head.ExpiresString],
        ['Object lock', head.ObjectLockMode ? `${head.ObjectLockMode} until ${head.ObjectLockRetainUntilDate}` : undefined],
        ['Legal hold', head.ObjectLockLegalHoldStatus],
      ]
    : [];

  return (
    <aside className="pane detail" aria-label="Object detail">
      <button className="link close" onClick={props.onClose}>
        close
      </button>
      <h2 className="wrap">{key.split('/').pop() || key}</h2>
      <p className="muted wrap">
        s3://{bucket}/{key}
        {versionId ? ` · version ${versionId}` : ''}
      </p>
      <ErrorBanner error={error ?? versionsError} />
      {isMarker ? (
        <p className="notice warn-notice">This version is a delete marker: the object reads as deleted. Delete the marker to restore the version before it.</p>
      ) : (
        <div className="toolbar">
          <button onClick={() => downloadObject(scope, bucket, key, versionId).catch(setError)}>Download</button>
          <button className="danger" onClick={() => remove(versionId)}>
            {versionId ? 'Delete this version' : 'Delete'}
          </button>
        </div>
      )}
      <ErrorBanner error={headError} />
      {head ? (
        <>
          <h3>Properties</h3>
          <dl className="facts compact">
            {facts
              .filter(([, v]) => v !== undefined && v !== null && v !== '')
              .map(([k, v]) => (
                <Fact key={k} name={k} value={String(v)} />
              ))}
          </dl>
          <h3>User metadata</h3>
          {userMeta && Object.keys(userMeta).length ? (
            <table className="headers">
              <tbody>
                {Object.entries(userMeta).map(([k, v]) => (
                  <tr key={k}>
                    <th>x-amz-meta-{k}</th>
                    <td>{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">None.</p>
          )}
          <Tags bucket={bucket} objectKey={key} versionId={versionId} tags={tags} error={tagsError} onSaved={reloadTags} />
          <Presign bucket={bucket} objectKey={key} versionId={versionId} />
          {textual && size > 0 ? (
            <>
              <h3>Preview{size > 4096 ? ' (first 4 KiB)' : ''}</h3>
              <ErrorBanner error={previewError} />
              {preview !== undefined ? <pre className="body">{preview}</pre> : null}
            </>
          ) : null}
        </>
      ) : null}
      <h3>Versions</h3>
      {versions ? (
        <table className="versions">
          <thead>
            <tr>
              <th>Version</th>
              <th>Modified</th>
              <th className="num">Size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.versionId} className={v === current ? 'selected' : undefined}>
                <td>
                  <a href="#" title={v.versionId} onClick={(e) => (e.preventDefault(), props.onSelectVersion(v.isLatest ? undefined : v.versionId))}>
                    <code className="cell-clip version-id">{v.versionId}</code>
                  </a>{' '}
                  {v.isLatest ? <span className="tag">latest</span> : null}
                  {v.deleteMarker ? <span className="tag warn">delete marker</span> : null}
                </td>
                <td className="nowrap">{new Date(v.lastModified).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' })}</td>
                <td className="num nowrap">{v.deleteMarker ? '' : formatBytes(v.size)}</td>
                <td className="row-actions">
                  {v.versionId !== 'null' || versions.length > 1 ? (
                    <button className="link danger-link" onClick={() => remove(v.versionId)} aria-label={`Delete version ${v.versionId}`}>
                      delete
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {head ? (
        <details>
          <summary>HeadObject response</summary>
          <JsonView value={head} />
        </details>
      ) : null}
      <button className="link" onClick={() => (reloadHead(), reloadTags(), reloadVersions())}>
        refresh
      </button>
    </aside>
  );
}

function Fact({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd className="wrap">{value}</dd>
    </>
  );
}

function Tags(props: { bucket: string; objectKey: string; versionId?: string; tags?: Array<{ Key: string; Value: string }>; error: unknown; onSaved: () => void }) {
  const scope = useScope();
  const [editing, setEditing] = useState<string>();
  const [error, setError] = useState<unknown>();
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const TagSet: Array<{ Key: string; Value: string }> = [];
    for (const [i, line] of (editing ?? '').split('\n').entries()) {
      if (!line.trim()) continue;
      const eq = line.indexOf('=');
      if (eq <= 0) return setError(new Error(`Line ${i + 1}: write each tag as key=value.`));
      TagSet.push({ Key: line.slice(0, eq).trim(), Value: line.slice(eq + 1).trim() });
    }
    if (TagSet.length > 10) return setError(new Error('An object can have at most 10 tags.'));
    try {
      await callAws(scope, 's3', 'PutObjectTagging', { Bucket: props.bucket, Key: props.objectKey, VersionId: props.versionId, Tagging: { TagSet } });
      setEditing(undefined);
      props.onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <h3>
        Tags{' '}
        {editing === undefined ? (
          <button className="link" onClick={() => setEditing((props.tags ?? []).map((t) => `${t.Key}=${t.Value}`).join('\n'))}>
            edit
          </button>
        ) : null}
      </h3>
      <ErrorBanner error={props.error} />
      {editing !== undefined ? (
        <form className="stack" onSubmit={save}>
          <textarea aria-label="Tags (key=value per line)" rows={4} value={editing} onChange={(e) => setEditing(e.target.value)} placeholder="team=data" />
          <div className="toolbar">
            <button type="submit">Save tags</button>
            <button type="button" className="secondary" onClick={() => setEditing(undefined)}>
              Cancel
            </button>
          </div>
          <ErrorBanner error={error} />
        </form>
      ) : props.tags?.length ? (
        <table className="headers">
          <tbody>
            {props.tags.map((t) => (
              <tr key={t.Key}>
                <th>{t.Key}</th>
                <td>{t.Value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">None.</p>
      )}
    </>
  );
}

function Presign({ bucket, objectKey, versionId }: { bucket: string; objectKey: string; versionId?: string }) {
  const scope = useScope();
  const [expires, setExpires] = useState(3600);
  const [url, setUrl] = useState<string>();
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<unknown>();
  const make = async () => {
    setError(undefined);
    setCopied(false);
    try {
      setUrl(
        await presignGet({
          host: window.location.host,
          protocol: window.location.protocol,
          bucket,
          key: objectKey,
          versionId,
          account: scope.account,
          region: scope.region,
          expires,
        }),
      );
    } catch (err) {
      setError(err);
    }
  };
  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // No clipboard API outside secure contexts: select the text and use the old command.
      const field = document.querySelector<HTMLInputElement>('input[aria-label="Presigned URL"]');
      field?.select();
      document.execCommand('copy');
    }
    setCopied(true);
  };
  return (
    <>
      <h3>Presigned URL</h3>
      <div className="toolbar">
        <label className="check">
          Expires in
          <select aria-label="Expires in" value={expires} onChange={(e) => (setExpires(Number(e.target.value)), setUrl(undefined))}>
            {EXPIRIES.map(([s, label]) => (
              <option key={s} value={s}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button className="secondary" onClick={make}>
          Make URL
        </button>
      </div>
      <ErrorBanner error={error} />
      {url ? (
        <div className="toolbar">
          <input aria-label="Presigned URL" className="grow" readOnly value={url} onFocus={(e) => e.target.select()} />
          <button onClick={copy}>{copied ? 'Copied' : 'Copy'}</button>
        </div>
      ) : null}
      <p className="muted small">Signed in this browser for account {scope.account} in {scope.region}; anyone with the URL can read the object until it expires.</p>
    </>
  );
}
