import { toPointer, type ConfigIssue } from '../config/config-error.js';
import type { GatewayConfig } from '../config/load-config.js';
import type { SoapServiceConfig } from '../config/soap-schema.js';
import type { DeepReadonly } from '../config/deep-freeze.js';
import { SoapCodecCompileError, createSoapCodec, type CompiledSoapOperation, type FaultStatusTable, type SoapCodec, type StaticSoapHeader } from '../soap/codec/index.js';
import type { SoapOperation, WsdlModel, WsdlPort } from '../soap/model.js';
import { WsdlError, formatWsdlIssue, importWsdl, importWsdlSync } from '../soap/wsdl/index.js';
import type { HttpUpstream } from '../upstreams/types.js';
import { didYouMean } from '../errors/did-you-mean.js';

/** One entry of `soap.services`, compiled: the chosen port and every operation of it, ready for traffic. */
export interface CompiledSoapService {
  readonly name: string;
  readonly config: DeepReadonly<SoapServiceConfig>;
  readonly model: WsdlModel;
  readonly port: WsdlPort;
  readonly upstream: HttpUpstream;
  /** The upstream request path. */
  readonly path: string;
  /** Every operation of the port, by WSDL name, compiled with its fault table, security and headers. */
  readonly operations: ReadonlyMap<string, CompiledSoapServiceOperation>;
}

export interface CompiledSoapServiceOperation {
  readonly wsdl: SoapOperation;
  readonly compiled: CompiledSoapOperation;
  /** The fault table it was compiled with: the service-wide entries that apply to it, its own over them. */
  readonly faultStatuses: FaultStatusTable | undefined;
}

/**
 * http(s) WSDLs imported before the gateway is built, by service name: the model, or why it could not be imported.
 * See {@link fetchSoapWsdls}.
 */
export type PrefetchedWsdls = ReadonlyMap<string, WsdlModel | WsdlError>;

const isUrl = (location: string): boolean => /^https?:\/\//i.test(location);

/**
 * Imports the http(s) WSDLs of `soap.services` (those with `allowFetch`), which the synchronous build cannot read:
 * call it between loading the config and building the gateway, and pass the result to `buildGateway`.
 */
export async function fetchSoapWsdls(config: GatewayConfig): Promise<PrefetchedWsdls> {
  const fetched = new Map<string, WsdlModel | WsdlError>();
  for (const [name, service] of Object.entries(config.soap.services)) {
    if (!isUrl(service.wsdl) || !service.allowFetch) continue;
    try {
      fetched.set(name, await importWsdl(service.wsdl, { baseDir: config.baseDir, allowFetch: true }));
    } catch (error) {
      if (!(error instanceof WsdlError)) throw error;
      fetched.set(name, error);
    }
  }
  return fetched;
}

const CODES_11 = ['Client', 'Server', 'VersionMismatch', 'MustUnderstand'];
const CODES_12 = ['Sender', 'Receiver', 'VersionMismatch', 'MustUnderstand', 'DataEncodingUnknown'];

/**
 * Compiles every entry of `soap.services`: imports its WSDL (once per file), picks the port, checks the operations
 * and fault tables named in config against it, and compiles each operation with the codec. Problems go to `issues`
 * with the entry's JSON pointer; a service with a problem is left out.
 */
