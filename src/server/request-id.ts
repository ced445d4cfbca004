import { randomUUID } from 'node:crypto';

/** Accepts only ids that are safe to echo in headers and logs (no spaces, no control characters, bounded). */
const SAFE_ID = /^[A-Za-z0-9._:@\-]{1,128}$/;

/** The incoming id when trusted and well-formed, otherwise a fresh UUID. */
export function requestIdFor(incoming: string | string[] | undefined, trustIncoming: boolean): string {
  if (trustIncoming && typeof incoming === 'string' && SAFE_ID.test(incoming)) return incoming;
  return randomUUID();
}
