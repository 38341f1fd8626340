import { Arg, Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { Public } from '../../auth/operation-access.js';
import type { Context } from '../../context.js';
import { BadUserInputError } from '../../graphql/errors.js';
import { Region } from './region.entity.js';
import { openData } from '../../auth/type-access.js';

@ObjectType('Region', { description: 'A Korean administrative region with its legal-dong code.' })
export class RegionInfo {
  @Field({ description: 'Legal-dong code: 2 digits for a province, 5 for a municipality.' })
  code!: string;

  @Field({ description: 'Korean name, e.g. "서울특별시" or "종로구".' })
  name!: string;
}

@Resolver()
export class RegionResolver {
  @Public('reference data')
  @Query(() => [RegionInfo], { description: "Korea's 17 provincial-level governments, by code." })
  masterRegions(@Ctx() ctx: Context): Promise<RegionInfo[]> {
    return ctx.em.find(
      Region,
      { parentCode: null },
      { orderBy: { code: 'asc' }, fields: ['code', 'name'] },
    );
  }

  @Public('reference data')
  @Query(() => [RegionInfo], { description: 'The municipalities of one province, by code.' })
  async subRegions(
    @Arg('masterRegionCode', { description: 'Two-digit province code.' }) masterRegionCode: string,
    @Ctx() ctx: Context,
  ): Promise<RegionInfo[]> {
    if (!/^\d{2}$/.test(masterRegionCode))
      throw BadUserInputError.field('masterRegionCode', 'must be a two-digit province code');
    if ((await ctx.em.count(Region, { code: masterRegionCode, parentCode: null })) === 0) {
      throw BadUserInputError.field('masterRegionCode', 'is not a known province code');
    }
    return ctx.em.find(
      Region,
      { parentCode: masterRegionCode },
      { orderBy: { code: 'asc' }, fields: ['code', 'name'] },
    );
  }
}

openData('Region', 'reference data');
