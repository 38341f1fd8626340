import { DateTimeResolver } from 'graphql-scalars';
import type { BuildSchemaOptions } from 'type-graphql';

/** JS `Date` values are exposed as the `DateTime` scalar (UTC ISO-8601), SPEC §2. */
export const scalarsMap: NonNullable<BuildSchemaOptions['scalarsMap']> = [
  { type: Date, scalar: DateTimeResolver },
];
