import { toPointer, type ConfigIssue } from '../config/config-error.js';
import type { GatewayConfig } from '../config/load-config.js';
import { soapOperationShapes, unknownHeaderParts } from '../mapping/soap-step-target.js';
import type { SoapOperation } from '../soap/model.js';
import { compileTemplate, namedReads, objectOf, STRING, TransformError, type CompiledTemplate } from '../transform/index.js';
import type { CompiledSoapService } from './soap-services.js';

/** Any request header or query parameter may be read; each is a string or absent. */
const STRINGS = objectOf([], [], STRING);

/** A request header or query parameter the templates read, for the route's OpenAPI parameters. */
export interface ReadParameter {
  readonly in: 'header' | 'query';
  readonly name: string;
}

/** The compiled `soapHeaders` of a published operation and the request parameters it reads. */
export interface SoapRouteHeaders {
  readonly template: CompiledTemplate;
  readonly reads: readonly ReadParameter[];
}

/**
 * `soap.services.<name>.operations.<Operation>.soapHeaders` of a published route: the values of the input's
 * soap:header parts, by part name, as templates over the client's request. `body` is typed by the operation's
 * input, `headers` and `query` are open objects of strings, and each part is checked against its element, as a
 * mapping step's `soapHeaders` is. Problems go to `issues`, at the entry's pointer.
 */
export function compileSoapRouteHeaders(
  config: GatewayConfig,
  service: CompiledSoapService,
  operation: SoapOperation,
  issues: ConfigIssue[],
): SoapRouteHeaders | undefined {
  const declared = service.config.operations[operation.name]?.soapHeaders;
  if (declared === undefined) return undefined;
  const at = ['soap', 'services', service.name, 'operations', operation.name, 'soapHeaders'];
  const unknown = unknownHeaderParts(operation, Object.keys(declared));
  for (const [name, message] of unknown) issues.push({ file: config.file, pointer: toPointer([...at, name]), message });
  if (unknown.length > 0) return undefined;
  const shapes = soapOperationShapes(service, operation);
  const routeName = `${service.name}.${operation.name}`;
  let template: CompiledTemplate;
  try {
    template = compileTemplate(
      declared,
      {
        file: config.file,
        line: 1,
        sources: { path: objectOf([], []), query: STRINGS, headers: STRINGS, body: shapes.input, steps: {} },
        labels: {
          query: `the query of ${routeName}`,
          headers: `the request headers of ${routeName}`,
          body: `the JSON body of ${routeName}`,
          target: `the soap:header parts of ${operation.name} (SOAP service "${service.name}")`,
        },
        env: config.env,
      },
      shapes.headers,
    );
  } catch (error) {
    if (!(error instanceof TransformError)) throw error;
    // Config files carry no line map here: the pointer says where, inside the template.
    for (const issue of error.issues) {
      issues.push({ file: config.file, pointer: toPointer(at) + issue.pointer, message: `${issue.message} (in \`${issue.expression}\`)` });
    }
    return undefined;
  }
  return { template, reads: readParameters(declared) };
}

/** Every header and query parameter the template's expressions read by name, for the OpenAPI document. */
function readParameters(template: unknown): ReadParameter[] {
  return [
    ...namedReads(template, 'headers').map((name): ReadParameter => ({ in: 'header', name })),
    ...namedReads(template, 'query').map((name): ReadParameter => ({ in: 'query', name })),
  ];
}
