// One codec per AWS protocol, by the name a model's metadata.protocol uses (DESIGN.md §2).
import type { Codec } from './codec.ts';
import { ec2Codec } from './ec2.ts';
import { jsonCodec } from './json.ts';
import { queryCodec } from './query.ts';
import { restJsonCodec } from './rest-json.ts';
import { restXmlCodec } from './rest-xml.ts';

const codecs: Record<string, Codec> = {
  query: queryCodec,
  ec2: ec2Codec,
  json: jsonCodec,
  'rest-json': restJsonCodec,
  'rest-xml': restXmlCodec,
};

/** The codec for a model's `metadata.protocol`; throws for a protocol Fogbank does not speak. */
export function codecFor(protocol: string): Codec {
  const codec = codecs[protocol];
  if (!codec) throw new Error(`no codec for protocol ${protocol}`);
  return codec;
}

export { ec2Codec, jsonCodec, queryCodec, restJsonCodec, restXmlCodec };
