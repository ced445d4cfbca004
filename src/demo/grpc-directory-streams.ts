/**
 * The demo directory's streaming and google.api.HttpBody methods (see grpc-directory-service.ts for the rest):
 * ImportPeople (client streaming), LookupPeople (bidi), ExportPeople (server streaming of HttpBody chunks),
 * SetAvatar (an HttpBody request field) and GetAvatar (an HttpBody response). Nothing is stored: every run answers
 * the same.
 */
import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { DirectoryStats } from './grpc-directory-service.js';
import type { PlainMessage } from './grpc-demo-codec.js';
import { findPerson, PEOPLE, PEOPLE_COUNT, type PersonObject } from './directory-data.js';

type Obj = PlainMessage;
/** What every kind of grpc-js server call has (grpc-js does not export its `ServerSurfaceCall`). */
interface SurfaceCall {
  readonly metadata: grpc.Metadata;
  on(event: 'cancelled', listener: () => void): unknown;
  sendMetadata(metadata: grpc.Metadata): void;
}

/** Content-Type of the ExportPeople CSV (RFC 4180 with its optional `header` parameter). */
export const EXPORT_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';

/** The handlers of this file by method name, counting into `stats`. */
export function directoryStreamHandlers(stats: DirectoryStats): Record<string, grpc.UntypedHandleCall> {
  return {
    ImportPeople: importPeople(stats),
    LookupPeople: lookupPeople(stats),
    ExportPeople: exportPeople(stats),
    SetAvatar: setAvatar(stats),
    GetAvatar: getAvatar(stats),
  };
}

/** A status to end a call with. */
function status(code: grpc.status, details: string): Partial<grpc.StatusObject> {
  return { code, details };
}

/** Counts the call and its cancellation, and echoes `x-request-id` as initial metadata (as every demo method). */
function begin(call: SurfaceCall, stats: DirectoryStats, onCancel?: () => void): { cancelled: () => boolean } {
  stats.calls++;
  let cancelled = false;
  call.on('cancelled', () => {
    cancelled = true;
    stats.cancelled++;
    onCancel?.();
  });
  const requestId = call.metadata.get('x-request-id')[0];
  if (typeof requestId === 'string') {
    const initial = new grpc.Metadata();
    initial.set('x-request-id', requestId);
    call.sendMetadata(initial);
  }
  return { cancelled: () => cancelled };
}

/** "42" → person 42; "0", "" → INVALID_ARGUMENT; other unknown ids → NOT_FOUND. */
function personById(id: string): PersonObject | Partial<grpc.StatusObject> {
  if (id === '0' || id === '') return status(grpc.status.INVALID_ARGUMENT, `invalid person id "${id}"`);
  return findPerson(id) ?? status(grpc.status.NOT_FOUND, `person "${id}" not found`);
}

