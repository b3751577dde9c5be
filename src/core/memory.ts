// Streaming a large body through the process makes a steady stream of short-lived network and file
// buffers. They live outside V8's heap, and V8 only collects them once about 64 MB of such memory has
// piled up, so a 1 GiB upload would raise the resident set by that much. Streams call `released(n)`
// for the bytes they pass on; every 16 MB a young-generation collection (about 0.15 ms) frees the
// buffers that are already garbage, which keeps a large transfer's footprint to a few tens of MB.
import v8 from 'node:v8';
import vm from 'node:vm';

const EVERY = 16 * 1024 * 1024;

let collect: (() => void) | undefined | null;
let pending = 0;

function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as (options: { type: 'minor' }) => void;
    collect = () => gc({ type: 'minor' });
  } catch {
    collect = null;
  }
  return collect;
}

/** Notes that `bytes` of streamed buffers are done with; collects them every 16 MB. */
export function released(bytes: number): void {
  pending += bytes;
  if (pending < EVERY) return;
  pending = 0;
  collector()?.();
}
