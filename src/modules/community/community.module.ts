import type { FileService } from '../file/file.service.js';
import { defineModule } from '../module.js';
import {
  Board,
  BoardPermission,
  Comment,
  CommunityAttachment,
  ContentReport,
  Post,
  PostLike,
  PostView,
} from './community.entities.js';
import {
  BoardResolver,
  CommentResolver,
  CommunityAuthorResolver,
  ContentReportResolver,
  PostResolver,
} from './community.resolver.js';
import { CommunityService } from './community.service.js';
import { flushPostViews, VIEW_FLUSH_INTERVAL_MS } from './community.views.js';

/** Community boards: posts, comments, likes, views, reports and moderation (seed 003). */
export const communityModule = defineModule<{ community: CommunityService }, { file: FileService }>(
  {
    name: 'community',
    entities: [
      Board,
      BoardPermission,
      Post,
      Comment,
      CommunityAttachment,
      PostLike,
      PostView,
      ContentReport,
    ],
    resolvers: [
      BoardResolver,
      PostResolver,
      CommentResolver,
      ContentReportResolver,
      CommunityAuthorResolver,
    ],
    services: ({ file, rateLimiter, clock }) => ({
      community: new CommunityService({ files: file, rateLimiter, clock }),
    }),
    periodic: ({ orm }) => [
      {
        name: 'flush-post-views',
        intervalMs: VIEW_FLUSH_INTERVAL_MS,
        run: async (now) => {
          await flushPostViews(orm, now);
        },
      },
    ],
  },
);
