/** The OpenAPI document of the routes published from WSDL operations, and its merge with the other generated one. */
export { generateSoapOpenApi, SOAP_PROBLEM_SCHEMA, type SoapOpenApiService } from './generate-openapi.js';
export { mergeGeneratedOpenApi } from './merge.js';
