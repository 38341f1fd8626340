import { registerEnumType } from 'type-graphql';

/** The language of a member's digest e-mail (users have no locale of their own yet). */
export enum DigestLocale {
  KO = 'KO',
  EN = 'EN',
}
registerEnumType(DigestLocale, {
  name: 'DigestLocale',
  description: 'The language of the daily digest e-mail.',
  valuesConfig: {
    KO: { description: 'Korean (the default).' },
    EN: { description: 'English.' },
  },
});
