import { createForwardHttpStage } from '../stages/forward-http.js';
import { createReadBodyStage } from '../stages/read-body.js';
import { createRunMappingStage } from '../stages/run-mapping.js';
import { createTranscodeGrpcStage } from '../stages/transcode-grpc.js';
import { createTranscodeSoapStage } from '../stages/transcode-soap.js';
import { createValidateRequestStage } from '../stages/validate-request.js';
import type { CompiledRoute, RouteDefinition, StageFactory } from './compiled-route.js';
import type { Stage } from './context.js';
import { compose } from './compose.js';

/**
 * THE order of the pipeline, in one place. Later issues slot their stages in here (screening, CORS, auth,
 * rate limit, cache, transforms); a factory that returns null for a route leaves no trace in that route.
 */
const STAGE_ORDER: readonly { readonly name: string; readonly create: StageFactory }[] = [
  { name: 'read-body', create: createReadBodyStage },
  { name: 'validate-request', create: createValidateRequestStage },
];

/** Composes a route's stages once, at load. The upstream stage always ends the chain. */
export function buildRoute(route: RouteDefinition): CompiledRoute {
  const stages: Stage[] = [];
  const stageNames: string[] = [];
  for (const { name, create } of STAGE_ORDER) {
    const stage = create(route);
    if (stage !== null) {
      stages.push(stage);
      stageNames.push(name);
    }
  }
  const { operation, mapping, upstream, grpc, soap } = route;
  if (grpc !== undefined) {
    stages.push(createTranscodeGrpcStage(route, grpc));
    stageNames.push('transcode-grpc');
  } else if (soap !== undefined) {
    stages.push(createTranscodeSoapStage(route, soap));
    stageNames.push('transcode-soap');
  } else if (mapping !== undefined) {
    stages.push(createRunMappingStage(route, mapping));
    stageNames.push('run-mapping');
  } else if (upstream !== undefined) {
    stages.push(createForwardHttpStage(route, upstream));
    stageNames.push(`forward-${upstream.protocol}`);
  } else {
    throw new Error(`route ${operation.operationId} has neither a mapping nor an upstream`);
  }
  return Object.freeze({
    operationId: operation.operationId,
    profile: route.profile,
    method: operation.method,
    publicTemplate: operation.publicTemplate,
    documentFile: operation.documentFile,
    upstreamName: grpc !== undefined ? grpc.upstream.name : soap !== undefined ? soap.upstream.name : mapping !== undefined ? `mapping:${mapping.file}` : (upstream?.name ?? ''),
    stageNames: Object.freeze(stageNames),
    messageStreamBody: grpc?.clientStreaming === true,
    handle: compose(stages),
  });
}