export function compileSoapServices(
  config: GatewayConfig,
  upstreams: ReadonlyMap<string, HttpUpstream>,
  issues: ConfigIssue[],
  prefetched: PrefetchedWsdls = new Map(),
): CompiledSoapService[] {
  const compiled: CompiledSoapService[] = [];
  const models = new Map<string, WsdlModel | undefined>();
  const codecs = new Map<WsdlModel, SoapCodec>();
  for (const [name, service] of Object.entries(config.soap.services)) {
    const at = ['soap', 'services', name];
    const issue = (keys: readonly PropertyKey[], message: string): void => {
      issues.push({ file: config.file, pointer: toPointer([...at, ...keys]), message });
    };
    const before = issues.length;
    const upstream = upstreams.get(service.upstream);
    if (upstream === undefined) {
      const known = Object.keys(config.upstreams).filter((key) => upstreams.has(key));
      issue(['upstream'], service.upstream in config.upstreams
        ? `upstream "${service.upstream}" is a ${config.upstreams[service.upstream]?.protocol} upstream; a SOAP service needs an http1 or http2 one`
        : `upstream "${service.upstream}" is not defined; expected one of: ${known.join(', ') || '(no http1/http2 upstream defined)'}`);
    }
    const model = loadModel(config, name, service, models, prefetched, issue);
    if (model === undefined) continue;
    const port = choosePort(model, service, issue);
    if (port === undefined) continue;
    const path = service.path ?? addressPath(port.address);
    if (path === undefined) issue(['path'], `the address of port ${port.name} (${port.address}) is not an http(s) URL; set path`);

    const byName = new Map(port.operations.map((operation) => [operation.name, operation]));
    for (const operationName of Object.keys(service.operations)) {
      if (byName.has(operationName)) continue;
      const suggestion = didYouMean(operationName, byName.keys());
      issue(['operations', operationName], `no operation "${operationName}" in port ${port.name}` +
        (suggestion === undefined ? `; expected one of: ${[...byName.keys()].join(', ')}` : `; did you mean "${suggestion}"?`));
    }
    // Security and static headers are compiled with every operation: report their problems once.
    const reported = new Set<string>();
    let codec = codecs.get(model);
    // The model's named types let the reader honour xsi:type (a derived type's extra fields are kept).
    if (codec === undefined) codecs.set(model, (codec = createSoapCodec(model.types === undefined ? {} : { types: model.types })));
    // What every operation of the service is compiled with; the fault table is the operation's own.
    const shared = {
      ...(service.security === undefined ? {} : { security: usernameToken(service.security.usernameToken) }),
      staticHeaders: service.headers.map(staticHeader),
      xmlLimits: { maxBytes: service.limits.maxResponseBytes, maxDepth: service.limits.maxDepth, maxElements: service.limits.maxElements },
    };
    const operations = new Map<string, CompiledSoapServiceOperation>();
    // The service-wide table: each key must mean something for at least one operation of the port.
    for (const key of Object.keys(service.faults)) {
      const problems = port.operations.map((operation) => faultKeyProblem(key, operation.faults, port, `no operation of port ${port.name} has a fault "${key}"`, allFaultNames(port)));
      const problem = problems.find((candidate) => candidate !== undefined);
      if (problems.length === 0 || problems.every((candidate) => candidate !== undefined)) issue(['faults', key], problem ?? `port ${port.name} has no operations`);
    }
    for (const operation of port.operations) {
      const own = service.operations[operation.name]?.faults;
      const table = faultTable(service.faults, own ?? {}, operation, port, (key, message) => issue(['operations', operation.name, 'faults', key], message));
      try {
        const compiledOperation = codec.compileOperation(port, operation, table === undefined ? shared : { ...shared, faultStatuses: table });
        operations.set(operation.name, { wsdl: operation, compiled: compiledOperation, faultStatuses: table });
      } catch (error) {
        if (!(error instanceof SoapCodecCompileError)) throw error;
        if (reported.has(error.message)) continue;
        reported.add(error.message);
        const header = /^SOAP header (\d+)/.exec(error.message);
        if (header !== null) issue(['headers', Number(header[1])], error.message);
        else if (error.message.startsWith('WS-Security')) issue(['security', 'usernameToken'], error.message);
        else issue([], `${model.source}: ${error.message}`);
      }
    }
    if (issues.length > before || path === undefined || upstream === undefined) continue;
    compiled.push({ name, config: service, model, port, upstream, path, operations });
  }
  return compiled;
}

