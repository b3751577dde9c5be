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

const loading = new WeakMap<SnsStore, Promise<SigningKey>>();
const kept = new WeakSet<SnsStore>();

/** The signing key: loaded (or made) once per store; concurrent first uses share one load. */
export function signingKey(store: SnsStore): Promise<SigningKey> {
  let key = loading.get(store);
  if (!key) {
    key = load(store);
    loading.set(store, key);
    // A failed load is tried again by the next use.
    key.catch(() => loading.delete(store));
  }
  if (!kept.has(store)) {
    kept.add(store);
    // A reset empties every table; the key outlives it, so that certificate URLs stay valid.
    store.onReset(() => {
      loading.get(store)?.then((k) => persist(store, k)).catch((err) => store.env.log.error('sns: could not keep the signing key across a reset', err));
    });
  }
  return key;
}

async function load(store: SnsStore): Promise<SigningKey> {
  const row = await store.signingKey();
  if (row) return { privateKey: createPrivateKey(row.private_key), certificate: row.certificate, name: row.name };
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
  // Another process on the same data may have stored one meanwhile: the first stored is the one used.
  const stored = await store.keepSigningKey({ private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, certificate, name });
  return { privateKey: createPrivateKey(stored.private_key), certificate: stored.certificate, name: stored.name };
}

function persist(store: SnsStore, key: SigningKey): Promise<void> {
  return store.putSigningKey({ private_key: key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, certificate: key.certificate, name: key.name });
}

export async function signingCertUrl(store: SnsStore): Promise<string> {
  return `${store.env.endpoint}/_fogbank/sns/${(await signingKey(store)).name}`;
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
export async function signMessage(store: SnsStore, message: Record<string, string | undefined>, version: '1' | '2'): Promise<string> {
  const { privateKey } = await signingKey(store);
  return sign(version === '2' ? 'sha256' : 'sha1', Buffer.from(stringToSign(message), 'utf8'), privateKey).toString('base64');
}
