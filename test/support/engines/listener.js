// A stand-in for an engine (a redis-server, a postgres): listens on the port given as argv[2] after
// LISTEN_DELAY_MS, says so on stdout, and exits with EXIT_CODE at once when that is set (a crash).
import net from 'node:net';

if (process.env.EXIT_CODE) {
  process.stderr.write('crashing on purpose\n');
  process.exit(Number(process.env.EXIT_CODE));
}
const port = Number(process.argv[2]);
setTimeout(() => {
  net.createServer((socket) => {
    // A readiness probe hangs up at once; like any real server, this one shrugs that off.
    socket.on('error', () => {});
    socket.end(`engine ${process.pid}\n`);
  }).listen(port, '127.0.0.1', () => {
    process.stdout.write(`listening on ${port}\n`);
  });
}, Number(process.env.LISTEN_DELAY_MS ?? 0));