function loadModel(
  config: GatewayConfig,
  name: string,
  service: DeepReadonly<SoapServiceConfig>,
  models: Map<string, WsdlModel | undefined>,
  prefetched: PrefetchedWsdls,
  issue: (keys: readonly PropertyKey[], message: string) => void,
): WsdlModel | undefined {
  const report = (error: WsdlError): undefined => {
    // Each problem names the WSDL file and line; the pointer says which entry of gateway.yaml read it.
    for (const wsdlIssue of error.issues) issue(['wsdl'], formatWsdlIssue(wsdlIssue));
    return undefined;
  };
  if (isUrl(service.wsdl)) {
    if (!service.allowFetch) {
      issue(['wsdl'], `${service.wsdl} is a URL: set allowFetch: true to fetch it at load, or point wsdl at a local copy`);
      return undefined;
    }
    const fetched = prefetched.get(name);
    if (fetched === undefined) {
      issue(['wsdl'], `${service.wsdl} was not fetched: an http(s) WSDL is imported by fetchSoapWsdls() before the gateway is built`);
      return undefined;
    }
    return fetched instanceof WsdlError ? report(fetched) : fetched;
  }
  if (models.has(service.wsdl)) return models.get(service.wsdl);
  let model: WsdlModel | undefined;
  try {
    model = importWsdlSync(service.wsdl, { baseDir: config.baseDir });
  } catch (error) {
    if (!(error instanceof WsdlError)) throw error;
    report(error);
  }
  models.set(service.wsdl, model);
  return model;
}

function choosePort(model: WsdlModel, service: DeepReadonly<SoapServiceConfig>, issue: (keys: readonly PropertyKey[], message: string) => void): WsdlPort | undefined {
  const describe = (ports: readonly { service: string; port: WsdlPort }[]): string =>
    ports.map(({ service: owner, port }) => `${port.name} (SOAP ${port.soapVersion}, service ${owner})`).join(', ');
  let services = model.services;
  if (service.service !== undefined) {
    services = services.filter((item) => item.name === service.service);
    if (services.length === 0) {
      const names = model.services.map((item) => item.name);
      const suggestion = didYouMean(service.service, names);
      issue(['service'], `no service "${service.service}" in ${model.source}` + (suggestion === undefined ? `; expected one of: ${names.join(', ')}` : `; did you mean "${suggestion}"?`));
      return undefined;
    }
  }
  const all = services.flatMap((item) => item.ports.map((port) => ({ service: item.name, port })));
  if (service.port === undefined) {
    if (all.length === 1) return all[0]?.port;
    issue(['port'], `${model.source} has ${all.length} SOAP ports${service.service === undefined ? '' : ` in service ${service.service}`}; choose one: ${describe(all)}`);
    return undefined;
  }
  const matching = all.filter((item) => item.port.name === service.port);
  if (matching.length === 1) return matching[0]?.port;
  if (matching.length > 1) {
    issue(['service'], `port ${service.port} is in several services of ${model.source}; choose one: ${matching.map((item) => item.service).join(', ')}`);
    return undefined;
  }
  const suggestion = didYouMean(service.port, all.map((item) => item.port.name));
  issue(['port'], `no SOAP port "${service.port}" in ${model.source}` + (suggestion === undefined ? `; expected one of: ${describe(all)}` : `; did you mean "${suggestion}"?`));
  return undefined;
}

/**
 * The codec's fault table of one operation: the service-wide entries that mean something for it, then its own
 * entries (each checked against what it can answer) over them. A wsdl:fault name also maps its detail element (a
 * SOAP 1.1 fault carries no name but the detail element's), unless that element has an entry of its own.
 */
