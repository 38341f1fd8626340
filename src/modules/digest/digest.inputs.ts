import { Field, InputType } from 'type-graphql';
import { DigestLocale } from './digest.enums.js';

@InputType({ description: "Changes to the caller's daily digest e-mail in one family." })
export class DigestPreferenceInput {
  @Field(() => Boolean, {
    nullable: true,
    description: 'Get the digest by e-mail every morning (left out: unchanged).',
  })
  enabled?: boolean | null;

  @Field(() => DigestLocale, {
    nullable: true,
    description: 'Language of the e-mail (left out: unchanged).',
  })
  locale?: DigestLocale | null;
}
