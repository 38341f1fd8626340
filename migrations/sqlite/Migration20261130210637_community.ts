import { Migration } from '@mikro-orm/migrations';

export class Migration20261130210637_community extends Migration {

  override name = 'Migration20261130210637_community';

  override up(): void | Promise<void> {
    this.addSql(`create table \`board\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`description\` text not null, \`visible\` integer not null default true, \`open\` integer not null default true, \`visibility\` text check (\`visibility\` in ('PUBLIC', 'RESTRICTED')) not null default 'PUBLIC', \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`board_name_unique\` on \`board\` (\`name\`);`);

    this.addSql(`create table \`post\` (\`id\` integer not null primary key autoincrement, \`board_id\` integer not null, \`author_id\` integer not null, \`title\` text not null, \`body\` text not null, \`view_count\` integer not null default 0, \`like_count\` integer not null default 0, \`comment_count\` integer not null default 0, \`created_at\` datetime not null, \`edited_at\` datetime null, \`deleted_at\` datetime null, \`hidden_at\` datetime null, \`hidden_reason\` text null, constraint \`post_board_id_foreign\` foreign key (\`board_id\`) references \`board\` (\`id\`) on delete cascade, constraint \`post_author_id_foreign\` foreign key (\`author_id\`) references \`user\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`post_author_id_index\` on \`post\` (\`author_id\`);`);
    this.addSql(`create index \`post_board_id_like_count_id_index\` on \`post\` (\`board_id\`, \`like_count\`, \`id\`);`);
    this.addSql(`create index \`post_board_id_created_at_id_index\` on \`post\` (\`board_id\`, \`created_at\`, \`id\`);`);

    this.addSql(`create table \`post_view\` (\`id\` integer not null primary key autoincrement, \`post_id\` integer not null, \`viewer_id\` integer not null, \`hour\` integer not null, \`counted\` integer not null default false, constraint \`post_view_post_id_foreign\` foreign key (\`post_id\`) references \`post\` (\`id\`) on delete cascade, constraint \`post_view_viewer_id_foreign\` foreign key (\`viewer_id\`) references \`user\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`post_view_viewer_id_index\` on \`post_view\` (\`viewer_id\`);`);
    this.addSql(`create index \`post_view_counted_id_index\` on \`post_view\` (\`counted\`, \`id\`);`);
    this.addSql(`create unique index \`post_view_post_id_viewer_id_hour_unique\` on \`post_view\` (\`post_id\`, \`viewer_id\`, \`hour\`);`);

    this.addSql(`create table \`post_like\` (\`id\` integer not null primary key autoincrement, \`post_id\` integer not null, \`user_id\` integer not null, \`created_at\` datetime not null, constraint \`post_like_post_id_foreign\` foreign key (\`post_id\`) references \`post\` (\`id\`) on delete cascade, constraint \`post_like_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`post_like_user_id_post_id_index\` on \`post_like\` (\`user_id\`, \`post_id\`);`);
    this.addSql(`create unique index \`post_like_post_id_user_id_unique\` on \`post_like\` (\`post_id\`, \`user_id\`);`);

    this.addSql(`create table \`post_comment\` (\`id\` integer not null primary key autoincrement, \`post_id\` integer not null, \`board_id\` integer not null, \`author_id\` integer not null, \`body\` text not null, \`created_at\` datetime not null, \`edited_at\` datetime null, \`deleted_at\` datetime null, \`hidden_at\` datetime null, \`hidden_reason\` text null, constraint \`post_comment_post_id_foreign\` foreign key (\`post_id\`) references \`post\` (\`id\`) on delete cascade, constraint \`post_comment_board_id_foreign\` foreign key (\`board_id\`) references \`board\` (\`id\`) on delete cascade, constraint \`post_comment_author_id_foreign\` foreign key (\`author_id\`) references \`user\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`post_comment_board_id_index\` on \`post_comment\` (\`board_id\`);`);
    this.addSql(`create index \`post_comment_author_id_index\` on \`post_comment\` (\`author_id\`);`);
    this.addSql(`create index \`post_comment_post_id_created_at_id_index\` on \`post_comment\` (\`post_id\`, \`created_at\`, \`id\`);`);

    this.addSql(`create table \`content_report\` (\`id\` integer not null primary key autoincrement, \`post_id\` integer null, \`comment_id\` integer null, \`board_id\` integer not null, \`reporter_id\` integer not null, \`reason\` text not null, \`status\` text check (\`status\` in ('OPEN', 'RESOLVED')) not null default 'OPEN', \`created_at\` datetime not null, \`resolved_at\` datetime null, \`resolved_by_id\` integer null, \`resolution\` text null, constraint \`content_report_post_id_foreign\` foreign key (\`post_id\`) references \`post\` (\`id\`) on delete cascade, constraint \`content_report_comment_id_foreign\` foreign key (\`comment_id\`) references \`post_comment\` (\`id\`) on delete cascade, constraint \`content_report_board_id_foreign\` foreign key (\`board_id\`) references \`board\` (\`id\`) on delete cascade, constraint \`content_report_reporter_id_foreign\` foreign key (\`reporter_id\`) references \`user\` (\`id\`) on delete cascade, constraint \`content_report_resolved_by_id_foreign\` foreign key (\`resolved_by_id\`) references \`user\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`content_report_post_id_index\` on \`content_report\` (\`post_id\`);`);
    this.addSql(`create index \`content_report_comment_id_index\` on \`content_report\` (\`comment_id\`);`);
    this.addSql(`create index \`content_report_board_id_index\` on \`content_report\` (\`board_id\`);`);
    this.addSql(`create index \`content_report_reporter_id_index\` on \`content_report\` (\`reporter_id\`);`);
    this.addSql(`create index \`content_report_resolved_by_id_index\` on \`content_report\` (\`resolved_by_id\`);`);
    this.addSql(`create index \`content_report_status_created_at_id_index\` on \`content_report\` (\`status\`, \`created_at\`, \`id\`);`);

    this.addSql(`create table \`community_attachment\` (\`id\` integer not null primary key autoincrement, \`post_id\` integer null, \`comment_id\` integer null, \`file_id\` text not null, \`position\` integer not null, constraint \`community_attachment_post_id_foreign\` foreign key (\`post_id\`) references \`post\` (\`id\`) on delete cascade, constraint \`community_attachment_comment_id_foreign\` foreign key (\`comment_id\`) references \`post_comment\` (\`id\`) on delete cascade, constraint \`community_attachment_file_id_foreign\` foreign key (\`file_id\`) references \`file\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`community_attachment_file_id_index\` on \`community_attachment\` (\`file_id\`);`);
    this.addSql(`create index \`community_attachment_comment_id_position_index\` on \`community_attachment\` (\`comment_id\`, \`position\`);`);
    this.addSql(`create index \`community_attachment_post_id_position_index\` on \`community_attachment\` (\`post_id\`, \`position\`);`);

    this.addSql(`create table \`board_permission\` (\`id\` integer not null primary key autoincrement, \`board_id\` integer not null, \`user_id\` integer not null, \`level\` text check (\`level\` in ('READ', 'READ_WRITE')) not null, \`created_at\` datetime not null, constraint \`board_permission_board_id_foreign\` foreign key (\`board_id\`) references \`board\` (\`id\`) on delete cascade, constraint \`board_permission_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`board_permission_user_id_board_id_index\` on \`board_permission\` (\`user_id\`, \`board_id\`);`);
    this.addSql(`create unique index \`board_permission_board_id_user_id_unique\` on \`board_permission\` (\`board_id\`, \`user_id\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`board\`;`);
    this.addSql(`drop table if exists \`post\`;`);
    this.addSql(`drop table if exists \`post_view\`;`);
    this.addSql(`drop table if exists \`post_like\`;`);
    this.addSql(`drop table if exists \`post_comment\`;`);
    this.addSql(`drop table if exists \`content_report\`;`);
    this.addSql(`drop table if exists \`community_attachment\`;`);
    this.addSql(`drop table if exists \`board_permission\`;`);
  }

}
