import { grpcStatusName } from '../../errors/grpc-status.js';
import type { GrpcChannel } from '../../grpc/client/channel.js';
import { checkServingStatus, HealthCheckError } from '../../grpc/client/health.js';
import type { CheckedTarget, ProbeOutcome } from '../../health/types.js';

/**
 * The health check of one gRPC target: `grpc.health.v1.Health/Check` on the target's own channel (so a check also
 * keeps its session warm, and a dead session shows up as UNAVAILABLE).
 *
 * - SERVING is healthy; NOT_SERVING takes the target out at once; UNKNOWN and an unknown service (NOT_FOUND) are
 *   unhealthy.
 * - UNIMPLEMENTED means the server has no health service (health-checking.md: clients should then not rely on it):
 *   the target counts as healthy, since it answered over a working connection. It is still checked every interval,
 *   so a server that goes away (UNAVAILABLE) leaves rotation all the same.
 * - Any other status (UNAVAILABLE, DEADLINE_EXCEEDED, …) is a failure counted against the threshold.
 */
export function grpcHealthTarget(channel: GrpcChannel, service: string): CheckedTarget {
  return {
    origin: channel.target.origin,
    async probe({ timeoutMs, signal }): Promise<ProbeOutcome> {
      try {
        const status = await checkServingStatus(channel, service, { deadlineMs: timeoutMs, signal });
        if (status === 'SERVING') return { healthy: true, reason: 'SERVING' };
        if (status === 'UNIMPLEMENTED') return { healthy: true, reason: 'no health service' };
        if (status === 'NOT_SERVING') return { healthy: false, reason: 'NOT_SERVING', immediate: true };
        return { healthy: false, reason: status };
      } catch (error) {
        if (!(error instanceof HealthCheckError)) throw error;
        const name = grpcStatusName(error.grpcStatus);
        return { healthy: false, reason: name === 'DEADLINE_EXCEEDED' ? 'timeout' : name, detail: error.message };
      }
    },
  };
}
