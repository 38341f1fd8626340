import { type ValidationError, validate } from 'class-validator';
import { type FieldNode, getNamedType, type GraphQLResolveInfo } from 'graphql';
import type { ValidatorFn } from 'type-graphql';
import { BadUserInputError } from './errors.js';
import { passesClassValidator } from './quick-validate.js';

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
 * The name of the field argument whose input type is `argType`, or undefined for an `@Args()`
 * class (its fields are the arguments themselves). A ValidatorFn is not told the argument name.
 */
function argumentNameFor(info: GraphQLResolveInfo, argType: unknown): string | undefined {
  if (typeof argType !== 'function') return undefined;
  const field = info.parentType.getFields()[info.fieldName];
  return field?.args.find((arg) => getNamedType(arg.type).name === argType.name)?.name;
}

/**
 * C0 controls but tab (U+0009) and newline (U+000A), DEL and the C1 controls: a NUL ends a C
 * string in drivers and logs, and none of them is text a person typed.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/** A UTF-16 surrogate not part of a pair (with `u`, a proper pair is one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

/** Why a text input is refused, or undefined when it is acceptable text. */
export function textProblem(value: string): string | undefined {
  if (FORBIDDEN_CONTROL.test(value)) {
    return 'must not contain control characters (only newline and tab are allowed)';
  }
  // a lone UTF-16 surrogate is no character: it cannot be stored, encoded or compared
  if (LONE_SURROGATE.test(value))
    return 'must be valid Unicode text (it contains a lone surrogate)';
  return undefined;
}

/** Adds a problem for every string in `value` (any depth), under its input path. */
function collectText(value: unknown, path: string, into: Record<string, string>): void {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem !== undefined) into[path] = problem;
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => collectText(item, `${path}.${index}`, into));
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) collectText(item, `${path}.${key}`, into);
  }
}

/**
 * The one text check of every input: each string of each argument of the field (`email`,
 * `input.content`, `input.readings.2.note`), whatever its type (String, ID, custom scalars).
 */
export function checkText(args: Record<string, unknown>): void {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(args)) collectText(value, name, fields);
  if (Object.keys(fields).length > 0) throw new BadUserInputError(fields);
}

/**
 * type-graphql `validateFn`: refuses control characters and invalid Unicode in every string of
 * every argument ({@link checkText}), then runs class-validator on every input object and reports
 * each broken rule under its input path (`input.address.subRegionCode`), as SPEC §3 asks.
 */
export const validateArgument: ValidatorFn = (argValue, argType, resolverData) => {
  const { info } = resolverData;
  const [node] = info.fieldNodes;
  const field = info.parentType.getFields()[info.fieldName];
  if (node === undefined || field === undefined || typeof argType !== 'function') {
    return checkArgument(argValue, argType, resolverData);
  }
  const byNode = entry(verdicts, info.variableValues, () => new WeakMap());
  const byField = entry(byNode, node, () => new WeakMap());
  const byType = entry(byField, field, () => new WeakMap());
  return entry(byType, argType, () => checkArgument(argValue, argType, resolverData));
};

/**
 * Verdicts already reached in an operation, by its coerced variables, field node, field
 * definition and argument type, which together fix the arguments: a field under a list (the
 * dashboard's `notifications` of each of 20 families) is resolved with the very same arguments
 * once per item, and the checks are pure functions of them, so the first call's verdict (the
 * same error, if any) stands for the others. Entries go with the operation's variables object.
 */
const verdicts = new WeakMap<
  object,
  WeakMap<FieldNode, WeakMap<object, WeakMap<object, Promise<void>>>>
>();

function entry<K extends object, V>(map: WeakMap<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

const checkArgument = async (
  argValue: unknown,
  argType: unknown,
  resolverData: Parameters<ValidatorFn>[2],
): Promise<void> => {
  // type-graphql calls this once per parameter; the text check looks at all the field's arguments
  checkText(resolverData.args);
  if (argValue === null || typeof argValue !== 'object') return;
  const targets = Array.isArray(argValue) ? (argValue as unknown[]) : [argValue];
  const argName = argumentNameFor(resolverData.info, argType);
  const fields: Record<string, string> = {};
  for (const [index, target] of targets.entries()) {
    if (target === null || typeof target !== 'object') continue;
    // the usual, valid input skips class-validator; anything else gets its exact errors
    if (passesClassValidator(target)) continue;
    const errors = await validate(target, {
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
