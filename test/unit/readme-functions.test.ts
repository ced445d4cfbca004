import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { FUNCTION_DOCS } from '../../src/transform/index.js';

it('the README documents every mapping function', () => {
  const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const documented = [...readme.matchAll(/^\| `([a-zA-Z]+)\(/gm)].map((match) => match[1]);
  expect(documented).toEqual(Object.keys(FUNCTION_DOCS));
});
