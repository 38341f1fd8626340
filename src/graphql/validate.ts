import { type ValidationError, validate } from 'class-validator';
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
export const validateArgument: ValidatorFn = async (argValue, _argType, resolverData) => {
  if (argValue === null || typeof argValue !== 'object') return;
  const targets = Array.isArray(argValue) ? (argValue as unknown[]) : [argValue];
  // the arg name is not passed to a ValidatorFn: find it by identity among the resolver's args
  const argName = Object.entries(resolverData.args).find(([, value]) => value === argValue)?.[0];
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
