// The shell: navigation, the account/region every page shows, and the login page when the admin API
// asks for a session (Fogbank listening beyond loopback).
import { useEffect, useState } from 'react';
import { api, unauthorized } from './api.ts';
import { Link, usePath } from './router.tsx';
import { ScopeProvider, useScope } from './scope.tsx';
import { useLoad } from './components.tsx';
import { Home } from './pages/Home.tsx';
import { Requests } from './pages/Requests.tsx';
import { Accounts } from './pages/Accounts.tsx';
import { Services } from './pages/Services.tsx';
import { Ports } from './pages/Ports.tsx';
import { Snapshots } from './pages/Snapshots.tsx';
import { Login } from './pages/Login.tsx';
import { servicePages } from './pages/registry.tsx';

interface Session {
  authenticated: boolean;
  loopback: boolean;
}

export function App() {
  const [session, setSession] = useState<Session>();
  const check = () => api<Session>('/_fogbank/session').then(setSession, () => setSession({ authenticated: false, loopback: false }));
  useEffect(() => {
    check();
    const onUnauthorized = () => setSession({ authenticated: false, loopback: false });
    unauthorized.addEventListener('unauthorized', onUnauthorized);
    return () => unauthorized.removeEventListener('unauthorized', onUnauthorized);
  }, []);
  if (!session) return null;
  if (!session.loopback && !session.authenticated) return <Login onLogin={check} />;
  return (
    <ScopeProvider>
      <Shell canLogout={!session.loopback} onLogout={() => api('/_fogbank/logout', { method: 'POST' }).then(check)} />
    </ScopeProvider>
  );
}

function Shell({ canLogout, onLogout }: { canLogout: boolean; onLogout: () => void }) {
  const path = usePath();
  const section = '/' + (path.split('/')[1] ?? '');
  const nav: Array<[string, string]> = [
    ['/', 'Home'],
    ['/requests', 'Request log'],
    ['/accounts', 'Accounts'],
    ...servicePages.map((p) => [`/${p.path}`, p.title] as [string, string]),
    ['/services', 'All services'],
    ['/ports', 'Ports'],
    ['/snapshots', 'Snapshots'],
  ];
  const page = servicePages.find((p) => section === `/${p.path}`);
  return (
    <div className="shell">
      <nav className="side">
        <div className="brand">Fogbank</div>
        {nav.map(([to, label]) => (
          <Link key={to} to={to} className={section === to ? 'active' : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      <div className="main">
        <header className="top">
          <ScopePicker />
          {canLogout ? (
            <button className="link" onClick={onLogout}>
              Log out
            </button>
          ) : null}
        </header>
        <main>
          {section === '/' ? <Home /> : null}
          {section === '/requests' ? <Requests /> : null}
          {section === '/accounts' ? <Accounts /> : null}
          {section === '/services' ? <Services /> : null}
          {section === '/ports' ? <Ports /> : null}
          {section === '/snapshots' ? <Snapshots /> : null}
          {page ? <page.Component path={path.slice(page.path.length + 1) || '/'} /> : null}
        </main>
      </div>
    </div>
  );
}

function ScopePicker() {
  const scope = useScope();
  const [accounts] = useLoad(() => api<Array<{ id: string; name: string | null }>>('/_fogbank/accounts'), []);
  const [region, setRegion] = useState(scope.region);
  const ids = new Set([scope.account, ...(accounts ?? []).map((a) => a.id)]);
  return (
    <div className="scope">
      <label>
        Account{' '}
        <select aria-label="Account" value={scope.account} onChange={(e) => scope.setScope({ account: e.target.value, region: scope.region })}>
          {[...ids].sort().map((id) => {
            const name = accounts?.find((a) => a.id === id)?.name;
            return (
              <option key={id} value={id}>
                {id}
                {name ? ` — ${name}` : ''}
              </option>
            );
          })}
        </select>
      </label>
      <label>
        Region{' '}
        <input
          aria-label="Region"
          value={region}
          size={14}
          onChange={(e) => setRegion(e.target.value)}
          onBlur={() => /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) ? scope.setScope({ account: scope.account, region }) : setRegion(scope.region)}
        />
      </label>
    </div>
  );
}
