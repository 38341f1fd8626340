import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { SignedIn } from '../../auth/operation-access.js';
import { familyData } from '../../auth/type-access.js';
import type { Context } from '../../context.js';
import type { Connection } from '../../graphql/connection.js';
import { parseId } from '../../graphql/ids.js';
import { DateScalar } from '../../graphql/scalars.js';
import { EmotionEntry } from './wellness.entities.js';
import {
  CreateEmotionEntryInput,
  EmotionEntriesArgs,
  EmotionStatsArgs,
  UpdateEmotionEntryInput,
} from './wellness.inputs.js';
import { dateOf, sharedFamilyOf } from './wellness.service.js';
import { EmotionEntryConnection, EmotionStats } from './wellness.types.js';

const JOURNAL_RULE =
  "the writer; with familyId, the family's main user, and its managers and caregivers (read-only) while it shares the journal (READ_SHARED_JOURNAL)";

@Resolver(() => EmotionEntry)
export class EmotionEntryResolver {
  @SignedIn()
  @Query(() => EmotionEntryConnection, {
    description: `An emotion journal by date: your own, or (familyId) the main user's of that family when shared. Else NOT_FOUND (not your family) or FORBIDDEN (not shared).`,
  })
  emotionEntries(
    @Args() args: EmotionEntriesArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<EmotionEntry>> {
    return ctx.app.services.wellness.entries(
      ctx,
      args.familyId == null ? undefined : parseId(args.familyId, 'Family'),
      args,
    );
  }

  @SignedIn()
  @Query(() => EmotionEntry, {
    nullable: true,
    description:
      "A journal entry: your own, or the main user's of your family while shared; else NOT_FOUND or FORBIDDEN.",
  })
  emotionEntry(
    @Arg('id', () => ID, { description: 'The entry.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<EmotionEntry> {
    return ctx.app.services.wellness.entry(ctx, parseId(id, 'EmotionEntry'));
  }

  @SignedIn()
  @Query(() => EmotionStats, {
    description: `Statistics of an emotion journal over a period (${JOURNAL_RULE}), with the family's Carebot mood analyses beside it (source CAREBOT).`,
  })
  emotionStats(@Args() args: EmotionStatsArgs, @Ctx() ctx: Context): Promise<EmotionStats> {
    return ctx.app.services.wellness.stats(
      ctx,
      args,
      args.familyId == null ? undefined : parseId(args.familyId, 'Family'),
    );
  }

  @SignedIn()
  @Mutation(() => EmotionEntry, { description: 'Writes an entry in your emotion journal.' })
  createEmotionEntry(
    @Arg('input', () => CreateEmotionEntryInput, { description: 'The entry.' })
    input: CreateEmotionEntryInput,
    @Ctx() ctx: Context,
  ): Promise<EmotionEntry> {
    return ctx.app.services.wellness.create(ctx, input);
  }

  @SignedIn()
  @Mutation(() => EmotionEntry, {
    description:
      'Changes an entry of your journal (only its writer: a reader of a shared journal gets FORBIDDEN).',
  })
  updateEmotionEntry(
    @Arg('id', () => ID, { description: 'The entry.' }) id: string,
    @Arg('input', () => UpdateEmotionEntryInput, { description: 'The changes.' })
    input: UpdateEmotionEntryInput,
    @Ctx() ctx: Context,
  ): Promise<EmotionEntry> {
    return ctx.app.services.wellness.update(ctx, parseId(id, 'EmotionEntry'), input);
  }

  @SignedIn()
  @Mutation(() => ID, {
    description: 'Deletes an entry of your journal (only its writer); returns its id.',
  })
  async deleteEmotionEntry(
    @Arg('id', () => ID, { description: 'The entry.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<string> {
    return String(await ctx.app.services.wellness.delete(ctx, parseId(id, 'EmotionEntry')));
  }

  @FieldResolver(() => DateScalar, { description: 'The local date the entry is about.' })
  date(@Root() entry: EmotionEntry): string {
    return dateOf(entry.day);
  }
}

familyData(EmotionEntry, {
  // an entry reaches another reader only through a family that shares the journal
  familyOf: (entry) => sharedFamilyOf(entry),
  read: 'READ_SHARED_JOURNAL',
  subjects: (entry) => [entry.owner.id],
  subjectNote: 'its writer',
});
