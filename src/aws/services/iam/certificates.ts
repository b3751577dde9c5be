// X.509 certificates as IAM takes them: PEM text, parsed with node:crypto for what IAM reports (the
// expiration) and for checking a server certificate's private key. IAM's words when parsing fails.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { ServiceError } from '../../../core/errors.ts';

export const malformedCertificate = () =>
  new ServiceError('MalformedCertificate', 'Unable to parse certificate. Please ensure the certificate is in PEM format.', 400);

export function parseCertificate(pem: string): X509Certificate {
  if (!/-----BEGIN CERTIFICATE-----/.test(pem)) throw malformedCertificate();
  try {
    return new X509Certificate(pem);
  } catch {
    throw malformedCertificate();
  }
}

export function parsePrivateKey(pem: string): KeyObject {
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new ServiceError('MalformedCertificate', 'Unable to parse private key. Please ensure the private key is in PEM format.', 400);
  }
}

/** Each certificate of a PEM chain, parsed (MalformedCertificate when one is not). */
export function parseChain(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) throw malformedCertificate();
  return blocks.map(parseCertificate);
}
