/**
 * The ONE table from SOAP fault codes to HTTP statuses, and the per-operation overrides on top of it.
 */
import { GatewayError } from '../../errors/gateway-error.js';
import type { SoapFault } from './fault.js';

/**
 * Per-operation overrides, from config: keys are the local name of a detail element (`OrderNotFound`), of a
 * subcode, of a 1.1 dotted code (`Client.Authentication`) or of a code (`Server`); values are HTTP statuses.
 * The most specific key present wins: a detail element, then each subcode from the innermost out (by its own name,
 * or for 1.1 by the dotted code up to it: `Client.Authentication` matches `Client.Authentication.Expired`), then
 * the code.
 */
export type FaultStatusTable = Readonly<Record<string, number>>;

const DEFAULT_STATUS: Readonly<Record<string, number>> = {
  // The request was wrong as sent (SOAP 1.1 §4.4.1 "Client", 1.2 §5.4.6 "Sender"): the caller's to fix.
  Client: 400,
  Sender: 400,
  // The service failed (1.1 "Server", 1.2 "Receiver"): behind a gateway, a bad gateway, not our 500.
  Server: 502,
  Receiver: 502,
  // The upstream did not understand the envelope the gateway built (wrong version, a mustUnderstand header it
  // lacks, an encoding it does not take): a contract problem between gateway and upstream, never the client's.
  VersionMismatch: 502,
  MustUnderstand: 502,
  DataEncodingUnknown: 502,
};

/**
 * What `lookup` gives for the most specific key of the fault it knows, in the order of {@link FaultStatusTable}:
 * a detail element, then each subcode from the innermost out (for 1.1 also the dotted code up to it), then the
 * code. The fault table and a mapping step's `statuses` match faults alike.
 */
export function matchFault<T>(fault: SoapFault, lookup: (key: string) => T | undefined): T | undefined {
  if (fault.detail !== null) {
    for (const element of Object.keys(fault.detail)) {
      const hit = lookup(element);
      if (hit !== undefined) return hit;
    }
  }
  for (let i = fault.subcodes.length - 1; i >= 0; i--) {
    const hit = lookup(fault.subcodes[i] as string) ?? (fault.version === '1.1' ? lookup([fault.code, ...fault.subcodes.slice(0, i + 1)].join('.')) : undefined);
    if (hit !== undefined) return hit;
  }
  return lookup(fault.code);
}

/** The status for a fault: an override if one matches, else the default table; an unknown code is a 502. */
export function faultStatus(fault: SoapFault, table: FaultStatusTable | undefined): number {
  const override = table === undefined ? undefined : matchFault(fault, (key) => own(table, key));
  return override ?? DEFAULT_STATUS[fault.code] ?? 502;
}

/** Checks a table from config; returns the message of the first bad entry, or undefined. */
export function checkFaultStatusTable(table: FaultStatusTable): string | undefined {
  for (const [key, status] of Object.entries(table)) {
    if (!Number.isInteger(status) || status < 400 || status > 599) return `fault status for "${key}" must be an HTTP error status (400-599), got ${status}`;
  }
  return undefined;
}

const MAX_REASON_IN_DETAIL = 200;

/**
 * The problem for a fault: `soap-fault` with the mapped status, the reason in `detail`, and the fault itself as
 * extension members (`faultCode`, `faultSubcodes`, `faultReason`, `faultDetail`, `soapVersion`).
 */
export function soapFaultToError(fault: SoapFault, table?: FaultStatusTable): GatewayError {
  const code = [fault.code, ...fault.subcodes].join(fault.version === '1.1' ? '.' : '/');
  const reason = fault.reason.length > MAX_REASON_IN_DETAIL ? fault.reason.slice(0, MAX_REASON_IN_DETAIL) + '…' : fault.reason;
  return new GatewayError('soap-fault', `The SOAP service answered with a fault (${code})${reason === '' ? '.' : `: ${reason}`}`, {
    status: faultStatus(fault, table),
    extensions: {
      soapVersion: fault.version,
      faultCode: fault.code,
      faultSubcodes: fault.subcodes,
      faultReason: fault.reason,
      faultDetail: fault.detail,
    },
  });
}

function own(table: FaultStatusTable, key: string): number | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
