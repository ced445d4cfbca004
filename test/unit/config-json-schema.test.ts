import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { expect, it } from 'vitest';
import { configJsonSchema, mappingJsonSchema } from '../../src/config/json-schema.js';

const root = path.resolve(import.meta.dirname, '../..');

it('gateway.schema.json is the schema generated from the zod schema (run `npm run config-schema` after a change)', () => {
  const committed = JSON.parse(readFileSync(path.join(root, 'gateway.schema.json'), 'utf8')) as unknown;
  expect(committed).toEqual(configJsonSchema());
});

it('editors validating with it accept the bundled gateway.yaml and reject a typo', () => {
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  const validate = ajv.compile(configJsonSchema());
  const config = parse(readFileSync(path.join(root, 'gateway.yaml'), 'utf8')) as Record<string, unknown>;
  expect(validate(config)).toBe(true);
  expect(validate({ ...config, listners: [] })).toBe(false);
});

it('mapping.schema.json is current, and accepts the demo mappings', () => {
  const committed = JSON.parse(readFileSync(path.join(root, 'mapping.schema.json'), 'utf8')) as unknown;
  expect(committed).toEqual(mappingJsonSchema());
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  const validate = ajv.compile(mappingJsonSchema());
  for (const file of ['mappings/cart.yaml', 'mappings/cart-mobile.yaml']) {
    expect(validate(parse(readFileSync(path.join(root, file), 'utf8')))).toBe(true);
  }
});
