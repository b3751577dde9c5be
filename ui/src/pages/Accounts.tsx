// Accounts (organizations): the ones seen in requests or created here, with names and access keys.
import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorBanner, Section, useLoad } from '../components.tsx';
import { useScope } from '../scope.tsx';

interface Account {
  id: string;
  name: string | null;
  createdAt: number;
  createdInAdmin: boolean;
  accessKeys: string[];
}

interface Created {
  id: string;
  name: string | null;
  accessKeyId: string;
  secretAccessKey: string;
}

export function Accounts() {
  const scope = useScope();
  const [accounts, loadError, reload] = useLoad(() => api<Account[]>('/_fogbank/accounts'), []);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  const [created, setCreated] = useState<Created>();

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    if (id && !/^\d{12}$/.test(id)) return setError(new Error('An account id is 12 digits (leave it empty for a random one).'));
    try {
      setCreated(await api<Created>('/_fogbank/accounts', { body: { id: id || undefined, name: name || undefined } }));
      setId('');
      setName('');
      reload();
    } catch (err) {
      setError(err);
    }
  };

  const rename = async (account: Account) => {
    const next = window.prompt(`Name for account ${account.id}`, account.name ?? '');
    if (next === null) return;
    try {
      await api(`/_fogbank/accounts/${account.id}`, { method: 'PUT', body: { name: next } });
      reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="page">
      <h1>Accounts</h1>
      <p className="muted">
        Requests signed with a 12-digit access key id act in that account; keys created here act as the account's root user. Anything
        else is account 000000000000.
      </p>
      <ErrorBanner error={loadError} />
      <Section title="Create an account">
        <form className="inline" onSubmit={create}>
          <input aria-label="Account id" placeholder="12-digit id (optional)" value={id} onChange={(e) => setId(e.target.value.trim())} />
          <input aria-label="Account name" placeholder="name (optional)" value={name} onChange={(e) => setName(e.target.value)} />
          <button type="submit">Create</button>
        </form>
        <ErrorBanner error={error} />
        {created ? (
          <div className="notice">
            Account <strong>{created.id}</strong> created. Its access key (shown once):
            <pre>{`AWS_ACCESS_KEY_ID=${created.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${created.secretAccessKey}`}</pre>
          </div>
        ) : null}
      </Section>
      <Section title="All accounts">
        <table>
          <thead>
            <tr>
              <th>Account</th>
              <th>Name</th>
              <th>Access keys</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(accounts ?? []).map((a) => (
              <tr key={a.id} className={a.id === scope.account ? 'selected' : undefined}>
                <td>
                  <code>{a.id}</code>
                </td>
                <td>{a.name ?? <span className="muted">—</span>}</td>
                <td>{a.accessKeys.map((k) => <code key={k}>{k} </code>)}</td>
                <td className="actions">
                  <button className="link" onClick={() => rename(a)}>
                    Rename
                  </button>
                  <button disabled={a.id === scope.account} onClick={() => scope.setScope({ account: a.id, region: scope.region })}>
                    {a.id === scope.account ? 'Current' : 'Switch to'}
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
