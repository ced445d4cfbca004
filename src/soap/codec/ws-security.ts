/**
 * WS-Security UsernameToken (OASIS Username Token Profile 1.0/1.1) in a `wsse:Security` header block.
 *
 * PasswordText sends the password as is (only sensible over TLS). PasswordDigest sends
 * Base64(SHA-1(nonce + created + password)), where nonce is the raw bytes (the element carries their Base64),
 * created the exact text of wsu:Created, and password its UTF-8 bytes: the server recomputes it from the same
 * three, and may refuse a nonce it has seen or a Created outside its freshness window. A fresh nonce and Created
 * are therefore made for every request. Secrets are passed in (from the environment); this module never reads
 * config or logs them.
 */
import { createHash, randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { SoapVersion } from '../model.js';
import { escapeXmlText, findInvalidXmlChar } from '../../xml/escape.js';
import { mustUnderstandAttribute } from './envelope.js';
import { SoapCodecCompileError } from './errors.js';

export const WSSE_NAMESPACE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const WSU_NAMESPACE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const PROFILE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';
export const PASSWORD_TEXT_TYPE = `${PROFILE}#PasswordText`;
export const PASSWORD_DIGEST_TYPE = `${PROFILE}#PasswordDigest`;
export const BASE64_ENCODING_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

export interface UsernameTokenOptions {
  readonly username: string;
  readonly password: string;
  readonly passwordType: 'PasswordText' | 'PasswordDigest';
  /** soap:mustUnderstand on the Security block; default true, as most servers expect. */
  readonly mustUnderstand?: boolean;
  /** Also send Nonce and Created with PasswordText (some servers use them against replays). Default false. */
  readonly nonceWithText?: boolean;
  /** Source of nonce bytes; default crypto.randomBytes. Tests pass a fixed one. */
  readonly randomBytes?: (size: number) => Uint8Array;
  /** Clock for wsu:Created; default the system clock. */
  readonly now?: () => Date;
}

/** Base64(SHA-1(nonce + created + password)), the PasswordDigest of the Username Token Profile. */
export function passwordDigest(nonce: Uint8Array, created: string, password: string): string {
  return createHash('sha1').update(nonce).update(created, 'utf8').update(password, 'utf8').digest('base64');
}

const NONCE_BYTES = 16;

/** Compiles the header block once; the returned function makes a fresh one (new nonce, new Created) per call. */
export function compileUsernameToken(options: UsernameTokenOptions, version: SoapVersion): () => string {
  for (const [field, value] of [['username', options.username], ['password', options.password]] as const) {
    if (typeof value !== 'string' || findInvalidXmlChar(value) !== -1) {
      throw new SoapCodecCompileError(`WS-Security ${field} must be a string XML can carry`);
    }
  }
  if (options.passwordType !== 'PasswordText' && options.passwordType !== 'PasswordDigest') {
    throw new SoapCodecCompileError(`WS-Security passwordType must be PasswordText or PasswordDigest, got ${String(options.passwordType)}`);
  }
  const digest = options.passwordType === 'PasswordDigest';
  const withNonce = digest || options.nonceWithText === true;
  const random = options.randomBytes ?? cryptoRandomBytes;
  const now = options.now ?? (() => new Date());
  const head =
    `<wsse:Security xmlns:wsse="${WSSE_NAMESPACE}" xmlns:wsu="${WSU_NAMESPACE}"` +
    `${options.mustUnderstand === false ? '' : mustUnderstandAttribute(version)}>` +
    `<wsse:UsernameToken><wsse:Username>${escapeXmlText(options.username)}</wsse:Username>` +
    `<wsse:Password Type="${digest ? PASSWORD_DIGEST_TYPE : PASSWORD_TEXT_TYPE}">`;
  const textPassword = escapeXmlText(options.password);
  const tail = '</wsse:UsernameToken></wsse:Security>';

  if (!withNonce) {
    const fixed = head + textPassword + '</wsse:Password>' + tail;
    return function usernameToken() {
      return fixed;
    };
  }
  return function usernameToken() {
    const nonce = random(NONCE_BYTES);
    const created = now().toISOString();
    const password = digest ? passwordDigest(nonce, created, options.password) : textPassword;
    return (
      head +
      password +
      '</wsse:Password>' +
      `<wsse:Nonce EncodingType="${BASE64_ENCODING_TYPE}">${Buffer.from(nonce).toString('base64')}</wsse:Nonce>` +
      `<wsu:Created>${created}</wsu:Created>` +
      tail
    );
  };
}
