import type { AdminService } from '../admin/admin.service.js';
import type { AuditService } from '../admin/audit.service.js';
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
export const communityModule = defineModule<
  { community: CommunityService },
  { file: FileService; admin: AdminService; audit: AuditService }
>({
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
  services: ({ file, admin, audit, rateLimiter, clock }) => {
    const community = new CommunityService({ files: file, audit, rateLimiter, clock });
    admin.providePostsPerDay((scope, days) => community.postsPerDay(scope, days));
    return { community };
  },
  periodic: ({ orm }) => [
    {
      name: 'flush-post-views',
      intervalMs: VIEW_FLUSH_INTERVAL_MS,
      run: async (now) => {
        await flushPostViews(orm, now);
      },
    },
  ],
});
