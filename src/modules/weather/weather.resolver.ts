import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import type { Plain } from '../../database/plain.js';
import { Family } from '../family/family.entity.js';
import { Weather } from './weather.types.js';
import { openData } from '../../auth/type-access.js';

@Resolver(() => Family)
export class FamilyWeatherResolver {
  @FieldResolver(() => Weather, {
    nullable: true,
    description:
      "Current weather at the main user's municipality (its office), cached per region for 30 minutes; " +
      'null when the provider is off, failing or slow (never an error for the dashboard).',
  })
  async weather(@Root() family: Plain<Family>, @Ctx() ctx: Context): Promise<Weather | null> {
    // the user loader batches: a list of families costs one query for all their main users
    const main = await ctx.loaders.user.load(family.mainUser.id);
    const regionCode = main?.subRegionCode ?? main?.masterRegionCode ?? null;
    if (regionCode === null) return null;
    const weather = await ctx.app.services.weather.forRegion(regionCode);
    if (weather === null || (await ctx.access.canSeePersonalDetails(family.mainUser.id)))
      return weather;
    // the reading is shared by everyone in the region; which region it is stays personal
    return { ...weather, regionCode: null };
  }
}

openData(Weather, 'reached only through Family.weather (VIEW)');
