import { Ajv, type Options, type Plugin } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import type { FormatsPluginOptions } from 'ajv-formats';

/** The JSON Schema dialect of a document: OpenAPI 3.0 (a draft-05-like subset) or 3.1 (JSON Schema 2020-12). */
export type Dialect = '3.0' | '3.1';

/** The ajv instance type both dialects share. */
export type AjvInstance = Ajv | Ajv2020;

// ajv-formats is CommonJS: under NodeNext the default import is `module.exports`, which is the plugin itself at
// runtime, while its typings describe an ES module with a `default` member. Accept both shapes.
const addFormats: Plugin<FormatsPluginOptions> =
  typeof formatsModule === 'function'
    ? (formatsModule as unknown as Plugin<FormatsPluginOptions>)
    : (formatsModule as unknown as { default: Plugin<FormatsPluginOptions> }).default;

/**
 * A fresh ajv for one document. `allErrors` so a client sees every violation at once; `strict: false` because
 * OpenAPI schemas carry keywords JSON Schema does not know (`example`, `xml`, `externalDocs`); `discriminator`
 * (OpenAPI §4.8.25) is understood by ajv itself. 3.0 uses ajv's draft-07 engine, which also implements the 3.0
 * `nullable` keyword; 3.1 uses the 2020-12 engine (OpenAPI 3.1 §4.8.24: the Schema Object is a superset of 2020-12).
 */
export function createAjv(dialect: Dialect): AjvInstance {
  const options: Options = { strict: false, allErrors: true, discriminator: true, validateSchema: false };
  const ajv = dialect === '3.0' ? new Ajv(options) : new Ajv2020(options);
  addFormats(ajv);
  // OpenAPI's format registry lists uint64 (documents generated from protos use it); like int64 it annotates a
  // string, so it is accepted without a check rather than warned about.
  ajv.addFormat('uint64', true);
  return ajv;
}
