import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { formatWsdlIssue, importWsdlSync, WsdlError } from '../../src/soap/wsdl/index.js';

const fixtures = fileURLToPath(new URL('../fixtures/wsdl/', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'wsdl-errors-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The sections of a small valid WSDL (one document/literal operation on SOAP 1.1); a case replaces some of them. */
interface Sections {
  readonly schema?: string;
  readonly messages?: string;
  readonly portTypes?: string;
  readonly bindings?: string;
  readonly services?: string;
  readonly extra?: string;
}

const MESSAGES = `
  <wsdl:message name="PingRequest"><wsdl:part name="body" element="tns:Ping"/></wsdl:message>
  <wsdl:message name="PingResponse"><wsdl:part name="body" element="tns:Pong"/></wsdl:message>`;
const PORT_TYPES = `
  <wsdl:portType name="PingPort">
    <wsdl:operation name="Ping">
      <wsdl:input message="tns:PingRequest"/>
      <wsdl:output message="tns:PingResponse"/>
    </wsdl:operation>
  </wsdl:portType>`;
const binding = (inside: string, top = '<soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>'): string => `
  <wsdl:binding name="PingSoap" type="tns:PingPort">
    ${top}
    <wsdl:operation name="Ping">
      ${inside}
    </wsdl:operation>
  </wsdl:binding>`;
const BINDINGS = binding(`<soap:operation soapAction="urn:t/Ping"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>`);
const SERVICES = `
  <wsdl:service name="PingService">
    <wsdl:port name="PingSoap" binding="tns:PingSoap"><soap:address location="http://ping.example/"/></wsdl:port>
  </wsdl:service>`;

function wsdl(sections: Sections): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:http="http://schemas.xmlsoap.org/wsdl/http/"
    xmlns:mime="http://schemas.xmlsoap.org/wsdl/mime/" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:t" targetNamespace="urn:t">
  <wsdl:types>
    <xs:schema targetNamespace="urn:t" elementFormDefault="qualified">
      <xs:element name="Ping" type="xs:string"/>
      <xs:element name="Pong" type="xs:string"/>${sections.schema ?? ''}
    </xs:schema>
  </wsdl:types>${sections.messages ?? MESSAGES}${sections.portTypes ?? PORT_TYPES}${sections.bindings ?? BINDINGS}${sections.services ?? SERVICES}${sections.extra ?? ''}
</wsdl:definitions>
`;
}

/** Writes `files` into a fresh directory and imports the first one; returns the formatted issues. */
function issuesOf(files: Readonly<Record<string, string>>): string[] {
  const dir = mkdtempSync(path.join(scratch, 'case-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return importIssues(Object.keys(files)[0] ?? '', dir);
}

function importIssues(source: string, baseDir: string): string[] {
  try {
    importWsdlSync(source, { baseDir });
  } catch (error) {
    if (error instanceof WsdlError) return error.issues.map(formatWsdlIssue);
    throw error;
  }
  return [];
}

const schemaCase = (schema: string): Record<string, string> => ({ 'case.wsdl': wsdl({ schema }) });

/** [what, files (the first is imported), expected issues]; a schema snippet starts on line 10. */
type Case = readonly [string, Record<string, string>, readonly string[]];

const SCHEMA_CASES: readonly Case[] = [
  ['xs:redefine', schemaCase(`
      <xs:redefine schemaLocation="other.xsd"/>`), [
    "case.wsdl:10: xs:redefine is not supported: it changes components of another schema in place; edit a copy of that schema instead",
  ]],
  ['substitutionGroup and abstract elements', schemaCase(`
      <xs:element name="Head" type="xs:string" abstract="true"/>
      <xs:element name="Member" type="xs:string" substitutionGroup="tns:Head"/>`), [
    "case.wsdl:10: element \"Head\": abstract elements are not supported: they only appear through substitution groups",
    "case.wsdl:11: element \"Member\": substitutionGroup is not supported: members of a substitution group may replace the head element in instances",
  ]],
  ['a SOAP-encoded array', schemaCase(`
      <xs:complexType name="Names">
        <xs:complexContent>
          <xs:restriction base="soapenc:Array">
            <xs:attribute ref="soapenc:arrayType" xmlns:w="http://schemas.xmlsoap.org/wsdl/" w:arrayType="xs:string[]"/>
          </xs:restriction>
        </xs:complexContent>
      </xs:complexType>`), [
    "case.wsdl:12: restriction in complexType \"Names\": the SOAP encoding type {http://schemas.xmlsoap.org/soap/encoding/}Array is not supported: it belongs to use=\"encoded\", and only literal use is",
    "case.wsdl:13: attribute ref=\"soapenc:arrayType\" in complexType \"Names\": wsdl:arrayType (a SOAP-encoded array) is not supported: only literal use is",
  ]],
  ['an unknown type, with a suggestion', schemaCase(`
      <xs:complexType name="Order"/>
      <xs:element name="o" type="tns:Ordr"/>`), ["case.wsdl:11: element \"o\": unknown type {urn:t}Ordr; did you mean {urn:t}Order?"]],
  ['an unknown built-in type', schemaCase(`
      <xs:element name="s" type="xs:strng"/>`), ["case.wsdl:10: element \"s\": xs:strng is not an XML Schema built-in type; did you mean xs:string?"]],
  ['an undeclared prefix', schemaCase(`
      <xs:element name="s" type="foo:Bar"/>`), ["case.wsdl:10: element \"s\": cannot resolve \"foo:Bar\": its namespace prefix is not declared"]],
  ['a type in another namespace than the prefix says', schemaCase(`
      <xs:simpleType name="Code"><xs:restriction base="xs:string"/></xs:simpleType>
      <xs:element name="s" type="xs:Code"/>
      <xs:element name="x" xmlns:other="urn:other">
        <xs:complexType><xs:sequence><xs:element ref="other:Ping"/></xs:sequence></xs:complexType>
      </xs:element>`), [
    "case.wsdl:11: element \"s\": xs:Code is not an XML Schema built-in type; a type Code exists in \"urn:t\": check the namespace prefix",
    "case.wsdl:13: element ref=\"other:Ping\" in element \"x\": unknown element {urn:other}Ping; an element Ping exists in \"urn:t\": check the namespace prefix",
  ]],
  ['a circular derivation', schemaCase(`
      <xs:complexType name="A"><xs:complexContent><xs:extension base="tns:B"/></xs:complexContent></xs:complexType>
      <xs:complexType name="B"><xs:complexContent><xs:extension base="tns:A"/></xs:complexContent></xs:complexType>`), ["case.wsdl:11: extension in complexType \"B\": circular derivation: {urn:t}A derives from itself"]],
  ['a circular group and a circular simple type', schemaCase(`
      <xs:group name="G"><xs:sequence><xs:group ref="tns:G"/></xs:sequence></xs:group>
      <xs:simpleType name="S"><xs:restriction base="tns:S"/></xs:simpleType>`), [
    "case.wsdl:10: group ref=\"tns:G\" in group \"G\": circular group: {urn:t}G contains itself",
    "case.wsdl:11: simpleType \"S\": circular definition: {urn:t}S is derived from itself",
  ]],
  ['bad occurrence bounds', schemaCase(`
      <xs:complexType name="T">
        <xs:sequence>
          <xs:element name="a" type="xs:string" maxOccurs="many"/>
          <xs:element name="b" type="xs:string" minOccurs="3" maxOccurs="2"/>
        </xs:sequence>
      </xs:complexType>`), [
    "case.wsdl:12: element \"a\" in complexType \"T\": maxOccurs=\"many\" is not a non-negative integer or \"unbounded\"",
    "case.wsdl:13: element \"b\" in complexType \"T\": minOccurs 3 is greater than maxOccurs 2",
  ]],
  ['a misspelt construct', schemaCase(`
      <xs:complexType name="T">
        <xs:sequense><xs:element name="a" type="xs:string"/></xs:sequense>
      </xs:complexType>`), ['case.wsdl:11: sequense in complexType "T": unexpected xs:sequense in xs:complexType']],
  ['XSD 1.1 constructs', schemaCase(`
      <xs:complexType name="T">
        <xs:sequence><xs:all><xs:element name="a" type="xs:string"/></xs:all></xs:sequence>
        <xs:assert test="true()"/>
      </xs:complexType>`), [
    "case.wsdl:11: all in complexType \"T\": xs:all nested in another model group is only allowed by XSD 1.1, which is not supported",
    "case.wsdl:12: assert in complexType \"T\": xs:assert (XSD 1.1) is not supported",
  ]],
  ['types that need a DTD', schemaCase(`
      <xs:attribute name="e" type="xs:ENTITY"/>`), [
    "case.wsdl:10: attribute \"e\": the built-in type xs:ENTITY is not supported: its values refer to DTD declarations",
  ]],
  ['a duplicate definition', schemaCase(`
      <xs:simpleType name="Ping"><xs:restriction base="xs:string"/></xs:simpleType>
      <xs:complexType name="Ping"/>`), ["case.wsdl:11: type {urn:t}Ping is defined twice (also at case.wsdl:10)"]],
  ['a bad facet and a complex type used as a simple one', schemaCase(`
      <xs:complexType name="C"/>
      <xs:simpleType name="S">
        <xs:restriction base="xs:string">
          <xs:maxLength value="-1"/>
          <xs:foo value="1"/>
        </xs:restriction>
      </xs:simpleType>
      <xs:attribute name="a" type="tns:C"/>`), [
    "case.wsdl:13: maxLength in simpleType \"S\": xs:maxLength value \"-1\" is not a non-negative integer",
    "case.wsdl:14: foo in simpleType \"S\": unexpected xs:foo in a simple type restriction",
    "case.wsdl:17: attribute \"a\": {urn:t}C is a complex type, but a simple type is needed here",
  ]],
  ['a reference into a namespace imported without a location', schemaCase(`
      <xs:import namespace="urn:nowhere"/>
      <xs:element name="x" type="n:T" xmlns:n="urn:nowhere"/>`), [
    "case.wsdl:11: element \"x\": unknown type {urn:nowhere}T; namespace \"urn:nowhere\" is imported without a schemaLocation and no schema in this WSDL declares it",
  ]],
  ['complexContent from a simple type', schemaCase(`
      <xs:complexType name="T"><xs:complexContent><xs:extension base="xs:string"/></xs:complexContent></xs:complexType>`), [
    "case.wsdl:10: extension in complexType \"T\": complexContent cannot derive from the simple type {http://www.w3.org/2001/XMLSchema}string; use simpleContent",
  ]],
  ['an old XML Schema namespace', {
    'case.wsdl': wsdl({}).replace('</wsdl:types>', '  <s:schema xmlns:s="http://www.w3.org/1999/XMLSchema"/>\n  </wsdl:types>'),
  }, [
    "case.wsdl:11: the XML Schema draft namespace http://www.w3.org/1999/XMLSchema is not supported; use http://www.w3.org/2001/XMLSchema",
  ]],
  ['a missing include', schemaCase(`
      <xs:include schemaLocation="missing.xsd"/>`), ["case.wsdl:10: cannot read \"missing.xsd\": no such file"]],
  ['an import whose schema has another namespace', {
    'case.wsdl': wsdl({ schema: `
      <xs:import namespace="urn:expected" schemaLocation="other.xsd"/>` }),
    'other.xsd': '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:actual"/>',
  }, [
    "case.wsdl:10: xs:import expects namespace \"urn:expected\" but the schema's targetNamespace is \"urn:actual\"",
  ]],
  ['an include of another namespace', {
    'case.wsdl': wsdl({ schema: `
      <xs:include schemaLocation="other.xsd"/>` }),
    'other.xsd': '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:other"/>',
  }, [
    "case.wsdl:10: xs:include of a schema for namespace \"urn:other\" into namespace \"urn:t\": use xs:import for another namespace",
  ]],
  ['a malformed imported schema', {
    'case.wsdl': wsdl({ schema: `
      <xs:import namespace="urn:other" schemaLocation="xsd/other.xsd"/>` }),
    'xsd/other.xsd': '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:other">\n  <xs:element name="a">\n</xs:schema>',
  }, [
    "xsd/other.xsd:3: not well-formed XML: Expected closing tag 'xs:element' (opened in line 2, col 3) instead of closing tag 'xs:schema'.",
  ]],
];

const WSDL_CASES: readonly Case[] = [
  ['use="encoded"', { 'case.wsdl': wsdl({ bindings: binding(`<wsdl:input><soap:body use="encoded" encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>`) }) }, [
    "case.wsdl:23: soap:body in input in operation \"Ping\" in binding \"PingSoap\": use=\"encoded\" (SOAP encoding) is not supported: only literal use is",
  ]],
  ['one-way, notification and solicit-response operations', { 'case.wsdl': wsdl({
    portTypes: `
  <wsdl:portType name="PingPort">
    <wsdl:operation name="Ping"><wsdl:input message="tns:PingRequest"/></wsdl:operation>
    <wsdl:operation name="Notify"><wsdl:output message="tns:PingResponse"/></wsdl:operation>
    <wsdl:operation name="Ask"><wsdl:output message="tns:PingResponse"/><wsdl:input message="tns:PingRequest"/></wsdl:operation>
  </wsdl:portType>`,
    bindings: binding(`<wsdl:input><soap:body use="literal"/></wsdl:input>
    </wsdl:operation>
    <wsdl:operation name="Notify">
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>
    <wsdl:operation name="Ask">
      <wsdl:output><soap:body use="literal"/></wsdl:output>
      <wsdl:input><soap:body use="literal"/></wsdl:input>`),
  }) }, [
    "case.wsdl:15: operation \"Ping\" in portType \"PingPort\": one-way operations (input without output) are not supported",
    "case.wsdl:16: operation \"Notify\" in portType \"PingPort\": notification operations (output without input) are not supported",
    "case.wsdl:17: operation \"Ask\" in portType \"PingPort\": solicit-response operations (output before input) are not supported",
  ]],
  ['unknown message, port type and binding', { 'case.wsdl': wsdl({
    portTypes: PORT_TYPES.replace('tns:PingRequest', 'tns:PingRequets'),
    bindings: BINDINGS + BINDINGS.replace('tns:PingPort', 'tns:NoSuchPort').replace('name="PingSoap"', 'name="Unused"'),
    services: SERVICES.replace('binding="tns:PingSoap"', 'binding="tns:PingSop"'),
  }) }, [
    "case.wsdl:16: input in operation \"Ping\" in portType \"PingPort\": unknown message {urn:t}PingRequets; did you mean {urn:t}PingRequest?",
    "case.wsdl:28: binding \"Unused\": unknown port type {urn:t}NoSuchPort",
    "case.wsdl:37: port \"PingSoap\" in service \"PingService\": unknown binding {urn:t}PingSop; did you mean {urn:t}PingSoap?",
  ]],
  ['a binding operation missing from the port type', { 'case.wsdl': wsdl({ bindings: BINDINGS.replace('<wsdl:operation name="Ping">', '<wsdl:operation name="Pong">') }) }, ["case.wsdl:22: operation \"Pong\" in binding \"PingSoap\": port type PingPort has no operation \"Pong\""]],
  ['document style with a type= part, rpc style with an element= part', { 'case.wsdl': wsdl({
    messages: MESSAGES.replace('element="tns:Ping"', 'type="xs:string"'),
    portTypes: PORT_TYPES + `
  <wsdl:portType name="RpcPort">
    <wsdl:operation name="Call"><wsdl:input message="tns:PingResponse"/><wsdl:output message="tns:PingResponse"/></wsdl:operation>
  </wsdl:portType>`,
    bindings: BINDINGS + `
  <wsdl:binding name="RpcSoap" type="tns:RpcPort">
    <soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Call">
      <wsdl:input><soap:body use="literal" namespace="urn:rpc"/></wsdl:input>
      <wsdl:output><soap:body use="literal" namespace="urn:rpc"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>`,
    services: SERVICES.replace('</wsdl:service>', '  <wsdl:port name="Rpc" binding="tns:RpcSoap"><soap:address location="http://rpc.example/"/></wsdl:port>\n  </wsdl:service>'),
  }) }, [
    "case.wsdl:12: part \"body\" in message \"PingRequest\": uses type=, but document style (and every header and fault) needs element=",
    "case.wsdl:13: part \"body\" in message \"PingResponse\": uses element=, but rpc/literal needs type= (WS-I BP R2203)",
  ]],
  ['a MIME attachments binding', { 'case.wsdl': wsdl({ bindings: binding(`<wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><mime:multipartRelated><mime:part><soap:body use="literal"/></mime:part></mime:multipartRelated></wsdl:output>`) }) }, [
    "case.wsdl:24: mime:multipartRelated in output in operation \"Ping\" in binding \"PingSoap\": MIME and DIME attachment bindings are not supported",
  ]],
  ['parts= naming a part the message lacks', { 'case.wsdl': wsdl({ bindings: binding(`<wsdl:input><soap:body parts="nope" use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>`) }) }, [
    "case.wsdl:23: soap:body in input in operation \"Ping\" in binding \"PingSoap\": parts= names \"nope\", which message PingRequest does not have",
  ]],
  ['SOAP versions mixed in one binding, and between address and binding', { 'case.wsdl': wsdl({
    bindings: binding(`<soap12:operation soapAction="x"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>`),
    services: SERVICES.replace('<soap:address', '<soap12:address'),
  }) }, [
    "case.wsdl:23: soap12:operation in operation \"Ping\" in binding \"PingSoap\": SOAP versions are mixed: the binding is SOAP 1.1",
    "case.wsdl:29: soap12:address in port \"PingSoap\" in service \"PingService\": is a SOAP 1.2 address but binding PingSoap is SOAP 1.1",
  ]],
  ['a SOAP address on an HTTP binding', { 'case.wsdl': wsdl({
    bindings: binding('<wsdl:input/><wsdl:output/>', '<http:binding verb="GET"/>'),
  }) }, [
    "case.wsdl:27: port \"PingSoap\" in service \"PingService\": has soap:address but binding PingSoap is not a SOAP binding",
  ]],
  ['another transport', { 'case.wsdl': wsdl({ bindings: BINDINGS.replace('http://schemas.xmlsoap.org/soap/http', 'http://www.example.org/jms') }) }, [
    "case.wsdl:21: soap:binding in binding \"PingSoap\": the transport http://www.example.org/jms is not supported: only SOAP over HTTP (http://schemas.xmlsoap.org/soap/http) is",
  ]],
  ['an overloaded operation', { 'case.wsdl': wsdl({ portTypes: PORT_TYPES.replace('</wsdl:portType>', `  <wsdl:operation name="Ping">
      <wsdl:input message="tns:PingResponse"/>
      <wsdl:output message="tns:PingRequest"/>
    </wsdl:operation>
  </wsdl:portType>`) }) }, [
    "case.wsdl:26: operation \"Ping\" in binding \"PingSoap\": operation \"Ping\" is overloaded in port type PingPort: overloading is not supported (WS-I BP R2304)",
  ]],
  ['a typed header part and a fault message with two parts', { 'case.wsdl': wsdl({
    messages: MESSAGES + `
  <wsdl:message name="Hdr"><wsdl:part name="h" type="xs:string"/></wsdl:message>
  <wsdl:message name="Fault2"><wsdl:part name="a" element="tns:Ping"/><wsdl:part name="b" element="tns:Pong"/></wsdl:message>`,
    portTypes: PORT_TYPES.replace('</wsdl:operation>', '  <wsdl:fault name="F" message="tns:Fault2"/>\n    </wsdl:operation>'),
    bindings: binding(`<wsdl:input><soap:body use="literal"/><soap:header message="tns:Hdr" part="h" use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
      <wsdl:fault name="F"><soap:fault name="F" use="literal"/></wsdl:fault>`),
  }) }, [
    "case.wsdl:14: part \"h\" in message \"Hdr\": uses type=, but document style (and every header and fault) needs element=",
    "case.wsdl:20: fault \"F\" in operation \"Ping\" in portType \"PingPort\": a fault message needs exactly one part, and Fault2 has 2",
  ]],
  ['no soap:body, and a binding fault the port type lacks', { 'case.wsdl': wsdl({ bindings: binding(`<wsdl:input/>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
      <wsdl:fault name="Oops"><soap:fault name="Oops" use="literal"/></wsdl:fault>`) }) }, [
    "case.wsdl:23: input in operation \"Ping\" in binding \"PingSoap\": has no soap:body",
    "case.wsdl:25: fault \"Oops\" in operation \"Ping\" in binding \"PingSoap\": the port type operation has no fault \"Oops\"",
  ]],
  ['a part element nothing declares', { 'case.wsdl': wsdl({ messages: MESSAGES.replace('element="tns:Ping"', 'element="x:Ping" xmlns:x="urn:unknown"') }) }, [
    "case.wsdl:12: part \"body\" in message \"PingRequest\": unknown element {urn:unknown}Ping; an element Ping exists in \"urn:t\": check the namespace prefix",
  ]],
  ['a required extension', { 'case.wsdl': wsdl({ extra: `
  <ext:Security xmlns:ext="urn:ext" wsdl:required="true"/>
  <ext:Optional xmlns:ext="urn:ext"/>` }) }, [
    "case.wsdl:31: ext:Security: wsdl:required=\"true\", but the extension namespace urn:ext is not supported",
  ]],
  ['WSDL 2.0', { 'case.wsdl': '<description xmlns="http://www.w3.org/ns/wsdl" targetNamespace="urn:t"/>' }, ["case.wsdl:1: WSDL 2.0 is not supported: only WSDL 1.1 (wsdl:definitions)"]],
  ['a schema instead of a WSDL', { 'case.wsdl': '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>' }, ["case.wsdl:1: this is an XML Schema, not a WSDL 1.1 document"]],
  ['malformed XML', { 'case.wsdl': '<?xml version="1.0"?>\n<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">\n  <wsdl:types>\n</wsdl:definitions>\n' }, [
    "case.wsdl:4: not well-formed XML: Expected closing tag 'wsdl:types' (opened in line 3, col 3) instead of closing tag 'wsdl:definitions'.",
  ]],
  ['an undefined entity', { 'case.wsdl': '<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" name="&ent;"/>' }, ["case.wsdl:1: undefined entity \"&ent;\": only the five predefined entities exist without a DTD"]],
  ['no service', { 'case.wsdl': wsdl({ services: '' }) }, ["case.wsdl:2: no service has a SOAP 1.1 or SOAP 1.2 port"]],
  ['a DOCTYPE', { 'case.wsdl': '<?xml version="1.0"?>\n<!-- <!DOCTYPE hidden in a comment is refused too -->\n<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"/>' }, [
    "case.wsdl:2: a DOCTYPE declaration is not allowed: WSDL and XSD documents are read without DTDs or entities",
  ]],
  ['a DOCTYPE in an imported schema', {
    'case.wsdl': wsdl({ schema: `
      <xs:import namespace="urn:other" schemaLocation="other.xsd"/>` }),
    'other.xsd': '<!DOCTYPE xs:schema SYSTEM "file:///etc/passwd">\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:other"/>',
  }, [
    "other.xsd:1: a DOCTYPE declaration is not allowed: WSDL and XSD documents are read without DTDs or entities",
  ]],
  ['a wsdl:import with the wrong namespace', {
    'case.wsdl': wsdl({ extra: '\n  <wsdl:import namespace="urn:expected" location="more.wsdl"/>' }),
    'more.wsdl': '<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" targetNamespace="urn:actual"/>',
  }, [
    "case.wsdl:31: wsdl:import declares namespace \"urn:expected\" but the imported WSDL's targetNamespace is \"urn:actual\"",
  ]],
];

describe('importWsdl: unsupported and broken schemas', () => {
  it.each(SCHEMA_CASES)('%s', (_name, files, expected) => {
    expect(issuesOf(files)).toEqual(expected);
  });
});

describe('importWsdl: unsupported and broken WSDL', () => {
  it.each(WSDL_CASES)('%s', (_name, files, expected) => {
    expect(issuesOf(files)).toEqual(expected);
  });
});

describe('importWsdl: documents refused before parsing, and limits', () => {
  it('refuses a WSDL with a DOCTYPE (entity expansion never happens)', () => {
    expect(importIssues('doctype.wsdl', fixtures)).toEqual([
      'doctype.wsdl:2: a DOCTYPE declaration is not allowed: WSDL and XSD documents are read without DTDs or entities',
    ]);
  });

  it('names the whole error after the source and lists every issue', () => {
    let error: unknown;
    try {
      importWsdlSync('doctype.wsdl', { baseDir: fixtures });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WsdlError);
    expect((error as WsdlError).message).toBe(
      'cannot import WSDL doctype.wsdl (1 problem):\n  - doctype.wsdl:2: a DOCTYPE declaration is not allowed: WSDL and XSD documents are read without DTDs or entities',
    );
  });

  it('enforces maxBytes and maxDocuments', () => {
    expect(() => importWsdlSync('services.wsdl', { baseDir: fixtures, maxBytes: 1000 })).toThrow(/services\.wsdl: \d+ bytes is larger than the limit of 1000 bytes/);
    const issues = (() => {
      try {
        importWsdlSync('imports/main.wsdl', { baseDir: fixtures, maxDocuments: 3 });
      } catch (error) {
        return (error as WsdlError).issues.map(formatWsdlIssue);
      }
      return [];
    })();
    expect(issues).toEqual([
      'imports/xsd/common.xsd:5: cannot read "imports/shared/units.xsd": more than 3 documents (maxDocuments)',
      'imports/main.wsdl:16: cannot read "imports/xsd/order-parts.xsd": more than 3 documents (maxDocuments)',
    ]);
  });

  it('does not fetch from the synchronous variant, nor without allowFetch', () => {
    expect(importIssues('http://127.0.0.1:9/x.wsdl', fixtures)).toEqual(['http://127.0.0.1:9/x.wsdl: fetching a URL needs the asynchronous importWsdl']);
    expect(issuesOf({ 'case.wsdl': wsdl({ schema: `
      <xs:import namespace="urn:remote" schemaLocation="http://127.0.0.1:9/remote.xsd"/>` }) })).toEqual([
      'case.wsdl:10: cannot read "http://127.0.0.1:9/remote.xsd": fetching a URL needs the asynchronous importWsdl',
    ]);
  });

  it('rejects bad options', () => {
    expect(() => importWsdlSync('services.wsdl', { baseDir: fixtures, timeoutMs: 0 })).toThrow('importWsdl: timeoutMs must be a positive integer, got 0');
  });
});

describe('importWsdl: character encodings and references', () => {
  const schema = `
      <xs:simpleType name="Word">
        <xs:restriction base="xs:string">
          <xs:enumeration value="caf\u00e9"/>
          <xs:pattern value="[^&lt;&#x3E;&amp;]+"/>
        </xs:restriction>
      </xs:simpleType>`;

  function importText(bytes: Buffer): ReturnType<typeof importWsdlSync> {
    const dir = mkdtempSync(path.join(scratch, 'encoding-'));
    writeFileSync(path.join(dir, 'case.wsdl'), bytes);
    return importWsdlSync('case.wsdl', { baseDir: dir });
  }

  it('decodes the declared encoding, a byte-order mark, and the predefined and character references', () => {
    const latin1 = Buffer.from(wsdl({ schema }).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), 'latin1');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(wsdl({ schema }).replace('encoding="UTF-8"', 'encoding="UTF-16"'), 'utf16le')]);
    for (const bytes of [latin1, utf16]) {
      expect(importText(bytes).types?.[0]).toEqual({
        kind: 'simple',
        name: { ns: 'urn:t', local: 'Word' },
        builtin: 'string',
        facets: { enumeration: ['caf\u00e9'], pattern: ['[^<>&]+'] },
      });
    }
  });

  it('refuses an unknown encoding and bytes that are not what the declaration says', () => {
    expect(issuesOf({ 'case.wsdl': wsdl({}).replace('encoding="UTF-8"', 'encoding="X-UNKNOWN"') })).toEqual(['case.wsdl:1: unsupported character encoding "x-unknown"']);
    const dir = mkdtempSync(path.join(scratch, 'encoding-'));
    writeFileSync(path.join(dir, 'case.wsdl'), Buffer.from(wsdl({ schema }), 'latin1'));
    expect(importIssues('case.wsdl', dir)).toEqual(['case.wsdl:1: the bytes are not valid utf-8']);
  });
});
