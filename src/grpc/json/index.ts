/**
 * The proto3 JSON mapping on protobufjs reflection: {@link createJsonCodec} and its contracts.
 */
export { createJsonCodec, jsonNameOf, toJsonName, type JsonCodec } from './codec.js';
export {
  JsonEncodeError,
  type JsonCodecOptions,
  type JsonDecodeResult,
  type JsonFieldError,
} from './types.js';
