// The object browser of one bucket: folders by '/' delimiter under a prefix (ListObjectsV2, or
// ListObjectVersions with "show versions"), paged with S3's own continuation markers; uploads by
// drag and drop or a file picker; and the selected object's detail pane (S3Object.tsx).
import { useRef, useState, type DragEvent } from 'react';
import { callAws, formatBytes } from '../api.ts';
import { ErrorBanner, useLoad } from '../components.tsx';
import { navigate, useQuery } from '../router.tsx';
import { useScope } from '../scope.tsx';
import { downloadObject, putObject } from './S3Wire.ts';
import { S3Object } from './S3Object.tsx';

interface Row {
  folder?: boolean;
  key: string;
  size?: number;
  lastModified?: string;
  storageClass?: string;
  versionId?: string;
  isLatest?: boolean;
  deleteMarker?: boolean;
}

interface Listing {
  rows: Row[];
  /** The marker of the next page (a continuation token, or key + version id markers as JSON). */
  next?: string;
}

const PAGE_SIZES = [20, 50, 100, 500, 1000];

export function S3Objects({ bucket }: { bucket: string }) {
  const scope = useScope();
  const q = useQuery();
  const prefix = q.get('prefix') ?? '';
  const selectedKey = q.get('key');
  const selectedVersion = q.get('v') ?? undefined;
  const [versions, setVersions] = useState(false);
  const [pageSize, setPageSize] = useState(100);
  // The markers of the pages before this one; they belong to one listing (bucket, prefix, mode, size).
  const listingId = JSON.stringify([bucket, prefix, versions, pageSize, scope.account, scope.region]);
  const [paging, setPaging] = useState<{ id: string; markers: string[] }>({ id: listingId, markers: [] });
  const markers = paging.id === listingId ? paging.markers : [];
  const setMarkers = (m: string[]) => setPaging({ id: listingId, markers: m });
  const [error, setError] = useState<unknown>();
  const marker = markers.at(-1);

  const [listing, loadError, reload] = useLoad<Listing>(async () => {
    if (versions) {
      const m = marker ? (JSON.parse(marker) as { k: string; v?: string }) : undefined;
      const r = await callAws(scope, 's3', 'ListObjectVersions', {
        Bucket: bucket, Prefix: prefix, Delimiter: '/', MaxKeys: pageSize, KeyMarker: m?.k, VersionIdMarker: m?.v,
      });
      const rows: Row[] = [
        ...(r.Versions ?? []).map((v: any) => ({ key: v.Key, size: v.Size, lastModified: v.LastModified, storageClass: v.StorageClass, versionId: v.VersionId, isLatest: v.IsLatest })),
        ...(r.DeleteMarkers ?? []).map((v: any) => ({ key: v.Key, lastModified: v.LastModified, versionId: v.VersionId, isLatest: v.IsLatest, deleteMarker: true })),
      ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : (b.lastModified ?? '').localeCompare(a.lastModified ?? '')));
      return {
        rows: [...(r.CommonPrefixes ?? []).map((p: any) => ({ folder: true, key: p.Prefix })), ...rows],
        next: r.IsTruncated ? JSON.stringify({ k: r.NextKeyMarker, v: r.NextVersionIdMarker }) : undefined,
      };
    }
    const r = await callAws(scope, 's3', 'ListObjectsV2', { Bucket: bucket, Prefix: prefix, Delimiter: '/', MaxKeys: pageSize, ContinuationToken: marker });
    return {
      rows: [
        ...(r.CommonPrefixes ?? []).map((p: any) => ({ folder: true, key: p.Prefix })),
        ...(r.Contents ?? []).map((o: any) => ({ key: o.Key, size: o.Size, lastModified: o.LastModified, storageClass: o.StorageClass })),
      ],
      next: r.IsTruncated ? r.NextContinuationToken : undefined,
    };
  }, [bucket, prefix, versions, pageSize, marker, scope.account, scope.region]);

  const base = `/s3/${encodeURIComponent(bucket)}`;
  const go = (p: { prefix?: string; key?: string; v?: string }) => {
    const s = new URLSearchParams();
    if (p.prefix) s.set('prefix', p.prefix);
    if (p.key) s.set('key', p.key);
    if (p.v) s.set('v', p.v);
    navigate(`${base}${s.size ? `?${s}` : ''}`);
  };

  const remove = async (row: Row) => {
    const what = row.versionId ? `version ${row.versionId} of ${row.key}` : row.key;
    if (!window.confirm(`Delete ${what}?`)) return;
    setError(undefined);
    try {
      await callAws(scope, 's3', 'DeleteObject', { Bucket: bucket, Key: row.key, VersionId: row.versionId });
      if (row.key === selectedKey) go({ prefix });
      reload();
    } catch (err) {
      setError(err);
    }
  };

  const newFolder = async () => {
    const name = window.prompt('Folder name (creates an empty object ending in "/")');
    if (!name) return;
    if (name.includes('/') && !name.endsWith('/')) return setError(new Error('A folder name cannot contain "/" (create one level at a time).'));
    setError(undefined);
    try {
      await callAws(scope, 's3', 'PutObject', { Bucket: bucket, Key: `${prefix}${name.replace(/\/$/, '')}/`, Body: '' });
      reload();
    } catch (err) {
      setError(err);
    }
  };

  const parts = prefix.split('/').filter(Boolean);
  // The empty "folder/" object the console (and New folder) makes stands for the folder itself.
  const rows = (listing?.rows ?? []).filter((r) => versions || r.folder || r.key !== prefix || r.size !== 0);
  return (
    <div className={selectedKey ? 'split' : undefined}>
      <div className="pane">
        <div className="breadcrumbs" aria-label="Prefix">
          <a href="#" onClick={(e) => (e.preventDefault(), go({}))}>
            {bucket}
          </a>
          {parts.map((p, i) => (
            <span key={i}>
              <span className="muted">/ </span>
              <a href="#" onClick={(e) => (e.preventDefault(), go({ prefix: parts.slice(0, i + 1).join('/') + '/' }))}>
                {p}
              </a>
            </span>
          ))}
          <span className="muted">/</span>
        </div>
        <Uploader bucket={bucket} prefix={prefix} onUploaded={reload} />
        <div className="toolbar">
          <label className="check">
            <input type="checkbox" checked={versions} onChange={(e) => setVersions(e.target.checked)} /> Show versions
          </label>
          <label className="check">
            Per page
            <select aria-label="Objects per page" value={pageSize} onChange={(e) => setPageSize(Number(e.target.value))}>
              {PAGE_SIZES.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
          <button className="secondary" onClick={newFolder}>
            New folder
          </button>
          <button className="secondary" onClick={reload}>
            Refresh
          </button>
        </div>
        <ErrorBanner error={loadError ?? error} />
        <table className="objects">
          <thead>
            <tr>
              <th>Name</th>
              {versions ? <th>Version</th> : null}
              <th className="num">Size</th>
              <th>Last modified</th>
              {selectedKey ? null : <th>Storage class</th>}
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const name = r.key.slice(prefix.length) || r.key;
              const selected = r.key === selectedKey && (!versions || (selectedVersion ? r.versionId === selectedVersion : r.isLatest));
              if (r.folder)
                return (
                  <tr key={`p:${r.key}`}>
                    <td colSpan={(versions ? 6 : 5) - (selectedKey ? 1 : 0)}>
                      <a href="#" className="folder" onClick={(e) => (e.preventDefault(), go({ prefix: r.key }))}>
                        📁 {name}
                      </a>
                    </td>
                  </tr>
                );
              return (
                <tr key={`o:${r.key}:${r.versionId ?? ''}`} className={selected ? 'selected' : undefined}>
                  <td>
                    <a href="#" onClick={(e) => (e.preventDefault(), go({ prefix, key: r.key, v: versions && !r.isLatest ? r.versionId : undefined }))}>
                      {name}
                    </a>
                  </td>
                  {versions ? (
                    <td>
                      <code className="cell-clip version-id" title={r.versionId}>
                        {r.versionId}
                      </code>{' '}
                      {r.isLatest ? <span className="tag">latest</span> : null}
                      {r.deleteMarker ? <span className="tag warn">delete marker</span> : null}
                    </td>
                  ) : null}
                  <td className="num nowrap">{r.deleteMarker ? '' : formatBytes(r.size)}</td>
                  <td className="nowrap">{r.lastModified ? new Date(r.lastModified).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }) : ''}</td>
                  {selectedKey ? null : <td>{r.storageClass}</td>}
                  <td className="row-actions">
                    {r.deleteMarker ? null : (
                      <button className="link" onClick={() => downloadObject(scope, bucket, r.key, versions ? r.versionId : undefined).catch(setError)}>
                        Download
                      </button>
                    )}
                    <button className="link danger-link" onClick={() => remove({ ...r, versionId: versions ? r.versionId : undefined })}>
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {listing && rows.length === 0 ? <p className="muted">{prefix ? 'Nothing under this prefix.' : 'This bucket is empty. Drop files above to upload them.'}</p> : null}
        {markers.length || listing?.next ? (
          <div className="toolbar pager">
            <button className="secondary" disabled={!markers.length} onClick={() => setMarkers(markers.slice(0, -1))}>
              ← Previous
            </button>
            <span className="muted">page {markers.length + 1}</span>
            <button className="secondary" disabled={!listing?.next} onClick={() => listing?.next && setMarkers([...markers, listing.next])}>
              Next →
            </button>
          </div>
        ) : null}
      </div>
      {selectedKey ? (
        <S3Object
          bucket={bucket}
          objectKey={selectedKey}
          versionId={selectedVersion}
          onSelectVersion={(v) => go({ prefix, key: selectedKey, v })}
          onClose={() => go({ prefix })}
          onChanged={reload}
        />
      ) : null}
    </div>
  );
}

