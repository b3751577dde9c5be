// Every service, with its operations, and a generic JSON view: list its resources with any operation
// that needs no input (List*/Describe*/Get*), or run any operation with JSON input.
import { useEffect, useState, type FormEvent } from 'react';
import { api, callAws } from '../api.ts';
import { ErrorBanner, JsonView, Section, useLoad } from '../components.tsx';
import { Link, usePath } from '../router.tsx';
import { useScope } from '../scope.tsx';
import { servicePages } from './registry.tsx';

interface Coverage {
  name: string;
  serviceId: string;
  protocol: string;
  implemented: number;
  total: number;
  operations: Record<string, boolean>;
}

export function Services() {
  const path = usePath();
  const name = path.split('/')[2];
  const [services, error] = useLoad(() => api<Coverage[]>('/_fogbank/services'), []);
  const svc = services?.find((s) => s.name === name);
  if (name && svc) return <ServiceView svc={svc} />;
  return (
    <div className="page">
      <h1>All services</h1>
      <ErrorBanner error={error} />
      <table>
        <thead>
          <tr>
            <th>Service</th>
            <th>Protocol</th>
            <th>Implemented</th>
            <th>Page</th>
          </tr>
        </thead>
        <tbody>
          {(services ?? []).map((s) => {
            const page = servicePages.find((p) => p.services.includes(s.name));
            return (
              <tr key={s.name}>
                <td>
                  <Link to={`/services/${s.name}`}>{s.serviceId}</Link>
                </td>
                <td>{s.protocol}</td>
                <td>
                  {s.implemented} / {s.total}
                </td>
                <td>{page ? <Link to={`/${page.path}`}>{page.title}</Link> : <span className="muted">generic view</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Operations that list resources and need no input. */
const LISTING = /^(List|Describe)[A-Z]\w*s$/;

function ServiceView({ svc }: { svc: Coverage }) {
  const scope = useScope();
  const implemented = Object.entries(svc.operations).filter(([, v]) => v).map(([k]) => k);
  const listings = implemented.filter((op) => LISTING.test(op));
  const [operation, setOperation] = useState(listings[0] ?? implemented[0] ?? '');
  const [input, setInput] = useState('{}');
  const [result, setResult] = useState<unknown>();
  const [error, setError] = useState<unknown>();
  const [resources, setResources] = useState<Record<string, unknown>>({});

  useEffect(() => {
    let live = true;
    setResources({});
    for (const op of listings.slice(0, 8)) {
      callAws(scope, svc.name, op).then(
        (r) => live && setResources((x) => ({ ...x, [op]: r })),
        (e) => live && setResources((x) => ({ ...x, [op]: { error: e.code, message: e.message } })),
      );
    }
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [svc.name, scope.account, scope.region]);

  const run = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(input || '{}');
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
    } catch {
      return setError(new Error('The input must be a JSON object.'));
    }
    try {
      setResult(await callAws(scope, svc.name, operation, parsed));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="page">
      <h1>{svc.serviceId}</h1>
      <p className="muted">
        {svc.protocol} · {svc.implemented} of {svc.total} operations · account {scope.account}, {scope.region}
      </p>
      {listings.length ? (
        <Section title="Resources">
          {listings.slice(0, 8).map((op) => (
            <details key={op} open>
              <summary>{op}</summary>
              {op in resources ? <JsonView value={resources[op]} /> : <p className="muted">loading…</p>}
            </details>
          ))}
        </Section>
      ) : null}
      <Section title="Run an operation">
        <form onSubmit={run} className="stack">
          <select aria-label="Operation" value={operation} onChange={(e) => setOperation(e.target.value)}>
            {implemented.map((op) => (
              <option key={op}>{op}</option>
            ))}
          </select>
          <textarea aria-label="Input JSON" rows={6} value={input} onChange={(e) => setInput(e.target.value)} spellCheck={false} />
          <button type="submit">Run</button>
        </form>
        <ErrorBanner error={error} />
        {result !== undefined ? <JsonView value={result} /> : null}
      </Section>
      <Section title="Operations">
        <ul className="ops">
          {Object.entries(svc.operations).map(([op, ok]) => (
            <li key={op} className={ok ? 'ok' : 'missing'}>
              {op}
            </li>
          ))}
        </ul>
      </Section>
    </div>
  );
}
