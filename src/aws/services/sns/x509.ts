// A minimal self-signed X.509 v3 certificate, DER-encoded by hand: node:crypto signs and parses
// certificates but cannot issue one, and SNS message verifiers want a certificate at SigningCertURL.
import { createHash, sign, type KeyObject } from 'node:crypto';

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
const nul = () => Buffer.from([0x05, 0x00]);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a * 40 + b];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function integer(bytes: Buffer): Buffer {
  return tlv(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

/** UTCTime for years before 2050, GeneralizedTime after, as RFC 5280 asks. */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

function name(commonName: string, organization: string): Buffer {
  const rdn = (type: string, value: string) => set(seq(oid(type), tlv(0x0c, Buffer.from(value, 'utf8'))));
  return seq(rdn('2.5.4.6', 'US'), rdn('2.5.4.10', organization), rdn('2.5.4.3', commonName));
}

export interface CertificateOptions {
  commonName: string;
  organization: string;
  /** DNS names for a subjectAltName extension (TLS servers need one). */
  dnsNames?: string[];
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
  privateKey: KeyObject;
}

/** Issues a certificate for `publicKey`, signed (sha256WithRSAEncryption) by `privateKey`; returns PEM. */
export function selfSignedCertificate(o: CertificateOptions): string {
  const algorithm = seq(oid('1.2.840.113549.1.1.11'), nul());
  const serial = createHash('sha256').update(o.publicKey.export({ type: 'spki', format: 'der' })).digest().subarray(0, 16);
  serial[0] &= 0x7f;
  const subject = name(o.commonName, o.organization);
  const extensions: Buffer[] = [
    // basicConstraints: not a CA
    seq(oid('2.5.29.19'), tlv(0x04, seq())),
  ];
  if (o.dnsNames?.length) {
    const names = Buffer.concat(o.dnsNames.map((n) => tlv(0x82, Buffer.from(n, 'ascii'))));
    extensions.push(seq(oid('2.5.29.17'), tlv(0x04, seq(names))));
  }
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    algorithm,
    subject,
    seq(time(o.notBefore), time(o.notAfter)),
    subject,
    o.publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, o.privateKey);
  const der = seq(tbs, algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}
