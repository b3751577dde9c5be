// Home: what runs, how busy it is, and what failed lately.
import { useEffect, useState } from 'react';
import { api, followRequests, formatBytes, type RequestEntry } from '../api.ts';
import { ErrorBanner, Section, Status, Time, useLoad } from '../components.tsx';
import { Link } from '../router.tsx';

interface Info {
  version: string;
  endpoint: string;
  dataDir: string | null;
  ephemeral: boolean;
  uptimeSeconds: number;
  memory: { rss: number; heapUsed: number };
  node: string;
}

interface Coverage {
  name: string;
  serviceId: string;
  protocol: string;
  implemented: number;
  total: number;
}

const WINDOW = 60;

export function Home() {
  const [info, infoError, reloadInfo] = useLoad(() => api<Info>('/_fogbank/info'), []);
  const [services, servicesError] = useLoad(() => api<Coverage[]>('/_fogbank/services'), []);
  const [perSecond, setPerSecond] = useState<number[]>(() => new Array(WINDOW).fill(0));
  const [errors, setErrors] = useState<RequestEntry[]>([]);
  useEffect(() => {
    api<RequestEntry[]>('/_fogbank/requests').then((all) => setErrors(all.filter((e) => e.status >= 400).slice(-10).reverse()), () => {});
    let counted = 0;
    const stop = followRequests((e) => {
      if (e.kind === 'request' && Date.now() - e.time < 2000) counted++;
      if (e.status >= 400 && Date.now() - e.time < 2000) setErrors((list) => [e, ...list.filter((x) => x.requestId !== e.requestId)].slice(0, 10));
    });
    const tick = setInterval(() => {
      setPerSecond((xs) => [...xs.slice(1), counted]);
      counted = 0;
      reloadInfo();
    }, 1000);
    return () => {
      stop();
      clearInterval(tick);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <div className="page">
      <h1>Fogbank</h1>
      <ErrorBanner error={infoError ?? servicesError} />
      {info ? (
        <dl className="facts">
          <dt>Version</dt>
          <dd>{info.version}</dd>
          <dt>Endpoint</dt>
          <dd>
            <code>{info.endpoint}</code>
          </dd>
          <dt>Uptime</dt>
          <dd>{formatUptime(info.uptimeSeconds)}</dd>
          <dt>Data</dt>
          <dd>{info.ephemeral ? 'in memory (ephemeral)' : <code>{info.dataDir}</code>}</dd>
          <dt>Memory</dt>
          <dd>
            {formatBytes(info.memory.rss)} resident, {formatBytes(info.memory.heapUsed)} heap
          </dd>
          <dt>Node</dt>
          <dd>{info.node}</dd>
        </dl>
      ) : null}
      <Section title="Requests per second (last minute)">
        <RateChart values={perSecond} />
      </Section>
      <Section title="Services">
        <table>
          <thead>
            <tr>
              <th>Service</th>
              <th>Protocol</th>
              <th>Operations implemented</th>
            </tr>
          </thead>
          <tbody>
            {(services ?? []).map((s) => (
              <tr key={s.name}>
                <td>
                  <Link to={`/services/${s.name}`}>{s.serviceId}</Link>
                </td>
                <td>{s.protocol}</td>
                <td>
                  <meter min={0} max={s.total} value={s.implemented} /> {s.implemented} / {s.total}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Recent errors">
        {errors.length === 0 ? <p className="muted">None.</p> : null}
        <table>
          <tbody>
            {errors.map((e) => (
              <tr key={e.requestId}>
                <td>
                  <Time ms={e.time} />
                </td>
                <td>
                  <Status code={e.status} />
                </td>
                <td>
                  {e.service}.{e.operation}
                </td>
                <td>
                  <Link to={`/requests?id=${e.requestId}`}>{e.errorCode ?? 'error'}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}

function formatUptime(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min ${s % 60} s` : `${s} s`;
}

function RateChart({ values }: { values: number[] }) {
  const max = Math.max(1, ...values);
  const w = 600;
  const h = 80;
  const step = w / (values.length - 1);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(h - (v / max) * (h - 4)).toFixed(1)}`).join(' ');
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" role="img" aria-label={`requests per second, now ${values.at(-1)}`}>
        <polyline points={points} fill="none" stroke="currentColor" strokeWidth="2" vectorEffect="non-scaling-stroke" />
      </svg>
      <figcaption>
        now {values.at(-1)} req/s · peak {Math.max(...values)} req/s
      </figcaption>
    </figure>
  );
}
