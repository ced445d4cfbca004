import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SoapCodecCompileError, createSoapCodec, passwordDigest, type StaticSoapHeader, type UsernameTokenOptions } from '../../src/soap/codec/index.js';
import type { SoapVersion } from '../../src/soap/model.js';
import { parseXml, type XmlElement } from '../../src/xml/index.js';
import { golden } from './soap-codec-fixture.js';
import { ordersPort, ping } from './soap-codec-orders.js';

const NONCE = Uint8Array.from({ length: 16 }, (_, i) => i);
const CREATED = '2024-05-01T12:00:00.000Z';
const PASSWORD = 's3cr3t&<pw>é';
// Computed outside this code base (Python: base64(sha1(bytes(range(16)) + created + password.encode()))).
const EXPECTED_DIGEST = 'hHlxMb3/YC8mPumpK+kokKnX24A=';

const fixed = { randomBytes: () => NONCE, now: () => new Date(CREATED) };

function write(version: SoapVersion, security: UsernameTokenOptions | undefined, staticHeaders: readonly StaticSoapHeader[] = []): string {
  const options = { staticHeaders, ...(security === undefined ? {} : { security }) };
  return createSoapCodec().compileOperation(ordersPort(version), ping, options).writeRequest({ body: { at: CREATED } }).body;
}

function find(element: XmlElement, local: string): XmlElement {
  if (element.local === local) return element;
  for (const child of element.children) {
    try {
      return find(child, local);
    } catch {
      // not below this child
    }
  }
  throw new Error(`no <${local}>`);
}

describe('WS-Security UsernameToken', () => {
  it('PasswordDigest is Base64(SHA-1(nonce bytes + created + password)), checked against an independent value', () => {
    expect(passwordDigest(NONCE, CREATED, PASSWORD)).toBe(EXPECTED_DIGEST);
    const independent = createHash('sha1').update(Buffer.concat([Buffer.from(NONCE), Buffer.from(CREATED), Buffer.from(PASSWORD, 'utf8')])).digest('base64');
    expect(independent).toBe(EXPECTED_DIGEST);
  });

  it('writes the digest token with its nonce and created (golden, SOAP 1.1)', () => {
    const xml = write('1.1', { username: 'gateway', password: PASSWORD, passwordType: 'PasswordDigest', ...fixed });
    const { expected, actual } = golden('ws-security-digest-1.1.xml', xml);
    expect(actual).toBe(expected);
    // What a server does: recompute from what the message carries.
    const root = parseXml(xml);
    const nonce = Buffer.from(find(root, 'Nonce').text, 'base64');
    expect(passwordDigest(nonce, find(root, 'Created').text, PASSWORD)).toBe(find(root, 'Password').text);
  });

  it('writes a plain-text token, escaped, with mustUnderstand in the version\'s form', () => {
    const text11 = write('1.1', { username: 'a&b', password: PASSWORD, passwordType: 'PasswordText' });
    expect(text11).toContain('<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"');
    expect(text11).toContain(' soap:mustUnderstand="1">');
    expect(text11).toContain('<wsse:Username>a&amp;b</wsse:Username>');
    expect(text11).toContain('#PasswordText">s3cr3t&amp;&lt;pw&gt;é</wsse:Password></wsse:UsernameToken>');
    expect(text11).not.toContain('Nonce');
    const text12 = write('1.2', { username: 'a', password: 'p', passwordType: 'PasswordText', mustUnderstand: true });
    expect(text12).toContain(' soap:mustUnderstand="true">');
    expect(write('1.2', { username: 'a', password: 'p', passwordType: 'PasswordText', mustUnderstand: false })).not.toContain('mustUnderstand');
    expect(write('1.1', { username: 'a', password: 'p', passwordType: 'PasswordText', nonceWithText: true, ...fixed })).toContain(
      '#PasswordText">p</wsse:Password><wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">AAECAwQFBgcICQoLDA0ODw==</wsse:Nonce><wsu:Created>2024-05-01T12:00:00.000Z</wsu:Created>',
    );
  });

  it('makes a fresh nonce and Created for every request', () => {
    const compiled = createSoapCodec().compileOperation(ordersPort('1.1'), ping, { security: { username: 'u', password: 'p', passwordType: 'PasswordDigest' } });
    const nonces = new Set(Array.from({ length: 5 }, () => find(parseXml(compiled.writeRequest({ body: {} }).body), 'Nonce').text));
    expect(nonces.size).toBe(5);
  });

  it('refuses a secret XML cannot carry, at load', () => {
    expect(() => write('1.1', { username: 'u', password: 'p\u0000', passwordType: 'PasswordText' })).toThrow(SoapCodecCompileError);
  });
});

describe('static SOAP headers from config', () => {
  it('writes named headers and raw self-contained XML after the Security block', () => {
    const xml = write('1.2', { username: 'u', password: 'p', passwordType: 'PasswordText' }, [
      { name: { ns: 'urn:legacy:ctx', local: 'Tenant' }, value: 'acme & co', mustUnderstand: true },
      { xml: '<c:Client xmlns:c="urn:legacy:client"><c:Id>gw-1</c:Id></c:Client>' },
    ]);
    expect(xml).toContain(
      '</wsse:Security><h0:Tenant xmlns:h0="urn:legacy:ctx" soap:mustUnderstand="true">acme &amp; co</h0:Tenant><c:Client xmlns:c="urn:legacy:client"><c:Id>gw-1</c:Id></c:Client></soap:Header>',
    );
    expect(() => parseXml(xml)).not.toThrow();
  });

  it.each([
    ['several elements', '<a/><b/>'],
    ['an undeclared prefix', '<c:Client/>'],
    ['a DOCTYPE', '<!DOCTYPE x><x/>'],
    ['an XML declaration', '<?xml version="1.0"?><x/>'],
  ])('refuses raw XML with %s at load', (_name, raw) => {
    expect(() => write('1.1', undefined, [{ xml: raw }])).toThrow(SoapCodecCompileError);
  });

  it('refuses an unqualified named header', () => {
    expect(() => write('1.1', undefined, [{ name: { ns: '', local: 'Tenant' }, value: 'x' }])).toThrow(/namespace-qualified/);
  });
});
