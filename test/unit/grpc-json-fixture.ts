/** Shared loader and helpers of the grpc-json-*.test.ts files (not a test file itself). */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { expect } from 'vitest';
import { createJsonCodec, type JsonCodecOptions, type JsonFieldError } from '../../src/grpc/json/index.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/proto/json/json_test.proto', import.meta.url));

/** Loads the fixture; google/protobuf imports come from protobufjs's bundled well-known types. */
export function loadRoot(keepCase = true): protobuf.Root {
  const root = new protobuf.Root().loadSync(FIXTURE, { keepCase });
  root.resolveAll();
  return root;
}

export const root = loadRoot();
export const T = (name: string): protobuf.Type => root.lookupType(`protogate.jsontest.${name}`);

/** fromJson that must succeed. */
export function decodeOk(type: protobuf.Type, json: unknown, options: JsonCodecOptions = {}): Record<string, unknown> {
  const result = createJsonCodec(type, options).fromJson(json);
  if (!result.ok) expect.fail(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.value;
}

/** fromJson that must fail; returns the error list. */
export function decodeErrors(type: protobuf.Type, json: unknown, options: JsonCodecOptions = {}): JsonFieldError[] {
  const result = createJsonCodec(type, options).fromJson(json);
  if (result.ok) expect.fail(`expected errors, got ${JSON.stringify(result.value)}`);
  return result.errors;
}

/** JSON → fromJson → fromObject → binary → decode → toJson. */
export function viaBinary(type: protobuf.Type, json: unknown, options: JsonCodecOptions = {}): unknown {
  const value = decodeOk(type, json, options);
  const bytes = type.encode(type.fromObject(value)).finish();
  return createJsonCodec(type, options).toJson(type.decode(bytes));
}
