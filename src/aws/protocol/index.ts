// One codec per AWS protocol, by the name a model's metadata.protocol uses (DESIGN.md §2). Codecs are
// imported on first use, so start-up loads none of them.
import type { Codec } from './codec.ts';

const loaders: Record<string, () => Promise<Codec>> = {
  query: async () => (await import('./query.ts')).queryCodec,
  ec2: async () => (await import('./ec2.ts')).ec2Codec,
  json: async () => (await import('./json.ts')).jsonCodec,
  'rest-json': async () => (await import('./rest-json.ts')).restJsonCodec,
  'rest-xml': async () => (await import('./rest-xml.ts')).restXmlCodec,
};

/** The codec for a model's `metadata.protocol`; rejects for a protocol Fogbank does not speak. */
export async function loadCodec(protocol: string): Promise<Codec> {
  const load = Object.hasOwn(loaders, protocol) ? loaders[protocol] : undefined;
  if (!load) throw new Error(`no codec for protocol ${protocol}`);
  return load();
}
