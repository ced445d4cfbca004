/**
 * The importer's own DTD guard. WSDLs and schemas never need a DTD, and a DTD is how XML attacks get in: entity
 * expansion ("billion laughs") and external entities that read local files or URLs. So a document with a DOCTYPE,
 * or any entity declaration, is refused before it reaches the parser. The check is deliberately lexical: it also
 * fires for the text inside a comment or CDATA section, which costs nothing in practice and leaves no parsing
 * corner to hide a declaration in.
 */
const DTD_MARKUP = /<!(DOCTYPE|ENTITY)/;

/** The 1-based line of the first DOCTYPE or ENTITY declaration in `text`, if there is one. */
export function findDtd(text: string): { readonly line: number; readonly keyword: string } | undefined {
  const match = DTD_MARKUP.exec(text);
  if (match === null) return undefined;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < match.index; i = text.indexOf('\n', i + 1)) line++;
  return { line, keyword: match[1] ?? 'DOCTYPE' };
}
