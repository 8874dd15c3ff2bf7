/** Raw HTTP helpers for ivs-local tests: SigV4-signed requests built by hand, then sent (or tampered). */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: Record<string, unknown> | undefined;
}

export interface RawRequest {
  method: string;
  /** Path with optional `?query`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** Sends a request exactly as given (no signing, no header fix-ups beyond Content-Length). */
export function sendRaw(baseUrl: string, req: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers: req.headers, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> | undefined;
          try {
            json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

export interface SignOptions {
  baseUrl: string;
  method?: string;
  path: string;
  query?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Default `application/json` when there is a body. */
  contentType?: string;
  service?: 'ivs' | 'ivschat';
  region?: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  signingDate?: Date;
  /** Adds `x-amz-content-sha256` (as the JS SDK does). Default true. */
  contentSha?: boolean;
}

/** Signs a request the way the AWS SDK does and returns it ready for {@link sendRaw}. */
export async function signRequest(o: SignOptions): Promise<RawRequest> {
  const url = new URL(o.baseUrl);
  const body = o.body ?? (o.method === 'GET' || o.method === 'DELETE' ? undefined : '{}');
  const headers: Record<string, string> = { host: url.host };
  if (body !== undefined) {
    headers['content-type'] = o.contentType ?? 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  if (o.contentSha !== false) {
    const h = new Sha256();
    h.update(body ?? '');
    headers['x-amz-content-sha256'] = Buffer.from(await h.digest()).toString('hex');
  }
  const signer = new SignatureV4({
    credentials: o.credentials,
    region: o.region ?? 'us-east-1',
    service: o.service ?? 'ivs',
    sha256: Sha256,
    applyChecksum: o.contentSha !== false,
  });
  const signed = await signer.sign(
    { method: o.method ?? 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: o.path, query: o.query ?? {}, headers, body },
    { signingDate: o.signingDate ?? new Date() },
  );
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(o.query ?? {})) for (const item of Array.isArray(v) ? v : [v]) search.append(k, item);
  const qs = search.toString().replace(/\+/g, '%20');
  return {
    method: o.method ?? 'POST',
    path: qs ? `${o.path}?${qs}` : o.path,
    headers: signed.headers as Record<string, string>,
    ...(body !== undefined ? { body } : {}),
  };
}

/** Asserts the AWS error shape and returns the error type. */
export function errorType(res: RawResponse): string | undefined {
  const type = res.headers['x-amzn-errortype'];
  return typeof type === 'string' ? type : undefined;
}
