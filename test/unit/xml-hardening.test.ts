import { describe, expect, it } from 'vitest';
import {
  DEFAULT_XML_LIMITS,
  XmlLimitError,
  XmlSyntaxError,
  checkDeclaredLength,
  decodeXmlBytes,
  escapeXmlAttribute,
  escapeXmlText,
  findInvalidXmlChar,
  parseXml,
  readBoundedBody,
  resolveXmlLimits,
} from '../../src/xml/index.js';

function syntaxError(run: () => unknown): XmlSyntaxError {
  try {
    run();
  } catch (error) {
    if (error instanceof XmlSyntaxError) return error;
    throw error;
  }
  throw new Error('expected an XmlSyntaxError');
}

function limitError(run: () => unknown): XmlLimitError {
  try {
    run();
  } catch (error) {
    if (error instanceof XmlLimitError) return error;
    throw error;
  }
  throw new Error('expected an XmlLimitError');
}

function timed<T>(run: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = run();
  return { result, ms: performance.now() - start };
}

describe('parseXml', () => {
  it('resolves namespaces, decodes entities and character references, and keeps text as written', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="utf-8"?>\r\n<!-- a comment with <!DOCTYPE inside is fine -->' +
        '<a:Root xmlns:a="urn:a" xmlns="urn:default" b:x="1&amp;2" xmlns:b="urn:b" plain="&#x9;tab">' +
        '<child>caf&#233; &#x1F600; &lt;&amp;&gt;&quot;&apos; Zürich</child>' +
        '<c:other xmlns:c="urn:c"><![CDATA[<not> & markup <!DOCTYPE x>]]>tail</c:other>' +
        '<spaces>  two  </spaces><empty/></a:Root>',
    );
    expect(root).toMatchObject({ ns: 'urn:a', local: 'Root' });
    expect(root.attributes).toEqual([
      { ns: 'urn:b', local: 'x', value: '1&2' },
      { ns: '', local: 'plain', value: '\ttab' },
    ]);
    const [child, other, spaces, empty] = root.children;
    expect(child).toMatchObject({ ns: 'urn:default', local: 'child', text: 'café 😀 <&>"\' Zürich' });
    expect(other).toMatchObject({ ns: 'urn:c', local: 'other', text: '<not> & markup <!DOCTYPE x>tail' });
    expect(spaces?.text).toBe('  two  ');
    expect(empty).toMatchObject({ local: 'empty', text: '', children: [] });
  });

  it('accepts bytes and refuses a document with no root', () => {
    expect(parseXml(Buffer.from('<r>é</r>')).text).toBe('é');
    expect(syntaxError(() => parseXml('  <!-- nothing -->  ')).reason).toBe('not-well-formed');
  });

  it('keeps names that are also JavaScript property names, and refuses the three that could pollute prototypes', () => {
    const root = parseXml('<valueOf toString="1"><hasOwnProperty/></valueOf>');
    expect(root).toMatchObject({ local: 'valueOf', attributes: [{ local: 'toString', value: '1' }] });
    expect(root.children[0]?.local).toBe('hasOwnProperty');
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      expect(syntaxError(() => parseXml(`<r><${name}>x</${name}></r>`)).message).toMatch(/reserved/);
    }
  });

  it.each([
    ['unbalanced tags', '<a><b></a></b>'],
    ['a truncated document', '<Envelope><Body><Result><total>12'],
    ['text outside the root', 'Internal Server Error'],
    ['a second root', '<a/><b/>'],
    ['an undefined entity', '<a>&nbsp;</a>'],
    ['a bare ampersand', '<a>fish & chips</a>'],
    ['a reference to a forbidden character', '<a>&#0;</a>'],
    ['an undeclared prefix', '<x:a/>'],
    ['an undeclared attribute prefix', '<a x:y="1"/>'],
    ['an HTML page', '<html><body><p>Service unavailable<br></body></html>'],
    ['an unterminated attribute', '<a b="1/>'],
    ['an unterminated comment', '<a><!-- </a>'],
  ])('refuses %s as not well-formed', (_name, xml) => {
    expect(syntaxError(() => parseXml(xml)).reason).toBe('not-well-formed');
  });
});

