/** WSDL 1.1 / XML Schema import: the one entry point of src/soap/wsdl. */
export { importWsdl, importWsdlSync, IMPORT_WSDL_DEFAULTS, type ImportWsdlOptions } from './import-wsdl.js';
export { WsdlError, formatWsdlIssue, type WsdlIssue } from './wsdl-error.js';
