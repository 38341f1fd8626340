import { type GraphQLSchema, isObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

/**
 * Lets graphql-js read plain properties itself. type-graphql gives every `@Field` property of an
 * object type a resolver of its own (a closure that builds a resolver-data object and runs the
 * field's middlewares, of which properties here have none) unless the field is declared
 * `simple`: a dashboard reads about a thousand properties per request. A field keeps
 * type-graphql's resolver when it has a field resolver or getter, middlewares, roles, or a
 * GraphQL name other than its property's. Runs before the type guard wraps the fields, which
 * stays in front of every field either way.
 */
export function simplifyPropertyFields(schema: GraphQLSchema): void {
  const storage = getMetadataStorage();
  const resolved = new Set<string>();
  for (const resolver of storage.fieldResolvers) resolved.add(resolver.methodName);
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!isObjectType(type)) continue;
    const fields = type.getFields();
    for (const field of objectType.fields ?? []) {
      const graphqlField = fields[field.schemaName];
      if (
        graphqlField?.resolve === undefined ||
        field.schemaName !== field.name ||
        (field.roles?.length ?? 0) > 0 ||
        (field.middlewares?.length ?? 0) > 0 ||
        // a field resolver of that name anywhere: leave it to type-graphql, whatever the type
        resolved.has(field.name) ||
        // a getter or method of the class (or a superclass) computes the value
        field.name in (objectType.target as { prototype: object }).prototype
      )
        continue;
      graphqlField.resolve = undefined;
    }
  }
}
