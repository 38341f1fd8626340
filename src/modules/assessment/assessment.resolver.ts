import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  Float,
  ID,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  registerEnumType,
} from 'type-graphql';
import type { FamilyGrant } from '../../auth/access.js';
import { FamilyAccess, Grant, SignedIn } from '../../auth/operation-access.js';
import { familyData, openData } from '../../auth/type-access.js';
import type { Context } from '../../context.js';
import { BadUserInputError } from '../../graphql/errors.js';
import { CareSession } from '../care-session/care-session.entities.js';
import { Family } from '../family/family.entity.js';
import {
  AssessmentBand,
  AssessmentResult,
  ModelColumn,
  ScoringModel,
} from './assessment.entities.js';
import { trendOf } from './assessment.service.js';

export enum TrendDirection {
  RISING = 'RISING',
  FALLING = 'FALLING',
  STABLE = 'STABLE',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(TrendDirection, {
  name: 'TrendDirection',
  description: 'Which way a family’s assessment scores move.',
  valuesConfig: {
    RISING: { description: 'Scores go up.' },
    FALLING: { description: 'Scores go down.' },
    STABLE: { description: 'Scores change by less than 0.01 a day.' },
    UNKNOWN: { description: 'Fewer than two scored results.' },
  },
});

@ObjectType({ description: "A family's assessment results with their trend." })
export class AssessmentHistory {
  familyId!: number;

  @Field(() => [AssessmentResult], { description: 'The latest results, newest first.' })
  results!: AssessmentResult[];

  @Field(() => Float, {
    nullable: true,
    description: 'Least-squares slope of the scored results, in score points per day.',
  })
  slopePerDay!: number | null;

  @Field(() => TrendDirection, { description: 'Which way the scores move.' })
  direction!: TrendDirection;

  @Field(() => Float, { description: 'The lowest expected score (family band or default).' })
  bandLow!: number;

  @Field(() => Float, { description: 'The highest expected score (family band or default).' })
  bandHigh!: number;
}

@Resolver(() => CareSession)
export class CareSessionResultResolver {
  @FieldResolver(() => AssessmentResult, {
    nullable: true,
    description: 'The assessment result the Carebot uploaded, with its scoring run.',
  })
  result(@Root() session: CareSession, @Ctx() ctx: Context): Promise<AssessmentResult | null> {
    return ctx.app.services.assessment.ofSession(ctx.em, session.id);
  }
}

@Resolver(() => AssessmentResult)
export class AssessmentResultResolver {
  @FieldResolver(() => ScoringModel, { description: 'The model that scores it.' })
  model(@Root() result: AssessmentResult, @Ctx() ctx: Context): Promise<ScoringModel> {
    return ctx.em.findOneOrFail(ScoringModel, { id: result.model.id });
  }
}

@Resolver(() => Family)
export class FamilyAssessmentsResolver {
  @FieldResolver(() => AssessmentHistory, {
    description: "The family's assessment results (newest first) and their trend.",
  })
  async assessments(
    @Root() family: Family,
    @Ctx() ctx: Context,
    @Arg('last', () => Int, {
      nullable: true,
      description: 'How many of the latest results, 1–100 (default 20).',
    })
    last?: number | null,
  ): Promise<AssessmentHistory> {
    const count = last ?? 20;
    if (count < 1 || count > 100) throw BadUserInputError.field('last', 'must be 1–100');
    const service = ctx.app.services.assessment;
    const [results, band] = await Promise.all([
      service.history(ctx.em, family.id, count),
      service.bandOf(ctx.em, family.id),
    ]);
    const trend = trendOf(
      results
        .filter((result) => result.score !== null)
        .map((result) => ({ at: result.createdAt, score: result.score! })),
    );
    return {
      familyId: family.id,
      results,
      slopePerDay: trend.slopePerDay,
      direction: trend.direction as TrendDirection,
      bandLow: band.low,
      bandHigh: band.high,
    };
  }
}

@Resolver(() => ScoringModel)
export class ScoringModelResolver {
  @SignedIn()
  @Query(() => [ScoringModel], {
    description: 'The registered scoring models (available ones first).',
  })
  scoringModels(@Ctx() ctx: Context): Promise<ScoringModel[]> {
    return ctx.app.services.assessment.models(ctx.em);
  }

  @FamilyAccess('MANAGE', { familyArg: 'familyId' })
  @Mutation(() => AssessmentBand, {
    description:
      "Sets the score band the family's assessments are expected in (main user, managers); a score outside raises a WARN notification.",
  })
  setAssessmentBand(
    @Arg('familyId', () => ID, { description: 'The family.' }) _familyId: string,
    @Arg('low', () => Float, { description: 'The lowest expected score.' }) low: number,
    @Arg('high', () => Float, { description: 'The highest expected score.' }) high: number,
    @Grant() grant: FamilyGrant<'MANAGE'>,
    @Ctx() ctx: Context,
  ): Promise<AssessmentBand> {
    return ctx.app.services.assessment.setBand(ctx, grant, low, high);
  }
}

familyData(AssessmentResult, { familyOf: (result) => result.family.id, read: 'READ' });
familyData(AssessmentHistory, { familyOf: (history) => history.familyId, read: 'VIEW' });
familyData(AssessmentBand, { familyOf: (band) => band.family.id, read: 'VIEW' });
openData(ScoringModel, 'the model registry: names, columns and coefficients, no family data');
openData(ModelColumn, 'part of a scoring model (open registry data)');
