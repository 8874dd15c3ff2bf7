/**
 * Imported public keys for self-signed participant tokens (IVS Real-Time API reference, ImportPublicKey): an app generates
 * an ECDSA P-384 key pair, imports the public half with `ImportPublicKey`, and signs ES384 JWTs
 * with the IVS claims itself; ivs-local verifies them at join time. Deleting the key revokes every
 * token it signed (for new joins and token exchanges).
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { AwsServiceError } from './aws-error';

/** A public key imported with `ImportPublicKey` (persisted in the data file). */
export interface PublicKeyRecord {
  /** Import order; pagination cursors are built on it. */
  seq: number;
  id: string;
  arn: string;
  name: string;
  /** The PEM exactly as imported (GetPublicKey echoes it). */
  publicKeyMaterial: string;
  fingerprint: string;
  tags: Record<string, string>;
}

/** The model's pattern for `publicKeyMaterial`, as it writes it (for the error message). */
export const PUBLIC_KEY_MATERIAL_PATTERN_TEXT =
  '.*-----BEGIN PUBLIC KEY-----\\r?\\n([a-zA-Z0-9+/=\\r\\n]+)\\r?\\n-----END PUBLIC KEY-----(\\r?\\n)?.*';
// Full match; `.` does not cross line breaks, as in the model's (Java) regular expression.
const PUBLIC_KEY_MATERIAL_PATTERN = /^.*-----BEGIN PUBLIC KEY-----\r?\n([a-zA-Z0-9+/=\r\n]+)\r?\n-----END PUBLIC KEY-----(\r?\n)?.*$/;

/** A parsed, usable public key. */
export interface ParsedPublicKey {
  key: KeyObject;
  /** Colon-separated hex digest of the key's DER SubjectPublicKeyInfo. */
  fingerprint: string;
}

/**
 * Checks and parses `publicKeyMaterial`: a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) block holding
 * an ECDSA P-384 key. Throws a `ValidationException` naming what is wrong.
 */
export function parsePublicKeyMaterial(material: string): ParsedPublicKey {
  const match = PUBLIC_KEY_MATERIAL_PATTERN.exec(material);
  if (!match) {
    throw AwsServiceError.field('publicKeyMaterial', material, `Member must satisfy regular expression pattern: ${PUBLIC_KEY_MATERIAL_PATTERN_TEXT}`);
  }
  const body = match[1]!.replace(/[\r\n]/g, '');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----\n`, format: 'pem' });
  } catch {
    throw AwsServiceError.validation(
      'publicKeyMaterial is not a readable public key: expected a PEM "PUBLIC KEY" block (SubjectPublicKeyInfo), e.g. the output of `openssl ec -in private.pem -pubout`.',
    );
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'secp384r1') {
    const found = key.asymmetricKeyType === 'ec' ? `an EC key on curve ${curve ?? 'unknown'}` : `a ${key.asymmetricKeyType ?? 'unknown'} key`;
    throw AwsServiceError.validation(
      `publicKeyMaterial must be an ECDSA P-384 (secp384r1) public key, used to verify ES384 participant tokens; this is ${found}. ` +
        'Generate one with `openssl ecparam -name secp384r1 -genkey -noout -out private.pem`.',
    );
  }
  const der = key.export({ format: 'der', type: 'spki' });
  const digest = createHash('sha256').update(der).digest('hex');
  return { key, fingerprint: digest.match(/../g)!.join(':') };
}

/** Public key ARNs, as the model writes them. */
export const PUBLIC_KEY_ARN_PATTERN = /^arn:aws:ivs:[a-z0-9-]+:[0-9]+:public-key\/[a-zA-Z0-9-]+$/;
