// One port for everything that speaks HTTP (DESIGN.md §1): the first bytes of each connection tell
// HTTP/2 with prior knowledge (the client preface, used by gRPC) from HTTP/1.1.
import net from 'node:net';
import type http from 'node:http';
import type http2 from 'node:http2';
import { watchBodyIdle } from './http-io.ts';

export type RequestHandler = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => void;

// node:http is taken as a plain builtin, not an ESM import: importing node:http as an ES module
// fills in every export, and its lazy ones compile the bundled undici (tens of ms of every start,
// for a fetch this process does not need to listen). node:http2 (~10 ms to load) is loaded when the
// first HTTP/2 connection (a gRPC client) arrives.
const { createServer } = process.getBuiltinModule('node:http');

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n');

/**
 * How long a connection may hold Fogbank's attention without progress. There is deliberately no
 * limit on a whole request: a 5 GB upload that keeps flowing, or a handler that takes minutes
 * (Lambda, long polling), is fine; silence is what ends a request.
 */
export interface ListenerTimeouts {
  /** Time to receive a request's headers (HTTP/1.1); node answers 408 past it. */
  headersMs: number;
  /** Longest silence while a request body is being read; S3 closes such connections after about 20 s. */
  bodyIdleMs: number;
  /** A connection with no request in flight (HTTP/1.1 keep-alive, an HTTP/2 session without streams). */
  keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: ListenerTimeouts = { headersMs: 60_000, bodyIdleMs: 20_000, keepAliveMs: 65_000 };

export interface Listener {
  address: { host: string; port: number };
  close(): Promise<void>;
  http1: http.Server;
}

export function listen(host: string, port: number, onRequest: RequestHandler, timeouts: Partial<ListenerTimeouts> = {}): Promise<Listener> {
  const t: ListenerTimeouts = { ...DEFAULT_TIMEOUTS, ...timeouts };
  const handle: RequestHandler = (req, res) => {
    watchBodyIdle(req, res, t.bodyIdleMs);
    onRequest(req, res);
  };
  const h1 = createServer({
    keepAliveTimeout: t.keepAliveMs,
    requestTimeout: 0,
    headersTimeout: t.headersMs,
    // node checks the headers timeout on this period (30 s by default): short timeouts need it shorter.
    connectionsCheckingInterval: Math.max(10, Math.min(30_000, Math.floor(t.headersMs / 4))),
  }, handle);
  // node:http starts tracking connections (and so enforcing headersTimeout) when its server emits
  // 'listening'; this one never listens itself, as connections are handed to it below.
  h1.emit('listening');
  let h2: http2.Http2Server | undefined;
  const http2Server = (): http2.Http2Server => {
    if (!h2) {
      h2 = process.getBuiltinModule('node:http2').createServer({}, handle);
      h2.on('session', (session) => closeIdleSession(session, t.keepAliveMs));
    }
    return h2;
  };
  const sockets = new Set<net.Socket>();
  // noDelay as node:http sets it for the sockets it accepts itself: without it, Nagle holds small
  // responses back waiting for ACKs, which halves keep-alive request rates.
  const server = net.createServer({ noDelay: true, keepAlive: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // A connection that never sends its first byte is closed like one that never finishes its headers.
    const silent = () => socket.destroy();
    if (t.headersMs > 0) socket.setTimeout(t.headersMs, silent);
    socket.once('data', (first: Buffer) => {
      socket.setTimeout(0);
      socket.removeListener('timeout', silent);
      socket.pause();
      socket.unshift(first);
      const isH2 = first.length >= 4 ? first.subarray(0, Math.min(first.length, PREFACE.length)).equals(PREFACE.subarray(0, Math.min(first.length, PREFACE.length))) : false;
      if (isH2) {
        // http2 reads the socket natively and takes what is already buffered (the preface we
        // unshifted) itself; resuming here would flow those bytes to nobody.
        http2Server().emit('connection', socket);
      } else {
        h1.emit('connection', socket);
        socket.resume();
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      const addr = server.address() as net.AddressInfo;
      resolve({
        address: { host, port: addr.port },
        http1: h1,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Also stops node's connection-checking interval started by 'listening'.
            h1.close();
            h1.closeIdleConnections();
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}

/**
 * Closes an HTTP/2 session once it has carried no stream for `idleMs`. The session's own timer counts
 * frames only, so a stream waiting on a slow handler must not count as idleness: the timer is
 * re-armed while any stream is open.
 */
function closeIdleSession(session: http2.ServerHttp2Session, idleMs: number): void {
  if (!(idleMs > 0)) return;
  let open = 0;
  session.on('stream', (stream) => {
    open++;
    stream.once('close', () => {
      open--;
      if (open === 0 && !session.destroyed) session.setTimeout(idleMs);
    });
  });
  session.setTimeout(idleMs, () => {
    if (session.destroyed || session.closed) return;
    if (open > 0) session.setTimeout(idleMs);
    else session.close();
  });
}
