import { defineModule } from '../module.js';
import { NewsItem } from './news.entity.js';
import { NewsResolver } from './news.resolver.js';
import { NewsService } from './news.service.js';

/** The shared daily news cache and the job that fills it. */
export const newsModule = defineModule<{ news: NewsService }>({
  name: 'news',
  entities: [NewsItem],
  resolvers: [NewsResolver],
  services: ({ orm, config, logger }) => ({
    news: new NewsService({ orm, feeds: config.newsFeeds, logger }),
  }),
  periodic: ({ config, news }) =>
    config.newsFeeds.length === 0
      ? []
      : [
          {
            name: 'fetch-news',
            intervalMs: config.newsFetchIntervalMs,
            // also at start, in the background: a fresh server fills today's news without waiting
            runAtStart: true,
            run: () => news.refresh().then(() => undefined),
          },
        ],
});
