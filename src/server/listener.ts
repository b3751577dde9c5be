// One port for everything that speaks HTTP (DESIGN.md §1): the first bytes of each connection tell
// HTTP/2 with prior knowledge (the client preface, used by gRPC) from HTTP/1.1.
import net from 'node:net';
import http from 'node:http';
import http2 from 'node:http2';

export type RequestHandler = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => void;

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n');

export interface Listener {
  address: { host: string; port: number };
  close(): Promise<void>;
  http1: http.Server;
  http2: http2.Http2Server;
}

export function listen(host: string, port: number, onRequest: RequestHandler): Promise<Listener> {
  const h1 = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000 }, onRequest);
  const h2 = http2.createServer({}, onRequest);
  const sockets = new Set<net.Socket>();
  // noDelay as node:http sets it for the sockets it accepts itself: without it, Nagle holds small
  // responses back waiting for ACKs, which halves keep-alive request rates.
  const server = net.createServer({ noDelay: true, keepAlive: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      const isH2 = first.length >= 4 ? first.subarray(0, Math.min(first.length, PREFACE.length)).equals(PREFACE.subarray(0, Math.min(first.length, PREFACE.length))) : false;
      if (isH2) {
        // http2 reads the socket natively and takes what is already buffered (the preface we
        // unshifted) itself; resuming here would flow those bytes to nobody.
        h2.emit('connection', socket);
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
        http2: h2,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            h1.closeIdleConnections();
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}
