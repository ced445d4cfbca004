import { randomUUID } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { GatewayError } from '../../errors/gateway-error.js';
import type { CheckedTarget, ProbeContext, ProbeOutcome } from '../../health/types.js';
import type { UpstreamCall, UpstreamReply } from '../types.js';
import { tlsClientOptions, type TlsMaterial, type UpstreamTarget } from './targets.js';

/** A health endpoint's answer is read whole; anything bigger is not a health endpoint. */
const MAX_HEALTH_BODY = 64 * 1024;

/**
 * The health check of one HTTP target. With `path`: GET it over the target's own pool (HTTP/1.1 keep-alive or the
 * HTTP/2 session), healthy on any 2xx; a 503 takes the target out at once (the server says it is draining), any
 * other status or failure counts against the threshold. Without `path`: open a TCP connection (and finish the TLS
 * handshake for `https://`), then close it.
 */
export function httpHealthTarget(
  target: UpstreamTarget,
  path: string | undefined,
  call: (request: UpstreamCall) => Promise<UpstreamReply>,
  tlsMaterial: TlsMaterial | undefined,
): CheckedTarget {
  if (path === undefined) {
    return { origin: target.origin, probe: (context) => connectProbe(target, tlsMaterial, context) };
  }
  return {
    origin: target.origin,
    async probe({ timeoutMs, signal }): Promise<ProbeOutcome> {
      let reply: UpstreamReply;
      try {
        reply = await call({
          method: 'GET',
          path,
          headers: { 'user-agent': 'protogate-health-check', accept: '*/*' },
          body: undefined,
          timeoutMs,
          signal,
          maxResponseBytes: MAX_HEALTH_BODY,
          requestId: randomUUID(),
          requestIdHeader: 'x-request-id',
        });
      } catch (error) {
        return failed(error);
      }
      const reason = `HTTP ${reply.status}`;
      if (reply.status >= 200 && reply.status < 300) return { healthy: true, reason };
      return { healthy: false, reason, immediate: reply.status === 503 };
    },
  };
}

function failed(error: unknown): ProbeOutcome {
  const detail = error instanceof Error ? error.message : String(error);
  if (!GatewayError.is(error)) return { healthy: false, reason: 'unreachable', detail };
  const reason = error.code === 'upstream-timeout' ? 'timeout' : error.code === 'upstream-bad-response' ? 'bad response' : 'unreachable';
  return { healthy: false, reason, detail: causeOf(error) ?? detail };
}

/** The underlying socket error of an `upstream-unavailable`, for the log. */
function causeOf(error: GatewayError): string | undefined {
  const cause = error.cause;
  return cause instanceof Error ? cause.message : undefined;
}

function connectProbe(target: UpstreamTarget, material: TlsMaterial | undefined, context: ProbeContext): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = target.secure
      ? tls.connect({ ...tlsClientOptions(material), host: target.hostname, port: target.port })
      : net.connect({ host: target.hostname, port: target.port });
    let done = false;
    const finish = (outcome: ProbeOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      context.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(outcome);
    };
    const onAbort = (): void => finish({ healthy: false, reason: 'cancelled' });
    const timer = setTimeout(() => finish({ healthy: false, reason: 'timeout' }), context.timeoutMs);
    context.signal.addEventListener('abort', onAbort);
    socket.once(target.secure ? 'secureConnect' : 'connect', () => finish({ healthy: true, reason: 'connected' }));
    socket.on('error', (error) => finish({ healthy: false, reason: target.secure ? 'unreachable or TLS failed' : 'unreachable', detail: error.message }));
  });
}
