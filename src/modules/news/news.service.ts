import { createHash } from 'node:crypto';
import type { QueryResult } from '@mikro-orm/core';
import type { EntityManager, Orm } from '../../database/orm.js';
import type { Logger } from '../../observability/logger.js';
import { daysBefore, seoulDate, seoulDay } from '../../util/seoul-time.js';
import { NEWS_RETENTION_DAYS } from './news.dates.js';
import { NewsItem } from './news.entity.js';
import { type FeedItem, fetchFeed } from './news.feed.js';

/** How long one feed may take to answer. */
export const FEED_TIMEOUT_MS = 10_000;

const INSERT_CHUNK = 500;

/** What one fetch run did. */
export interface NewsRefreshResult {
  feeds: number;
  failed: number;
  /** Items new to the cache (already known links are left as they are). */
  stored: number;
  purged: number;
}

interface Candidate extends FeedItem {
  source: string;
}

/**
 * The shared news cache: a periodic job on every API node fetches the configured feeds into the
 * `news_item` table, and `news(date)` reads from there, so every node answers the same. Inserting
 * ignores known links (unique `linkHash`), which makes concurrent runs on several replicas and
 * repeated runs harmless. A feed that fails is logged and skipped; nothing is deleted because of
 * it, so the cache keeps what it had.
 */
export class NewsService {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;

  constructor(
    private readonly deps: {
      orm: Orm;
      feeds: readonly string[];
      logger: Logger;
      feedTimeoutMs?: number;
      now?: () => Date;
    },
  ) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Fetches every feed once and stores what is new; runs queue up rather than overlap (the start-up
   * run, the scheduler and tests may all ask). Does nothing without configured feeds.
   */
  refresh(): Promise<NewsRefreshResult> {
    const run = this.queue.then(() => this.run());
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** One Asia/Seoul day of headlines, newest first. */
  forDay(em: EntityManager, date: string, limit: number): Promise<NewsItem[]> {
    const { from, to } = seoulDay(date);
    return em.find(
      NewsItem,
      { publishedAt: { $gte: from, $lt: to } },
      { orderBy: { publishedAt: 'desc', id: 'desc' }, limit },
    );
  }

  private async run(): Promise<NewsRefreshResult> {
    const { feeds, logger } = this.deps;
    if (feeds.length === 0) return { feeds: 0, failed: 0, stored: 0, purged: 0 };
    const now = this.now();
    const oldest = seoulDay(daysBefore(seoulDate(now), NEWS_RETENTION_DAYS)).from;
    const results = await Promise.all(
      feeds.map(async (url) => {
        try {
          const feed = await fetchFeed(url, this.deps.feedTimeoutMs ?? FEED_TIMEOUT_MS);
          const source = feed.title ?? new URL(url).hostname.slice(0, 100);
          return feed.items.map((item): Candidate => ({ ...item, source }));
        } catch (error) {
          logger.warn({ err: error, feed: url }, 'news feed skipped');
          return undefined;
        }
      }),
    );
    // the first feed (in NEWS_FEEDS order) to carry a link wins
    const byLink = new Map<string, Candidate>();
    for (const item of results.flat())
      if (item !== undefined && !byLink.has(item.link)) byLink.set(item.link, item);
    const rows = [...byLink.values()]
      .map((item) => ({
        linkHash: createHash('sha256').update(item.link).digest('hex'),
        link: item.link,
        title: item.title,
        source: item.source,
        summary: item.summary,
        // a feed without dates, or dating items in the future, is dated by when we first saw it
        publishedAt: item.publishedAt === null || item.publishedAt > now ? now : item.publishedAt,
        fetchedAt: now,
      }))
      .filter((row) => row.publishedAt >= oldest && row.link.length <= 2048);
    const em = this.deps.orm.em.fork();
    let stored = 0;
    // chunks keep each statement well under SQLite's limit of bound parameters
    for (let at = 0; at < rows.length; at += INSERT_CHUNK) {
      const result = await em
        .createQueryBuilder(NewsItem)
        .insert(rows.slice(at, at + INSERT_CHUNK))
        .onConflict('linkHash')
        .ignore()
        .execute<QueryResult>('run');
      stored += result.affectedRows;
    }
    const purged = await em.nativeDelete(NewsItem, { publishedAt: { $lt: oldest } });
    const failed = results.filter((items) => items === undefined).length;
    logger.info({ feeds: feeds.length, failed, stored, purged }, 'news feeds fetched');
    return { feeds: feeds.length, failed, stored, purged };
  }
}
