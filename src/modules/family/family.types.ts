import { Field, ID, ObjectType } from 'type-graphql';
import { FamilyRole } from './membership.entity.js';

@ObjectType({
  description: "A family that matches `findFamilies`, with the main user's name masked.",
})
export class FamilyCandidate {
  @Field(() => ID, { description: 'The family, for `requestToJoinFamily`.' })
  familyId!: number;

  @Field({ description: 'Name of the family.' })
  familyName!: string;

  @Field({ description: 'The main user\'s name with the middle masked, e.g. "김*희".' })
  mainUserMaskedName!: string;
}

@ObjectType('FamilyInvite', {
  description: 'A single-use invitation code; shown only when created.',
})
export class FamilyInviteCode {
  @Field({ description: 'The code to give the invitee, e.g. "K7M2-X9QP-4TZA".' })
  code!: string;

  @Field(() => FamilyRole, { description: 'The role the invitee will get.' })
  role!: FamilyRole;

  @Field(() => Date, { description: 'After this the code no longer works.' })
  expiresAt!: Date;
}