function faultTable(
  serviceWide: Readonly<Record<string, number>>,
  own: Readonly<Record<string, number>>,
  operation: SoapOperation,
  port: WsdlPort,
  issue: (key: string, message: string) => void,
): FaultStatusTable | undefined {
  const table: Record<string, number> = {};
  for (const [key, status] of Object.entries(serviceWide)) {
    // Checked once for the whole port by the caller; here only kept where it applies.
    if (faultKeyProblem(key, operation.faults, port, '') === undefined) table[key] = status;
  }
  for (const [key, status] of Object.entries(own)) {
    const problem = faultKeyProblem(key, operation.faults, port, `operation ${operation.name} has no fault "${key}"`);
    if (problem === undefined) table[key] = status;
    else issue(key, problem);
  }
  for (const fault of operation.faults) {
    const element = fault.element?.name.local;
    // An explicit entry for the element wins over its fault's name, and the operation's over the service's.
    if (element === undefined || Object.hasOwn(own, element)) continue;
    const byName = Object.hasOwn(own, fault.name) ? own[fault.name] : !Object.hasOwn(serviceWide, element) && Object.hasOwn(serviceWide, fault.name) ? serviceWide[fault.name] : undefined;
    if (byName !== undefined) table[element] = byName;
  }
  return Object.keys(table).length === 0 ? undefined : table;
}

/**
 * Why `key` names nothing a fault of these can carry on this port (`missing` + a suggestion among `candidates`,
 * by default the operation's own fault names and elements), or undefined when it is a fault code of the port's
 * SOAP version, a SOAP 1.1 dotted code, a wsdl:fault name or a detail element.
 */
function faultKeyProblem(key: string, faults: SoapOperation['faults'], port: WsdlPort, missing: string, candidates?: readonly string[]): string | undefined {
  const codes = port.soapVersion === '1.1' ? CODES_11 : CODES_12;
  const dotted = /^([A-Za-z]+)\.[^.]+(?:\.[^.]+)*$/.exec(key);
  if (codes.includes(key) || (port.soapVersion === '1.1' && dotted !== null && CODES_11.includes(dotted[1] as string))) return undefined;
  const names = faults.flatMap((fault) => (fault.element === undefined ? [fault.name] : [fault.name, fault.element.name.local]));
  if (names.includes(key)) return undefined;
  const otherCodes = (port.soapVersion === '1.1' ? CODES_12 : CODES_11).filter((code) => !codes.includes(code));
  if (otherCodes.includes(key)) return `${key} is a SOAP ${port.soapVersion === '1.1' ? '1.2' : '1.1'} fault code; port ${port.name} speaks SOAP ${port.soapVersion} (codes: ${codes.join(', ')})`;
  const known = [...new Set(candidates ?? names)];
  const suggestion = didYouMean(key, [...known, ...codes]);
  return missing + (suggestion === undefined ? `; expected a wsdl:fault name or detail element (${known.join(', ') || 'none declared'}) or a fault code (${codes.join(', ')})` : `; did you mean "${suggestion}"?`);
}

/** Every wsdl:fault name and detail element of the port's operations. */
function allFaultNames(port: WsdlPort): string[] {
  return [...new Set(port.operations.flatMap((operation) => operation.faults.flatMap((fault) => (fault.element === undefined ? [fault.name] : [fault.name, fault.element.name.local]))))];
}

function usernameToken(token: DeepReadonly<NonNullable<SoapServiceConfig['security']>['usernameToken']>) {
  return {
    username: token.username,
    password: token.password,
    passwordType: token.digest ? ('PasswordDigest' as const) : ('PasswordText' as const),
    mustUnderstand: token.mustUnderstand,
  };
}

function staticHeader(header: DeepReadonly<SoapServiceConfig['headers'][number]>): StaticSoapHeader {
  if ('xml' in header) return { xml: header.xml };
  return { name: { ns: header.namespace, local: header.name }, value: header.value, mustUnderstand: header.mustUnderstand };
}

/** The path (and query) of a soap:address; undefined when it is not an http(s) URL. */
function addressPath(address: string): string | undefined {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return url.pathname + url.search;
}
