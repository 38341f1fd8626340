import type { FamilyGrant } from '../../auth/access.js';
import type { EntityManager } from '../../database/orm.js';
import { type Connection, type PageArgs, paginate, SortOrder } from '../../graphql/connection.js';
import { NotFoundError } from '../../graphql/errors.js';
import type { Scope } from '../../scope.js';
import { User } from '../account/user.entity.js';
import { Family } from '../family/family.entity.js';
import { Digest, DigestPreference } from './digest.entities.js';
import type { DigestPreferenceInput } from './digest.inputs.js';

/** Daily digests of a family and each member's choice to get them by e-mail (issue 20 §5). */
export class DigestService {
  constructor(private readonly deps: { clock: () => Date }) {}

  /** The viewer's preference in the family, or the default (off, KO; not stored). */
  async preference(em: EntityManager, familyId: number, userId: number): Promise<DigestPreference> {
    return (
      (await em.findOne(DigestPreference, { family: familyId, user: userId })) ??
      em.create(
        DigestPreference,
        { family: em.getReference(Family, familyId), user: em.getReference(User, userId) },
        { persist: false },
      )
    );
  }

  /** Sets the caller's own preference in the family (fields left out stay as they are). */
  async updatePreference(
    ctx: Scope,
    { familyId }: FamilyGrant<'VIEW'>,
    userId: number,
    input: DigestPreferenceInput,
  ): Promise<DigestPreference> {
    const existing = await ctx.em.findOne(DigestPreference, { family: familyId, user: userId });
    const preference =
      existing ??
      ctx.em.create(DigestPreference, {
        family: ctx.em.getReference(Family, familyId),
        user: ctx.em.getReference(User, userId),
      });
    if (input.enabled != null) preference.enabled = input.enabled;
    if (input.locale != null) preference.locale = input.locale;
    preference.updatedAt = this.deps.clock();
    await ctx.em.flush();
    return preference;
  }

  /** The family's digests, newest day first (Relay). */
  digests(em: EntityManager, familyId: number, args: PageArgs): Promise<Connection<Digest>> {
    return paginate({
      em,
      entity: Digest,
      where: { family: familyId },
      timeField: 'periodStart',
      args,
      order: SortOrder.DESC,
    });
  }

  /** One digest, to a viewer who may VIEW its family (NOT_FOUND outside it, as if it did not exist). */
  async digest(ctx: Scope, id: number): Promise<Digest> {
    const digest = await ctx.em.findOne(Digest, { id });
    if (digest === null) throw new NotFoundError('Digest', id);
    await ctx.access.requireFamily(digest.family.id, 'VIEW', 'Digest', id);
    return digest;
  }
}
