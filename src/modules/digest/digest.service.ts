import type { FamilyGrant } from '../../auth/access.js';
import type { EntityManager } from '../../database/orm.js';
import { type Connection, type PageArgs, paginate, SortOrder } from '../../graphql/connection.js';
import { NotFoundError } from '../../graphql/errors.js';
import type { Scope } from '../../scope.js';
import { memberPreference } from '../family/member-preference.js';
import { Digest, DigestPreference } from './digest.entities.js';
import type { DigestPreferenceInput } from './digest.inputs.js';

/** Daily digests of a family and each member's choice to get them by e-mail (issue 20 §5). */
export class DigestService {
  constructor(private readonly deps: { clock: () => Date }) {}

  /** The viewer's preference in the family, or the default (off, KO; not stored). */
  preference(em: EntityManager, familyId: number, userId: number): Promise<DigestPreference> {
    return memberPreference(em, DigestPreference, familyId, userId, { persist: false });
  }

  /** Sets the caller's own preference in the family (fields left out stay as they are). */
  async updatePreference(
    ctx: Scope,
    { familyId }: FamilyGrant<'VIEW'>,
    userId: number,
    input: DigestPreferenceInput,
  ): Promise<DigestPreference> {
    const preference = await memberPreference(ctx.em, DigestPreference, familyId, userId, {
      persist: true,
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
