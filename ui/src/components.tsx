// Small building blocks shared by the pages.
import { useEffect, useState, type ReactNode } from 'react';
import { ApiError } from './api.ts';

export function ErrorBanner({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error as ApiError;
  return (
    <div className="error" role="alert">
      {e.code ? <strong>{e.code}: </strong> : null}
      {e.message ?? String(error)}
    </div>
  );
}

export function JsonView({ value }: { value: unknown }) {
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}

export function Section({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="card">
      <header className="card-head">
        <h2>{title}</h2>
        <div className="actions">{actions}</div>
      </header>
      {children}
    </section>
  );
}

/** Loads data when deps change; returns [data, error, reload]. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [T | undefined, unknown, () => void] {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setError(undefined);
    load().then(
      (d) => live && setData(d),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return [data, error, () => setTick((t) => t + 1)];
}

export function Time({ ms }: { ms: number }) {
  return <time dateTime={new Date(ms).toISOString()}>{new Date(ms).toLocaleTimeString()}</time>;
}

export function Status({ code }: { code: number }) {
  return <span className={`status s${Math.floor(code / 100)}`}>{code}</span>;
}
