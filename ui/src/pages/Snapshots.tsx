// Snapshots: save the whole state under a name, restore it, download it as one file, delete it
// (the admin API's /_fogbank/snapshots; the CLI's `fogbank snapshot`).
import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorBanner, Section, useLoad } from '../components.tsx';

interface Snapshot {
  name: string;
  createdAt: string;
  fogbankVersion: string;
  sizes: { database: number; blobs: number; blobCount: number; total: number };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function Snapshots() {
  const [snapshots, loadError, reload] = useLoad(() => api<Snapshot[]>('/_fogbank/snapshots'), []);
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);

  const act = async (what: () => Promise<string>) => {
    setError(undefined);
    setNotice(undefined);
    setBusy(true);
    try {
      setNotice(await what());
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!NAME.test(name)) return setError(new Error('A name is letters, digits, dots, hyphens and underscores, starting with a letter or digit.'));
    void act(async () => {
      const s = await api<Snapshot>('/_fogbank/snapshots', { body: { name } });
      setName('');
      return `Saved ${s.name} (${bytes(s.sizes.total)}).`;
    });
  };

  const restore = (s: Snapshot) => {
    if (!window.confirm(`Replace the whole state with snapshot ${s.name}? What changed since is lost unless saved.`)) return;
    void act(async () => {
      await api(`/_fogbank/snapshots/${encodeURIComponent(s.name)}/restore`, { method: 'POST' });
      return `Restored ${s.name}.`;
    });
  };

  const remove = (s: Snapshot) => {
    if (!window.confirm(`Delete snapshot ${s.name}?`)) return;
    void act(async () => {
      await api(`/_fogbank/snapshots/${encodeURIComponent(s.name)}`, { method: 'DELETE' });
      return `Deleted ${s.name}.`;
    });
  };

  return (
    <div className="page">
      <h1>Snapshots</h1>
      <p className="muted">
        A snapshot holds the whole state — every account, service, message, object and function — as it was when saved. Restoring one
        replaces the current state; requests made meanwhile wait. Downloaded files load with <code>fogbank snapshot import</code> or{' '}
        <code>fogbank start --snapshot</code>.
      </p>
      <ErrorBanner error={loadError} />
      <Section title="Save the current state">
        <form className="inline" onSubmit={save}>
          <input aria-label="Snapshot name" placeholder="name, e.g. before-migration" value={name} onChange={(e) => setName(e.target.value.trim())} />
          <button type="submit" disabled={busy}>
            Save
          </button>
        </form>
      </Section>
      <ErrorBanner error={error} />
      {notice ? <div className="notice">{notice}</div> : null}
      <Section title="Saved snapshots">
        {snapshots && !snapshots.length ? <p className="muted">No snapshots yet.</p> : null}
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Saved</th>
              <th>Size</th>
              <th>Bodies</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(snapshots ?? []).map((s) => (
              <tr key={s.name}>
                <td>
                  <code>{s.name}</code>
                </td>
                <td>{new Date(s.createdAt).toLocaleString()}</td>
                <td>{bytes(s.sizes.total)}</td>
                <td>{s.sizes.blobCount}</td>
                <td className="actions">
                  <button disabled={busy} onClick={() => restore(s)}>
                    Restore
                  </button>
                  <a href={`/_fogbank/snapshots/${encodeURIComponent(s.name)}/export`} download={`${s.name}.tar.gz`}>
                    Download
                  </a>
                  <button className="link" disabled={busy} onClick={() => remove(s)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}
