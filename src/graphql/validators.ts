import { ValidateBy, type ValidationOptions } from 'class-validator';
import { passwordProblem } from '../auth/passwords.js';
import { isIsoDate } from './scalars.js';

/** Earliest birth date we accept as plausible. */
export const EARLIEST_BIRTH_DATE = '1900-01-01';

/** SPEC §5 password rule (10–128 characters); the message says which bound was missed. */
export function IsPassword(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPassword',
      validator: {
        validate: (value) => typeof value === 'string' && passwordProblem(value) === undefined,
        defaultMessage: (args) =>
          typeof args?.value === 'string'
            ? (passwordProblem(args.value) ?? 'is not valid')
            : 'must be a string',
      },
    },
    options,
  );
}

/** A birth date that is a real date between 1900-01-01 and yesterday. */
export function IsBirthDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isBirthDate',
      validator: {
        validate: (value) =>
          typeof value === 'string' &&
          isIsoDate(value) &&
          value >= EARLIEST_BIRTH_DATE &&
          value < new Date().toISOString().slice(0, 10),
        defaultMessage: () => `must be a date between ${EARLIEST_BIRTH_DATE} and yesterday`,
      },
    },
    options,
  );
}

/** Phone numbers as stored: a Korean number (0 and 8–10 digits) or E.164 (+ and 8–15 digits). */
export function normalizePhone(value: string): string {
  return value.replace(/[\s().-]/g, '');
}

const PHONE = /^(0\d{8,10}|\+[1-9]\d{7,14})$/;

/** A phone number: Korean domestic (010-1234-5678) or international (+82 10 1234 5678). */
export function IsPhone(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPhone',
      validator: {
        validate: (value) => typeof value === 'string' && PHONE.test(normalizePhone(value)),
        defaultMessage: () => 'must be a phone number like 010-1234-5678 or +82 10 1234 5678',
      },
    },
    options,
  );
}

/** Text with at least one visible character. */
export function IsNotBlank(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotBlank',
      validator: {
        validate: (value) => typeof value === 'string' && value.trim().length > 0,
        defaultMessage: () => 'must not be blank',
      },
    },
    options,
  );
}

/**
 * Length counted in Unicode code points, as the database counts characters (class-validator's
 * `Length` counts UTF-16 units and ignores variation selectors, letting over-long text through).
 */
export function CharLength(
  min: number,
  max: number,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'charLength',
      validator: {
        validate: (value) => {
          if (typeof value !== 'string') return false;
          const length = [...value].length;
          return length >= min && length <= max;
        },
        defaultMessage: () =>
          min === 0
            ? `must be at most ${max} characters long`
            : `must be ${min} to ${max} characters long`,
      },
    },
    options,
  );
}
