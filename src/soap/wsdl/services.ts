import type { WsdlPort, WsdlService } from '../model.js';
import { SOAP11_BINDING_NS, SOAP12_BINDING_NS } from './namespaces.js';
import type { SchemaCompiler } from './schema-compiler.js';
import { bindSoapOperations, type BoundOperations } from './soap-operations.js';
import { attr, isWsdl } from './xml-helpers.js';
import type { Definition, WsdlIndex } from './wsdl-index.js';

/**
 * The services with their SOAP 1.1 and 1.2 ports. A port without soap:address / soap12:address (an HTTP GET/POST
 * binding, say) is skipped, and so is a service left with no SOAP port: the gateway can only speak SOAP to them.
 * Ports sharing a binding share its operations.
 */
export function buildServices(index: WsdlIndex, schemas: SchemaCompiler): WsdlService[] {
  const bindings = new Map<Definition, BoundOperations | 'not-soap' | undefined>();
  const bound = (binding: Definition): BoundOperations | 'not-soap' | undefined => {
    if (!bindings.has(binding)) bindings.set(binding, bindSoapOperations(index, schemas, binding));
    return bindings.get(binding);
  };
  const services: WsdlService[] = [];
  for (const service of index.all('service')) {
    const ports: WsdlPort[] = [];
    for (const port of service.element.children.filter((child) => isWsdl(child, 'port'))) {
      const address = port.children.find(
        (child) => (child.name.ns === SOAP11_BINDING_NS || child.name.ns === SOAP12_BINDING_NS) && child.name.local === 'address',
      );
      if (address === undefined) continue;
      const name = attr(port, 'name') ?? '';
      const location = attr(address, 'location');
      if (location === undefined) index.report(address, 'location= is missing');
      const binding = index.ref(port, 'binding', 'binding');
      if (binding === undefined || location === undefined) continue;
      const operations = bound(binding);
      if (operations === undefined) continue;
      if (operations === 'not-soap') {
        index.report(port, `has ${address.written} but binding ${binding.name.local} is not a SOAP binding`);
        continue;
      }
      const addressVersion = address.name.ns === SOAP11_BINDING_NS ? '1.1' : '1.2';
      if (addressVersion !== operations.soapVersion) {
        index.report(address, `is a SOAP ${addressVersion} address but binding ${binding.name.local} is SOAP ${operations.soapVersion}`);
        continue;
      }
      ports.push({ name, address: location, soapVersion: operations.soapVersion, binding: binding.name, operations: operations.operations });
    }
    if (ports.length > 0) services.push({ name: service.name.local, ports });
  }
  // A binding no port uses still has its problems reported: it is in the file, and will be used one day.
  for (const binding of index.all('binding')) bound(binding);
  return services;
}
