// Message signatures. Fogbank makes one RSA key pair and a self-signed certificate for it on first
// use and keeps them in its database, so signatures still verify after a restart; the certificate is
// served at SigningCertURL (an admin route), so unmodified SNS verifiers work against Fogbank.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { SnsStore } from './store.ts';
import { selfSignedCertificate } from './x509.ts';

export interface SigningKey {
  privateKey: KeyObject;
  certificate: string;
  /** The certificate's file name, SimpleNotificationService-<md5>.pem as on AWS. */
  name: string;
}

const cached = new WeakMap<SnsStore, SigningKey>();

export function signingKey(store: SnsStore): SigningKey {
  let key = cached.get(store);
  if (key) return key;
  const row = store.signingKey();
  if (row) {
    key = { privateKey: createPrivateKey(row.private_key), certificate: row.certificate, name: row.name };
  } else {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = Date.now();
    const certificate = selfSignedCertificate({
      commonName: 'sns.amazonaws.com',
      organization: 'Fogbank',
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + 10 * 365 * 86_400_000),
      publicKey: createPublicKey(privateKey),
      privateKey,
    });
    const name = `SimpleNotificationService-${createHash('md5').update(certificate).digest('hex')}.pem`;
    key = { privateKey, certificate, name };
    persist(store, key);
  }
  if (!cached.has(store)) {
    // A reset empties every table; the key outlives it, so that certificate URLs stay valid.
    store.onReset(() => {
      const k = cached.get(store);
      if (k) persist(store, k);
    });
  }
  cached.set(store, key);
  return key;
}

function persist(store: SnsStore, key: SigningKey): void {
  store.putSigningKey({ private_key: key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, certificate: key.certificate, name: key.name });
}

export function signingCertUrl(store: SnsStore): string {
  return `${store.env.endpoint}/_fogbank/sns/${signingKey(store).name}`;
}

/** The fields AWS signs, in order, per message type. */
const NOTIFICATION_FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'];
const CONFIRMATION_FIELDS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];

export function stringToSign(message: Record<string, string | undefined>): string {
  const fields = message.Type === 'Notification' ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS;
  let out = '';
  for (const f of fields) {
    const v = message[f];
    if (v !== undefined) out += `${f}\n${v}\n`;
  }
  return out;
}

/** Signs a message: SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA. */
export function signMessage(store: SnsStore, message: Record<string, string | undefined>, version: '1' | '2'): string {
  return sign(version === '2' ? 'sha256' : 'sha1', Buffer.from(stringToSign(message), 'utf8'), signingKey(store).privateKey).toString('base64');
}