function isPerson(value: PersonObject | Partial<grpc.StatusObject>): value is PersonObject {
  return 'display_name' in value;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * ImportPeople (client streaming): each message's `person` gets the next id ("51", "52", …) and joins `team`
 * (when set) besides its own teams; the answer counts them, per team too. A person without `display_name` fails the call INVALID_ARGUMENT at once,
 * before the client has sent everything ("person 2: display_name is required").
 */
function importPeople(stats: DirectoryStats): grpc.handleClientStreamingCall<Obj, Obj> {
  return (call, callback) => {
    const state = begin(call, stats);
    const ids: string[] = [];
    const perTeam: Record<string, number> = {};
    let failed = false;
    call.on('data', (request: Obj) => {
      stats.messages++;
      if (failed || state.cancelled()) return;
      const person = (request['person'] ?? {}) as Obj;
      if (str(person['display_name']).trim() === '') {
        failed = true;
        callback(status(grpc.status.INVALID_ARGUMENT, `person ${ids.length + 1}: display_name is required`));
        return;
      }
      ids.push(String(PEOPLE_COUNT + ids.length + 1));
      const teams = new Set(Array.isArray(person['teams']) ? person['teams'].map(str) : []);
      if (str(request['team']) !== '') teams.add(str(request['team']));
      for (const team of teams) perTeam[team] = (perTeam[team] ?? 0) + 1;
    });
    call.on('end', () => {
      if (!failed && !state.cancelled()) callback(null, { imported: ids.length, ids, per_team: perTeam });
    });
  };
}

/**
 * LookupPeople (bidi): answers each request's person as soon as it arrives; an unknown id ends the stream
 * NOT_FOUND ("0": INVALID_ARGUMENT) after the people already answered. Ends OK when the client ends.
 */
function lookupPeople(stats: DirectoryStats): grpc.handleBidiStreamingCall<Obj, Obj> {
  return (call) => {
    const state = begin(call, stats);
    let failed = false;
    call.on('data', (request: Obj) => {
      stats.messages++;
      if (failed || state.cancelled()) return;
      const found = personById(str(request['id']));
      if (isPerson(found)) {
        call.write({ ...found });
        return;
      }
      failed = true;
      // grpc-js ends a server stream with the status of an 'error' event.
      call.emit('error', { ...found, name: 'StatusError', message: found.details });
    });
    call.on('end', () => {
      if (!failed && !state.cancelled()) call.end();
    });
  };
}

/**
 * ExportPeople (server streaming of google.api.HttpBody): a CSV header row (with the Content-Type
 * {@link EXPORT_CONTENT_TYPE}; later chunks carry none), then one row per person of `team` (all when empty).
 * `fail_after` > 0 ends the stream ABORTED "export interrupted" after that many rows.
 */
function exportPeople(stats: DirectoryStats): grpc.handleServerStreamingCall<Obj, Obj> {
  return (call) => {
    const state = begin(call, stats);
    const team = str(call.request['team']);
    const failAfter = typeof call.request['fail_after'] === 'number' ? call.request['fail_after'] : 0;
    const people = PEOPLE.filter((person) => team === '' || person.teams.includes(team));
    call.write({ content_type: EXPORT_CONTENT_TYPE, data: Buffer.from(csvRow(['id', 'display_name', 'email', 'level', 'teams'])) });
    for (const [index, person] of people.entries()) {
      if (state.cancelled()) return;
      if (failAfter > 0 && index === failAfter) {
        call.emit('error', { ...status(grpc.status.ABORTED, 'export interrupted'), name: 'StatusError', message: 'export interrupted' });
        return;
      }
      call.write({ data: Buffer.from(csvRow([person.id, person.display_name, person.email, person.level, person.teams.join(';')])) });
    }
    call.end();
  };
}

/** One CSV record (RFC 4180: CRLF line break, fields with `,` `"` or line breaks quoted, `"` doubled). */
export function csvRow(fields: readonly string[]): string {
  return `${fields.map((field) => (/[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).join(',')}\r\n`;
}

/**
 * SetAvatar: checks the person and the `avatar` HttpBody (an `image/*` Content-Type, some bytes), and answers what
 * it received: the Content-Type as sent, the size and the SHA-256 (hex) of the bytes.
 */
function setAvatar(stats: DirectoryStats): grpc.handleUnaryCall<Obj, Obj> {
  return (call, callback) => {
    begin(call, stats);
    const id = str(call.request['id']);
    const found = personById(id);
    if (!isPerson(found)) return callback(found);
    const avatar = (call.request['avatar'] ?? {}) as Obj;
    const contentType = str(avatar['content_type']);
    const data = avatar['data'] instanceof Uint8Array ? avatar['data'] : new Uint8Array();
    if (!/^image\/[^\s]+/i.test(contentType)) return callback(status(grpc.status.INVALID_ARGUMENT, `an avatar must be an image/* body, not "${contentType}"`));
    if (data.length === 0) return callback(status(grpc.status.INVALID_ARGUMENT, 'the avatar is empty'));
    callback(null, { id, content_type: contentType, size: String(data.length), sha256: createHash('sha256').update(data).digest('hex') });
  };
}

/** GetAvatar: a 64×64 SVG badge with the person's initials, as `image/svg+xml`. */
function getAvatar(stats: DirectoryStats): grpc.handleUnaryCall<Obj, Obj> {
  return (call, callback) => {
    begin(call, stats);
    const found = personById(str(call.request['id']));
    if (!isPerson(found)) return callback(found);
    callback(null, { content_type: 'image/svg+xml', data: Buffer.from(avatarSvg(found)) });
  };
}

/** The badge of a person: initials on a colour picked from the id. */
export function avatarSvg(person: PersonObject): string {
  const initials = person.display_name
    .split(/\s+/)
    .map((part) => part.charAt(0))
    .join('')
    .slice(0, 2)
    .toUpperCase();
  const hue = (Number(person.id) * 47) % 360;
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">' +
    `<rect width="64" height="64" rx="32" fill="hsl(${hue} 55% 45%)"/>` +
    `<text x="32" y="40" font-family="sans-serif" font-size="24" text-anchor="middle" fill="#fff">${initials}</text>` +
    '</svg>\n'
  );
}
