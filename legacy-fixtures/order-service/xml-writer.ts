/**
 * A minimal XML writer: the fixture builds its responses as strings, in schema order, the way a generated
 * marshaller does. No pretty-printing, like the Java and .NET stacks it imitates.
 */

/** Attribute name → value; undefined values are left out. */
export type Attrs = Readonly<Record<string, string | undefined>>;

export function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;').replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function openTag(name: string, attrs: Attrs | undefined): string {
  let tag = `<${name}`;
  if (attrs !== undefined) {
    for (const [key, value] of Object.entries(attrs)) if (value !== undefined) tag += ` ${key}="${escapeAttr(value)}"`;
  }
  return tag;
}

/** An element with already-serialized children (empty children give `<name/>`). */
export function el(name: string, attrs: Attrs | undefined, ...children: readonly string[]): string {
  const inner = children.join('');
  return inner === '' ? `${openTag(name, attrs)}/>` : `${openTag(name, attrs)}>${inner}</${name}>`;
}

/** An element holding text. */
export function textEl(name: string, value: string, attrs?: Attrs): string {
  return `${openTag(name, attrs)}>${escapeText(value)}</${name}>`;
}

/** An optional text element: nothing when the value is undefined. */
export function optionalTextEl(name: string, value: string | undefined, attrs?: Attrs): string {
  return value === undefined ? '' : textEl(name, value, attrs);
}

export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/**
 * A nillable element: its text, or `xsi:nil="true"` with xsi declared right there, as JAX-WS does, instead of on
 * the envelope.
 */
export function nillableTextEl(name: string, value: string | null): string {
  return value === null ? el(name, { 'xsi:nil': 'true', 'xmlns:xsi': XSI_NS }) : textEl(name, value);
}
