import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';

/**
 * Schema-driven fuzzing (issue 13), shared by the HTTP and WebSocket fuzz tests: hostile text in
 * every String and ID position of every operation at once.
 */
export const HOSTILE: Record<string, string> = {
  nul: 'a\u0000b',
  'lone surrogate': 'a\ud800b',
  'control characters': '\u0007\u001b[31m\u0008\r',
  '10 KB': 'x'.repeat(10 * 1024),
  'quotes and percent': `'"\\%_;--`,
};

/** Text SQL errors and stack traces are made of: none may reach a client. */
export const LEAK =
  /\b(select|insert into|update .* set|delete from|sqlite|mariadb|sql syntax|er_\w+)\b|\bat .+\.(ts|js):\d+/i;

/**
 * A value of `type` with `text` in every String position, fillers elsewhere; IDs are `text` too,
 * or `id` (a real family's) so that the operation gets past its lookups.
 */
export function valueOf(
  type: GraphQLInputType,
  text: string,
  id: string | undefined,
  depth = 0,
): unknown {
  if (isNonNullType(type)) return valueOf(type.ofType, text, id, depth);
  if (isListType(type)) return [valueOf(type.ofType, text, id, depth)];
  if (isEnumType(type)) return type.getValues()[0]?.value;
  if (isInputObjectType(type)) {
    const object: Record<string, unknown> = {};
    if (depth > 4) return object;
    for (const field of Object.values(type.getFields())) {
      object[field.name] = valueOf(field.type, text, id, depth + 1);
    }
    return object;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'String':
        return text;
      case 'ID':
        return id ?? text;
      case 'Int':
        return 1;
      case 'Float':
        return 1.5;
      case 'Boolean':
        return false;
      case 'DateTime':
        return new Date().toISOString();
      case 'Date':
        return '2000-01-01';
      default:
        return text;
    }
  }
  return null;
}

/** True when `type` holds a String or ID somewhere. */
function takesText(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (isScalarType(named)) return named.name === 'String' || named.name === 'ID';
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((field) => takesText(field.type, seen));
}

export interface Target {
  operation: 'query' | 'mutation' | 'subscription';
  field: GraphQLField<unknown, unknown>;
}

/** Operations that may end the caller's own standing: each caller tries them last. */
const LAST = [
  'revokeSession',
  'revokeDevice',
  'removeMember',
  'leaveFamily',
  'deleteFamily',
  'deleteMe',
];

/**
 * The queries and mutations that take text, and (with `subscriptions`) every subscription, those
 * without arguments too: over a socket, starting and stopping them is part of the surface.
 */
export function targets(
  schema: GraphQLSchema,
  options: { subscriptions?: boolean } = {},
): Target[] {
  const list: Target[] = [];
  const roots: [Target['operation'], GraphQLObjectType | null | undefined][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ];
  for (const [operation, root] of roots) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      if (field.args.some((arg) => takesText(arg.type))) list.push({ operation, field });
    }
  }
  if (options.subscriptions === true) {
    for (const field of Object.values(schema.getSubscriptionType()?.getFields() ?? {}))
      list.push({ operation: 'subscription', field });
  }
  const rank = (target: Target) => LAST.indexOf(target.field.name);
  return list.sort((a, b) => rank(a) - rank(b));
}

/** The operation's document: every argument a variable, `__typename` of an object result. */
export function documentFor({ operation, field }: Target): string {
  const variables = field.args.map(
    (arg: GraphQLArgument) => `$${arg.name}: ${arg.type.toString()}`,
  );
  const args = field.args.map((arg) => `${arg.name}: $${arg.name}`);
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  const list = (items: string[]) => (items.length === 0 ? '' : `(${items.join(', ')})`);
  return `${operation}${list(variables)} { ${field.name}${list(args)}${selection} }`;
}

/** The variables of `target` with `text` in every String (and ID, unless `id` is given). */
export function variablesFor(
  target: Target,
  text: string,
  id: string | undefined,
): Record<string, unknown> {
  return Object.fromEntries(
    target.field.args.map((arg) => [arg.name, valueOf(arg.type, text, id)]),
  );
}
