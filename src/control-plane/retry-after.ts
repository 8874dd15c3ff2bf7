/**
 * `Retry-After` as seconds, shared by the control planes that read it from a response
 * (SigV4ControlPlane from AWS, HttpControlPlane from your backend).
 */
/** A `Retry-After` header in seconds (the HTTP-date form is converted), or undefined. */
export function retryAfterSeconds(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
