// Ports and engines (issue 11 §4): every port Fogbank handed out with the resource that owns it, and
// the processes and servers it supervises, with their state, restarts and last lines of output.
import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { ErrorBanner, Section, useLoad } from '../components.tsx';

interface PortAssignment {
  port: number;
  kind: string;
  resource: string;
  account: string;
  purpose: string;
  stable: boolean;
  allocatedAt: string;
}

interface OutputLine {
  at: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

interface EngineInfo {
  id: string;
  kind: string;
  resource: string;
  account: string;
  type: 'process' | 'server';
  command?: string;
  state: 'starting' | 'available' | 'failed' | 'stopped';
  detail?: string;
  pid?: number;
  port?: number;
  restarts: number;
  startedAt: string;
  lastExit?: string;
  output: OutputLine[];
}

export function Ports() {
  // Engines come and go (a Lambda worker per cold start): the page follows them every few seconds.
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 3000);
    return () => clearInterval(t);
  }, []);
  const [ports, portsError] = useLoad(() => api<{ range: { first: number; last: number }; ports: PortAssignment[] }>('/_fogbank/ports'), [tick]);
  const [engines, enginesError] = useLoad(() => api<{ engines: EngineInfo[] }>('/_fogbank/engines?lines=20'), [tick]);
  const [open, setOpen] = useState<string>();
  return (
    <div className="page">
      <h1>Ports</h1>
      <p className="muted">
        Resources that own an endpoint (a cache cluster, a database instance) get a port from the range
        {ports ? ` ${ports.range.first}-${ports.range.last}` : ''} (<code>--port-range</code> / <code>FOGBANK_PORT_RANGE</code>) and keep
        it across restarts. Internal listeners (Lambda's Runtime API) take any free port and are listed while they run.
      </p>
      <ErrorBanner error={portsError} />
      <Section title="Allocated ports">
        {ports && ports.ports.length === 0 ? <p className="muted">No port is allocated.</p> : null}
        {ports && ports.ports.length > 0 ? (
          <table aria-label="Allocated ports">
            <thead>
              <tr>
                <th>Port</th>
                <th>Kind</th>
                <th>Resource</th>
                <th>Account</th>
                <th>Purpose</th>
                <th>Kept</th>
              </tr>
            </thead>
            <tbody>
              {ports.ports.map((p) => (
                <tr key={p.port}>
                  <td>{p.port}</td>
                  <td>{p.kind}</td>
                  <td>{p.resource}</td>
                  <td>{p.account}</td>
                  <td>{p.purpose}</td>
                  <td>{p.stable ? 'across restarts' : 'while it runs'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Section>
      <ErrorBanner error={enginesError} />
      <Section title="Engines">
        {engines && engines.engines.length === 0 ? <p className="muted">No engine is running.</p> : null}
        {engines && engines.engines.length > 0 ? (
          <table aria-label="Engines">
            <thead>
              <tr>
                <th>Kind</th>
                <th>Resource</th>
                <th>State</th>
                <th>Pid</th>
                <th>Port</th>
                <th>Restarts</th>
                <th>Last exit</th>
                <th>Output</th>
              </tr>
            </thead>
            <tbody>
              {engines.engines.map((e) => (
                <tr key={e.id}>
                  <td>{e.kind}</td>
                  <td title={e.command}>{e.resource}</td>
                  <td title={e.detail}>{e.state}</td>
                  <td>{e.pid ?? ''}</td>
                  <td>{e.port ?? ''}</td>
                  <td>{e.restarts}</td>
                  <td>{e.lastExit ?? ''}</td>
                  <td>
                    <button className="link" onClick={() => setOpen(open === e.id ? undefined : e.id)}>
                      {open === e.id ? 'hide' : `${e.output.length} ${e.output.length === 1 ? 'line' : 'lines'}`}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {open && engines?.engines.find((e) => e.id === open) ? (
          <pre className="body" aria-label="Engine output">
            {engines.engines.find((e) => e.id === open)!.output.map((l) => `${l.stream === 'stderr' ? '! ' : ''}${l.line}`).join('\n')}
          </pre>
        ) : null}
      </Section>
    </div>
  );
}
