// The digests SQS answers with and SDKs verify: MD5OfMessageBody/MD5OfBody (hex MD5 of the UTF-8
// body) and MD5OfMessageAttributes/MD5OfMessageSystemAttributes, which hash a canonical encoding of
// the attributes: names in sorted order, each as length-prefixed name, length-prefixed data type, a
// transport byte (1 string, 2 binary, 3 string list, 4 binary list) and the length-prefixed value(s).
import { createHash } from 'node:crypto';
import type { MessageAttribute } from './message-attributes.ts';

export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

export function md5OfAttributes(attributes: Record<string, MessageAttribute> | undefined): string | undefined {
  if (!attributes) return undefined;
  const names = Object.keys(attributes);
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  const lengthPrefixed = (bytes: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    hash.update(len);
    hash.update(bytes);
  };
  // Code-unit order, as the Java service sorts names.
  for (const name of names.sort()) {
    const a = attributes[name];
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(a.DataType, 'utf8'));
    if (a.StringValue !== undefined) {
      hash.update(Buffer.of(1));
      lengthPrefixed(Buffer.from(a.StringValue, 'utf8'));
    } else if (a.BinaryValue !== undefined) {
      hash.update(Buffer.of(2));
      lengthPrefixed(a.BinaryValue);
    } else if (a.StringListValues?.length) {
      hash.update(Buffer.of(3));
      for (const v of a.StringListValues) lengthPrefixed(Buffer.from(v, 'utf8'));
    } else if (a.BinaryListValues?.length) {
      hash.update(Buffer.of(4));
      for (const v of a.BinaryListValues) lengthPrefixed(v);
    }
  }
  return hash.digest('hex');
}