describe('hostile documents', () => {
  it('refuses an external entity (XXE) before anything reads it', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]><r>&secret;</r>';
    const error = syntaxError(() => parseXml(xxe));
    expect(error.reason).toBe('dtd');
    expect(error.message).toMatch(/DOCTYPE/);
  });

  it('refuses a billion laughs document at once, in bounded time', () => {
    const entities = Array.from({ length: 10 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${entities}]><lolz>&lol10;</lolz>`;
    const { result, ms } = timed(() => syntaxError(() => parseXml(bomb)));
    expect(result.reason).toBe('dtd');
    expect(ms).toBeLessThan(50);
  });

  it('refuses any markup declaration, even without a DOCTYPE keyword first', () => {
    expect(syntaxError(() => parseXml('<a><!ENTITY x "y"></a>')).reason).toBe('dtd');
    expect(syntaxError(() => parseXml('<!doctype html><html/>')).reason).toBe('dtd');
  });

  it('refuses 10,000-deep nesting on the depth limit, without recursing', () => {
    const deep = '<a>'.repeat(10_000) + '</a>'.repeat(10_000);
    const { result, ms } = timed(() => limitError(() => parseXml(deep)));
    expect(result).toMatchObject({ limit: 'depth', max: DEFAULT_XML_LIMITS.maxDepth });
    expect(ms).toBeLessThan(100);
    // Self-closing leaves count too: depth is where an element sits, open or empty.
    expect(limitError(() => parseXml('<a><b><c/></b></a>', resolveXmlLimits({ maxDepth: 2 }))).limit).toBe('depth');
    expect(parseXml('<a><b><c/></b></a>', resolveXmlLimits({ maxDepth: 3 })).local).toBe('a');
  });

  it('refuses too many elements before building anything', () => {
    const wide = `<r>${'<i/>'.repeat(200_000)}</r>`;
    const { result, ms } = timed(() => limitError(() => parseXml(wide)));
    expect(result).toMatchObject({ limit: 'elements', max: DEFAULT_XML_LIMITS.maxElements });
    expect(ms).toBeLessThan(500);
  });

  it('refuses a 100 MB document on its size without scanning it', () => {
    const huge = `<r>${'x'.repeat(100 * 1024 * 1024)}</r>`;
    const { result, ms } = timed(() => limitError(() => parseXml(huge)));
    expect(result).toMatchObject({ limit: 'bytes', max: DEFAULT_XML_LIMITS.maxBytes });
    expect(ms).toBeLessThan(5);
    expect(limitError(() => parseXml(Buffer.alloc(DEFAULT_XML_LIMITS.maxBytes + 1, 0x20))).limit).toBe('bytes');
  });

  it('counts bytes, not characters: multi-byte text over the limit is refused', () => {
    const limits = resolveXmlLimits({ maxBytes: 100 });
    expect(parseXml(`<r>${'é'.repeat(40)}</r>`, limits).text).toHaveLength(40);
    expect(limitError(() => parseXml(`<r>${'é'.repeat(60)}</r>`, limits)).limit).toBe('bytes');
  });

  it('stops reading a 100 MB stream right after the limit, holding at most the limit in memory', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let pulled = 0;
    let finalized = false;
    async function* hundredMegabytes(): AsyncGenerator<Buffer> {
      try {
        for (let sent = 0; sent < 100 * 1024 * 1024; sent += chunk.length) {
          pulled++;
          yield chunk;
        }
      } finally {
        finalized = true;
      }
    }
    const start = performance.now();
    await expect(readBoundedBody(hundredMegabytes(), DEFAULT_XML_LIMITS.maxBytes)).rejects.toBeInstanceOf(XmlLimitError);
    expect(performance.now() - start).toBeLessThan(1000);
    expect(pulled).toBe(DEFAULT_XML_LIMITS.maxBytes / chunk.length + 1);
    // Leaving the loop closed the source: a Node stream would be destroyed the same way.
    expect(finalized).toBe(true);
  });

  it('fails on a declared Content-Length over the limit before reading', () => {
    expect(() => checkDeclaredLength('104857600', 1024)).toThrow(XmlLimitError);
    expect(() => checkDeclaredLength('1024', 1024)).not.toThrow();
    expect(() => checkDeclaredLength(undefined, 1024)).not.toThrow();
  });

  it('reads a body under the limit whole', async () => {
    async function* parts(): AsyncGenerator<Uint8Array | string> {
      yield '<a>';
      yield Buffer.from('é</a>');
    }
    expect((await readBoundedBody(parts(), 100)).toString('utf8')).toBe('<a>é</a>');
  });
});

describe('limits', () => {
  it('fills defaults and refuses nonsense', () => {
    expect(resolveXmlLimits({ maxDepth: 10 })).toEqual({ ...DEFAULT_XML_LIMITS, maxDepth: 10 });
    expect(() => resolveXmlLimits({ maxBytes: 0 })).toThrow(/maxBytes/);
    expect(() => resolveXmlLimits({ maxDepth: 10_000 })).toThrow(/maxDepth/);
    expect(() => resolveXmlLimits({ maxElements: 1.5 })).toThrow(/maxElements/);
  });
});

describe('escaping', () => {
  it('escapes text and attribute values so they read back unchanged', () => {
    expect(escapeXmlText(`<a href="x">&'b'</a>\r`)).toBe(`&lt;a href="x"&gt;&amp;'b'&lt;/a&gt;&#xD;`);
    expect(escapeXmlAttribute(`"<&>'\t\n`)).toBe(`&quot;&lt;&amp;&gt;'&#x9;&#xA;`);
    expect(escapeXmlText('plain Zürich 東京')).toBe('plain Zürich 東京');
    const value = `<&>"' \t\n\r Zürich 😀`;
    const root = parseXml(`<r a="${escapeXmlAttribute(value)}">${escapeXmlText(value)}</r>`);
    expect(root.text).toBe(value);
    expect(root.attributes[0]?.value).toBe(value);
  });

  it('finds characters XML cannot carry at all', () => {
    expect(findInvalidXmlChar('ok\t\n\r 😀')).toBe(-1);
    expect(findInvalidXmlChar('a\u0001b')).toBe(1);
    expect(findInvalidXmlChar('a\uD800')).toBe(1);
    expect(findInvalidXmlChar('\uDC00')).toBe(0);
    expect(findInvalidXmlChar('\uFFFE')).toBe(0);
  });
});

describe('decodeXmlBytes', () => {
  it('takes the charset from Content-Type, then the BOM, then the XML declaration', () => {
    const latin1 = Buffer.from('<a>caf\xe9</a>', 'latin1');
    expect(decodeXmlBytes(latin1, 'text/xml; charset=ISO-8859-1')).toBe('<a>café</a>');
    expect(decodeXmlBytes(Buffer.concat([Buffer.from('<?xml version="1.0" encoding="iso-8859-1"?>'), latin1]), 'text/xml')).toContain('café');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a>東京</a>', 'utf16le')]);
    expect(decodeXmlBytes(utf16, undefined)).toBe('<a>東京</a>');
    expect(decodeXmlBytes(Buffer.from('<a>é</a>'), undefined)).toBe('<a>é</a>');
    expect(syntaxError(() => decodeXmlBytes(latin1, 'text/xml; charset=x-unknown-9')).message).toMatch(/encoding/);
  });
});
