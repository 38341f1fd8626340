import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { Public } from '../../auth/operation-access.js';
import type { Context } from '../../context.js';
import { UnauthenticatedError } from '../../graphql/errors.js';
import { newsDay } from './news.dates.js';
import { NewsItem } from './news.entity.js';
import { NEWS_LIMIT, NewsArgs } from './news.inputs.js';
import { openData } from '../../auth/type-access.js';

@Resolver(() => NewsItem)
export class NewsResolver {
  @Public('shared news headlines, no personal data')
  @Query(() => [NewsItem], {
    description:
      "One day's headlines (an Asia/Seoul calendar day: news is read in Korea), newest first, " +
      'from the cache the server fills from its configured feeds; an empty list when it holds ' +
      'none. Any signed-in person or Carebot device may read it (the news is public, the Carebot ' +
      'reads it aloud); without a credential it is UNAUTHENTICATED.',
  })
  news(@Args() { date, limit }: NewsArgs, @Ctx() ctx: Context): Promise<NewsItem[]> {
    // not @SignedIn(): that gate keeps devices out, and the Carebot is a reader too
    if (ctx.viewer.kind === 'anonymous') throw new UnauthenticatedError();
    const day = newsDay(date, new Date());
    return ctx.app.services.news.forDay(ctx.em, day, limit ?? NEWS_LIMIT.default);
  }
}

openData(NewsItem, 'shared news headlines');
