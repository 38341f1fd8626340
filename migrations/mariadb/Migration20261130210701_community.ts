import { Migration } from '@mikro-orm/migrations';

export class Migration20261130210701_community extends Migration {

  override name = 'Migration20261130210701_community';

  override up(): void | Promise<void> {
    this.addSql(`create table \`board\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(128) not null, \`description\` varchar(512) not null, \`visible\` tinyint(1) not null default true, \`open\` tinyint(1) not null default true, \`visibility\` enum('PUBLIC','RESTRICTED') not null default 'PUBLIC', \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`board\` add unique \`board_name_unique\` (\`name\`);`);

    this.addSql(`create table \`post\` (\`id\` int unsigned not null auto_increment primary key, \`board_id\` int unsigned not null, \`author_id\` int unsigned not null, \`title\` varchar(64) not null, \`body\` varchar(1024) not null, \`view_count\` int not null default 0, \`like_count\` int not null default 0, \`comment_count\` int not null default 0, \`created_at\` datetime(3) not null, \`edited_at\` datetime(3) null, \`deleted_at\` datetime(3) null, \`hidden_at\` datetime(3) null, \`hidden_reason\` varchar(500) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`post\` add index \`post_author_id_index\` (\`author_id\`);`);
    this.addSql(`alter table \`post\` add index \`post_board_id_like_count_id_index\` (\`board_id\`, \`like_count\`, \`id\`);`);
    this.addSql(`alter table \`post\` add index \`post_board_id_created_at_id_index\` (\`board_id\`, \`created_at\`, \`id\`);`);

    this.addSql(`create table \`post_view\` (\`id\` int unsigned not null auto_increment primary key, \`post_id\` int unsigned not null, \`viewer_id\` int unsigned not null, \`hour\` int not null, \`counted\` tinyint(1) not null default false) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`post_view\` add index \`post_view_viewer_id_index\` (\`viewer_id\`);`);
    this.addSql(`alter table \`post_view\` add index \`post_view_counted_id_index\` (\`counted\`, \`id\`);`);
    this.addSql(`alter table \`post_view\` add unique \`post_view_post_id_viewer_id_hour_unique\` (\`post_id\`, \`viewer_id\`, \`hour\`);`);

    this.addSql(`create table \`post_like\` (\`id\` int unsigned not null auto_increment primary key, \`post_id\` int unsigned not null, \`user_id\` int unsigned not null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`post_like\` add index \`post_like_user_id_post_id_index\` (\`user_id\`, \`post_id\`);`);
    this.addSql(`alter table \`post_like\` add unique \`post_like_post_id_user_id_unique\` (\`post_id\`, \`user_id\`);`);

    this.addSql(`create table \`post_comment\` (\`id\` int unsigned not null auto_increment primary key, \`post_id\` int unsigned not null, \`board_id\` int unsigned not null, \`author_id\` int unsigned not null, \`body\` varchar(256) not null, \`created_at\` datetime(3) not null, \`edited_at\` datetime(3) null, \`deleted_at\` datetime(3) null, \`hidden_at\` datetime(3) null, \`hidden_reason\` varchar(500) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`post_comment\` add index \`post_comment_board_id_index\` (\`board_id\`);`);
    this.addSql(`alter table \`post_comment\` add index \`post_comment_author_id_index\` (\`author_id\`);`);
    this.addSql(`alter table \`post_comment\` add index \`post_comment_post_id_created_at_id_index\` (\`post_id\`, \`created_at\`, \`id\`);`);

    this.addSql(`create table \`content_report\` (\`id\` int unsigned not null auto_increment primary key, \`post_id\` int unsigned null, \`comment_id\` int unsigned null, \`board_id\` int unsigned not null, \`reporter_id\` int unsigned not null, \`reason\` varchar(500) not null, \`status\` enum('OPEN','RESOLVED') not null default 'OPEN', \`created_at\` datetime(3) not null, \`resolved_at\` datetime(3) null, \`resolved_by_id\` int unsigned null, \`resolution\` varchar(500) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`content_report\` add index \`content_report_post_id_index\` (\`post_id\`);`);
    this.addSql(`alter table \`content_report\` add index \`content_report_comment_id_index\` (\`comment_id\`);`);
    this.addSql(`alter table \`content_report\` add index \`content_report_board_id_index\` (\`board_id\`);`);
    this.addSql(`alter table \`content_report\` add index \`content_report_reporter_id_index\` (\`reporter_id\`);`);
    this.addSql(`alter table \`content_report\` add index \`content_report_resolved_by_id_index\` (\`resolved_by_id\`);`);
    this.addSql(`alter table \`content_report\` add index \`content_report_status_created_at_id_index\` (\`status\`, \`created_at\`, \`id\`);`);

    this.addSql(`create table \`community_attachment\` (\`id\` int unsigned not null auto_increment primary key, \`post_id\` int unsigned null, \`comment_id\` int unsigned null, \`file_id\` varchar(26) collate utf8mb4_bin not null, \`position\` int not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`community_attachment\` add index \`community_attachment_file_id_index\` (\`file_id\`);`);
    this.addSql(`alter table \`community_attachment\` add index \`community_attachment_comment_id_position_index\` (\`comment_id\`, \`position\`);`);
    this.addSql(`alter table \`community_attachment\` add index \`community_attachment_post_id_position_index\` (\`post_id\`, \`position\`);`);

    this.addSql(`create table \`board_permission\` (\`id\` int unsigned not null auto_increment primary key, \`board_id\` int unsigned not null, \`user_id\` int unsigned not null, \`level\` enum('READ','READ_WRITE') not null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`board_permission\` add index \`board_permission_user_id_board_id_index\` (\`user_id\`, \`board_id\`);`);
    this.addSql(`alter table \`board_permission\` add unique \`board_permission_board_id_user_id_unique\` (\`board_id\`, \`user_id\`);`);

    this.addSql(`alter table \`post\` add constraint \`post_board_id_foreign\` foreign key (\`board_id\`) references \`board\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`post\` add constraint \`post_author_id_foreign\` foreign key (\`author_id\`) references \`user\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`post_view\` add constraint \`post_view_post_id_foreign\` foreign key (\`post_id\`) references \`post\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`post_view\` add constraint \`post_view_viewer_id_foreign\` foreign key (\`viewer_id\`) references \`user\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`post_like\` add constraint \`post_like_post_id_foreign\` foreign key (\`post_id\`) references \`post\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`post_like\` add constraint \`post_like_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`post_comment\` add constraint \`post_comment_post_id_foreign\` foreign key (\`post_id\`) references \`post\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`post_comment\` add constraint \`post_comment_board_id_foreign\` foreign key (\`board_id\`) references \`board\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`post_comment\` add constraint \`post_comment_author_id_foreign\` foreign key (\`author_id\`) references \`user\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`content_report\` add constraint \`content_report_post_id_foreign\` foreign key (\`post_id\`) references \`post\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`content_report\` add constraint \`content_report_comment_id_foreign\` foreign key (\`comment_id\`) references \`post_comment\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`content_report\` add constraint \`content_report_board_id_foreign\` foreign key (\`board_id\`) references \`board\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`content_report\` add constraint \`content_report_reporter_id_foreign\` foreign key (\`reporter_id\`) references \`user\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`content_report\` add constraint \`content_report_resolved_by_id_foreign\` foreign key (\`resolved_by_id\`) references \`user\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`community_attachment\` add constraint \`community_attachment_post_id_foreign\` foreign key (\`post_id\`) references \`post\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`community_attachment\` add constraint \`community_attachment_comment_id_foreign\` foreign key (\`comment_id\`) references \`post_comment\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`community_attachment\` add constraint \`community_attachment_file_id_foreign\` foreign key (\`file_id\`) references \`file\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`board_permission\` add constraint \`board_permission_board_id_foreign\` foreign key (\`board_id\`) references \`board\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`board_permission\` add constraint \`board_permission_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`post\` drop foreign key \`post_board_id_foreign\`;`);
    this.addSql(`alter table \`post_comment\` drop foreign key \`post_comment_board_id_foreign\`;`);
    this.addSql(`alter table \`content_report\` drop foreign key \`content_report_board_id_foreign\`;`);
    this.addSql(`alter table \`board_permission\` drop foreign key \`board_permission_board_id_foreign\`;`);
    this.addSql(`alter table \`post_view\` drop foreign key \`post_view_post_id_foreign\`;`);
    this.addSql(`alter table \`post_like\` drop foreign key \`post_like_post_id_foreign\`;`);
    this.addSql(`alter table \`post_comment\` drop foreign key \`post_comment_post_id_foreign\`;`);
    this.addSql(`alter table \`content_report\` drop foreign key \`content_report_post_id_foreign\`;`);
    this.addSql(`alter table \`community_attachment\` drop foreign key \`community_attachment_post_id_foreign\`;`);
    this.addSql(`alter table \`content_report\` drop foreign key \`content_report_comment_id_foreign\`;`);
    this.addSql(`alter table \`community_attachment\` drop foreign key \`community_attachment_comment_id_foreign\`;`);

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
