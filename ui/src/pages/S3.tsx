// S3: buckets of the selected account (create, delete), and for one bucket its objects (S3Objects.tsx)
// and its configuration (S3Settings.tsx). Actions run through callAws (the real operations); the
// bucket list comes from the S3 admin route, which knows each bucket's region and versioning at once.
import { useState, type FormEvent } from 'react';
import { api, callAws } from '../api.ts';
import { ErrorBanner, Section, useLoad } from '../components.tsx';
import { Link, navigate, useQuery } from '../router.tsx';
import { useScope } from '../scope.tsx';
import { S3Objects } from './S3Objects.tsx';
import { S3Settings } from './S3Settings.tsx';

export interface BucketRow {
  name: string;
  account: string;
  region: string;
  createdAt: string;
  versioning: 'Enabled' | 'Suspended' | 'Disabled';
  objectLock: boolean;
}

export function S3Page({ path }: { path: string }) {
  const bucket = decodeURIComponent(path.split('/')[1] ?? '');
  return bucket ? <Bucket name={bucket} /> : <Buckets />;
}

function Buckets() {
  const scope = useScope();
  const [after, setAfter] = useState<string[]>([]);
  const cursor = after.at(-1) ?? '';
  const [page, loadError, reload] = useLoad(
    () => api<{ buckets: BucketRow[]; next?: string }>(`/_fogbank/s3/buckets?account=${scope.account}&limit=100&after=${encodeURIComponent(cursor)}`),
    [scope.account, cursor],
  );
  const [name, setName] = useState('');
  const [versioned, setVersioned] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const bucket = name.trim();
    if (!bucket) return setError(new Error('Enter a bucket name.'));
    setBusy(true);
    try {
      await callAws(scope, 's3', 'CreateBucket', {
        Bucket: bucket,
        ...(scope.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: scope.region } }),
      });
      if (versioned) await callAws(scope, 's3', 'PutBucketVersioning', { Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } });
      setName('');
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (b: BucketRow) => {
    if (!window.confirm(`Delete bucket ${b.name}? It must be empty.`)) return;
    setError(undefined);
    try {
      await callAws(scope, 's3', 'DeleteBucket', { Bucket: b.name });
      reload();
    } catch (err) {
      setError(err);
    }
  };

  const buckets = page?.buckets ?? [];
  return (
    <div className="page">
      <h1>S3 buckets</h1>
      <p className="muted">Buckets owned by account {scope.account}. New buckets are created in {scope.region} (the region in the header).</p>
      <ErrorBanner error={loadError} />
      <Section title="Create a bucket">
        <form className="inline" onSubmit={create}>
          <label>
            Bucket name
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="my-bucket" size={30} />
          </label>
          <label className="check">
            <input type="checkbox" checked={versioned} onChange={(e) => setVersioned(e.target.checked)} /> Versioning
          </label>
          <button type="submit" disabled={busy}>
            Create bucket
          </button>
        </form>
        <ErrorBanner error={error} />
      </Section>
      <Section
        title={`Buckets (${buckets.length}${page?.next ? '+' : ''})`}
        actions={
          <button className="secondary" onClick={reload}>
            Refresh
          </button>
        }
      >
        {page && buckets.length === 0 ? <p className="muted">No buckets in this account yet.</p> : null}
        {buckets.length ? (
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Region</th>
                <th>Versioning</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {buckets.map((b) => (
                <tr key={b.name}>
                  <td>
                    <Link to={`/s3/${encodeURIComponent(b.name)}`}>{b.name}</Link>
                    {b.objectLock ? <span className="tag">object lock</span> : null}
                  </td>
                  <td>{b.region}</td>
                  <td>{b.versioning}</td>
                  <td>{new Date(b.createdAt).toLocaleString()}</td>
                  <td className="row-actions">
                    <button className="danger" onClick={() => remove(b)} aria-label={`Delete bucket ${b.name}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {after.length || page?.next ? (
          <div className="toolbar pager">
            <button className="secondary" disabled={!after.length} onClick={() => setAfter(after.slice(0, -1))}>
              ← Previous
            </button>
            <button className="secondary" disabled={!page?.next} onClick={() => page?.next && setAfter([...after, page.next])}>
              Next →
            </button>
          </div>
        ) : null}
      </Section>
    </div>
  );
}

function Bucket({ name }: { name: string }) {
  const q = useQuery();
  const tab = q.get('tab') === 'settings' ? 'settings' : 'objects';
  const base = `/s3/${encodeURIComponent(name)}`;
  return (
    <div className="page">
      <div>
        <div className="breadcrumbs">
          <Link to="/s3">S3 buckets</Link> <span className="muted">/</span>
        </div>
        <h1>{name}</h1>
        <nav className="tabs">
          <a href="#" className={tab === 'objects' ? 'active' : undefined} onClick={(e) => (e.preventDefault(), navigate(base))}>
            Objects
          </a>
          <a href="#" className={tab === 'settings' ? 'active' : undefined} onClick={(e) => (e.preventDefault(), navigate(`${base}?tab=settings`))}>
            Settings
          </a>
        </nav>
        {tab === 'settings' ? <S3Settings bucket={name} /> : <S3Objects bucket={name} />}
      </div>
    </div>
  );
}
