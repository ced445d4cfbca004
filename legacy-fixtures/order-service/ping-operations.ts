import type { Operation } from './operations.js';
import { GET_SERVER_TIME, ORDERS_NS, PING, PING_NS } from './request-schema.js';
import { el, textEl } from './xml-writer.js';

/**
 * LegacyPingService, rpc/literal (WSDL 1.1 §3.5, WS-I BP 1.1 R2729/R2735): the response wrapper is the operation
 * name + "Response" in the soap:body namespace, each part is an unqualified accessor element named after the part,
 * and a part of a complex type carries that type's (qualified) children. This stack writes `ns1:` and declares
 * the schema namespace on the accessor itself.
 */

export const SERVER_VERSION = 'OrderMiddleware 4.2.1 (build 1998)';
const REGION = 'eu-central';

function rpcResponse(operation: string, ...parts: readonly string[]): string {
  return el(`ns1:${operation}Response`, { 'xmlns:ns1': PING_NS }, ...parts);
}

const ping: Operation = {
  name: 'Ping',
  request: PING,
  soapAction: 'urn:acme:legacy:ping:v1/Ping',
  handle(input) {
    return rpcResponse('Ping', textEl('echo', String(input['text'] ?? '')), textEl('serverVersion', SERVER_VERSION));
  },
};

const getServerTime: Operation = {
  name: 'GetServerTime',
  request: GET_SERVER_TIME,
  soapAction: 'urn:acme:legacy:ping:v1/GetServerTime',
  handle(_input, context) {
    const now = context.now();
    const uptime = Math.max(0, Math.floor((now.getTime() - context.startedAt.getTime()) / 1000));
    return rpcResponse(
      'GetServerTime',
      textEl('serverTime', now.toISOString()),
      el(
        'info',
        { 'xmlns:tns': ORDERS_NS },
        textEl('tns:version', SERVER_VERSION),
        textEl('tns:uptimeSeconds', String(uptime)),
        textEl('tns:region', REGION),
      ),
    );
  },
};

export const PING_OPERATIONS: readonly Operation[] = [ping, getServerTime];