interface Transfer {
  id: number;
  name: string;
  key: string;
  loaded: number;
  total: number;
  state: 'uploading' | 'done' | 'failed';
  error?: unknown;
  abort?: () => void;
}

let transferIds = 0;

function Uploader({ bucket, prefix, onUploaded }: { bucket: string; prefix: string; onUploaded: () => void }) {
  const scope = useScope();
  const [over, setOver] = useState(false);
  const [transfers, setTransfers] = useState<Transfer[]>([]);
  const input = useRef<HTMLInputElement>(null);

  const update = (id: number, patch: Partial<Transfer>) => setTransfers((ts) => ts.map((t) => (t.id === id ? { ...t, ...patch } : t)));

  const upload = (files: FileList | File[]) => {
    const list = Array.from(files);
    if (!list.length) return;
    for (const file of list) {
      const id = ++transferIds;
      const key = prefix + file.name;
      const { done, abort } = putObject(scope, bucket, key, file, (p) => update(id, { loaded: p.loaded, total: p.total }));
      setTransfers((ts) => [{ id, name: file.name, key, loaded: 0, total: file.size, state: 'uploading' as const, abort }, ...ts].slice(0, 20));
      done.then(
        () => {
          update(id, { state: 'done', abort: undefined });
          onUploaded();
        },
        (error) => update(id, { state: 'failed', error, abort: undefined }),
      );
    }
  };

  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    upload(e.dataTransfer.files);
  };

  return (
    <div>
      <div
        className={over ? 'dropzone over' : 'dropzone'}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        Drop files here to upload them to <code>{prefix || '/'}</code>, or{' '}
        <button className="secondary" type="button" onClick={() => input.current?.click()}>
          Choose files…
        </button>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          aria-label="Files to upload"
          onChange={(e) => {
            if (e.target.files) upload(e.target.files);
            e.target.value = '';
          }}
        />
      </div>
      {transfers.length ? (
        <ul className="transfers" aria-label="Uploads">
          {transfers.map((t) => (
            <li key={t.id}>
              <code>{t.key}</code> <progress max={t.total || 1} value={t.loaded} aria-label={`Upload of ${t.name}`} />{' '}
              <span className="muted">
                {formatBytes(t.loaded)} / {formatBytes(t.total)}
              </span>{' '}
              {t.state === 'done' ? <span className="ok-text">uploaded</span> : null}
              {t.state === 'uploading' && t.abort ? (
                <button className="link" onClick={t.abort}>
                  cancel
                </button>
              ) : null}
              {t.state === 'failed' ? <ErrorBanner error={t.error} /> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
