import { type ValidationError, validate } from 'class-validator';
import { getNamedType, type GraphQLResolveInfo } from 'graphql';
import type { ValidatorFn } from 'type-graphql';
import { BadUserInputError } from './errors.js';

function collect(errors: ValidationError[], prefix: string, into: Record<string, string>): void {
  for (const error of errors) {
    const path = prefix === '' ? error.property : `${prefix}.${error.property}`;
    const messages = Object.values(error.constraints ?? {});
    const [first] = messages;
    if (first !== undefined) into[path] = first;
    if (error.children !== undefined && error.children.length > 0) {
      collect(error.children, path, into);
    }
  }
}

/**
 * type-graphql `validateFn`: runs class-validator on every input object and reports each broken
 * rule under its input path (`input.address.subRegionCode`), as SPEC §3 asks.
 */
/**
 * The name of the field argument whose input type is `argType`, or undefined for an `@Args()`
 * class (its fields are the arguments themselves). A ValidatorFn is not told the argument name.
 */
function argumentNameFor(info: GraphQLResolveInfo, argType: unknown): string | undefined {
  if (typeof argType !== 'function') return undefined;
  const field = info.parentType.getFields()[info.fieldName];
  return field?.args.find((arg) => getNamedType(arg.type).name === argType.name)?.name;
}

export const validateArgument: ValidatorFn = async (argValue, argType, resolverData) => {
  if (argValue === null || typeof argValue !== 'object') return;
  const targets = Array.isArray(argValue) ? (argValue as unknown[]) : [argValue];
  const argName = argumentNameFor(resolverData.info, argType);
  const fields: Record<string, string> = {};
  for (const [index, target] of targets.entries()) {
    if (target === null || typeof target !== 'object') continue;
    const errors = await validate(target as object, {
      forbidUnknownValues: false,
      validationError: { target: false, value: false },
    });
    const base = [argName ?? '', Array.isArray(argValue) ? String(index) : '']
      .filter((part) => part !== '')
      .join('.');
    collect(errors, base, fields);
  }
  if (Object.keys(fields).length > 0) throw new BadUserInputError(fields);
};
