/**
 * The parts of decoded descriptor.proto messages the descriptor-set loader reads, as protobufjs/ext/descriptor
 * decodes them (camelCase names, enums as numbers, unset fields absent).
 */

export interface FileProto {
  readonly name?: string;
  readonly package?: string;
  readonly dependency?: readonly string[];
  readonly messageType?: readonly MessageProto[];
  readonly enumType?: readonly EnumProto[];
  readonly extension?: readonly unknown[];
  readonly service?: readonly ServiceProto[];
  readonly sourceCodeInfo?: { readonly location?: readonly LocationProto[] };
  readonly syntax?: string;
  readonly edition?: number;
}

export interface MessageProto {
  readonly name?: string;
  readonly field?: readonly FieldProto[];
  readonly nestedType?: readonly MessageProto[];
  readonly enumType?: readonly EnumProto[];
  readonly oneofDecl?: readonly { readonly name?: string }[];
  readonly options?: { readonly mapEntry?: boolean };
}

export interface FieldProto {
  readonly name?: string;
  readonly label?: number;
  readonly typeName?: string;
  readonly jsonName?: string;
  readonly proto3Optional?: boolean;
}

export interface EnumProto {
  readonly name?: string;
  readonly value?: readonly { readonly name?: string }[];
}

export interface ServiceProto {
  readonly name?: string;
  readonly method?: readonly { readonly name?: string }[];
}

/** SourceCodeInfo.Location: `path` is field numbers and indexes from the file down (see descriptor.proto). */
export interface LocationProto {
  readonly path?: readonly number[];
  readonly leadingComments?: string;
  readonly trailingComments?: string;
}
