import { Migration } from '@mikro-orm/migrations';

export class Migration20261124225353_avatars extends Migration {

  override name = 'Migration20261124225353_avatars';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`user\` add column \`avatar_id\` text null;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`file__temp_alter\` (\`id\` text not null primary key, \`family_id\` integer null, \`owner_id\` integer null, \`uploaded_by_user_id\` integer null, \`uploaded_by_device_id\` integer null, \`purpose\` text check (\`purpose\` in ('ACTIVITY_IMAGE', 'NOTIFICATION_IMAGE', 'MESSAGE_IMAGE', 'FAMILY_BACKGROUND', 'AVATAR', 'ATTACHMENT', 'ASSESSMENT_CSV')) not null, \`content_type\` text not null, \`byte_size\` integer not null, \`width\` integer null, \`height\` integer null, \`status\` text check (\`status\` in ('PENDING', 'READY', 'REJECTED')) not null default 'PENDING', \`rejection_reason\` text null, \`storage_key\` text not null, \`thumbnail_key\` text null, \`referenced_at\` datetime null, \`created_at\` datetime not null, constraint \`file_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade, constraint \`file_owner_id_foreign\` foreign key (\`owner_id\`) references \`user\` (\`id\`) on delete cascade, constraint \`file_uploaded_by_user_id_foreign\` foreign key (\`uploaded_by_user_id\`) references \`user\` (\`id\`) on delete set null, constraint \`file_uploaded_by_device_id_foreign\` foreign key (\`uploaded_by_device_id\`) references \`device\` (\`id\`) on delete set null, constraint \`file_one_owner_check\` check ((family_id is null) <> (owner_id is null)));`);
    this.addSql(`insert into \`file__temp_alter\` select \`id\`, \`family_id\`, null as \`owner_id\`, \`uploaded_by_user_id\`, \`uploaded_by_device_id\`, \`purpose\`, \`content_type\`, \`byte_size\`, \`width\`, \`height\`, \`status\`, \`rejection_reason\`, \`storage_key\`, \`thumbnail_key\`, \`referenced_at\`, \`created_at\` from \`file\`;`);
    this.addSql(`drop table \`file\`;`);
    this.addSql(`alter table \`file__temp_alter\` rename to \`file\`;`);
    this.addSql(`create index \`file_family_id_index\` on \`file\` (\`family_id\`);`);
    this.addSql(`create index \`file_owner_id_index\` on \`file\` (\`owner_id\`);`);
    this.addSql(`create index \`file_uploaded_by_user_id_index\` on \`file\` (\`uploaded_by_user_id\`);`);
    this.addSql(`create index \`file_uploaded_by_device_id_index\` on \`file\` (\`uploaded_by_device_id\`);`);
    this.addSql(`create index \`file_referenced_at_created_at_index\` on \`file\` (\`referenced_at\`, \`created_at\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`file__temp_alter\` (\`id\` TEXT not null primary key, \`family_id\` INTEGER not null, \`uploaded_by_user_id\` INTEGER null, \`uploaded_by_device_id\` INTEGER null, \`purpose\` TEXT check (\`purpose\` in ('ACTIVITY_IMAGE', 'NOTIFICATION_IMAGE', 'MESSAGE_IMAGE', 'FAMILY_BACKGROUND', 'AVATAR', 'ATTACHMENT', 'ASSESSMENT_CSV')) not null, \`content_type\` TEXT not null, \`byte_size\` INTEGER not null, \`width\` INTEGER null, \`height\` INTEGER null, \`status\` TEXT check (\`status\` in ('PENDING', 'READY', 'REJECTED')) not null default 'PENDING', \`rejection_reason\` TEXT null, \`storage_key\` TEXT not null, \`thumbnail_key\` TEXT null, \`referenced_at\` datetime null, \`created_at\` datetime not null, constraint \`file_uploaded_by_device_id_foreign\` foreign key (\`uploaded_by_device_id\`) references \`device\` (\`id\`) on update no action on delete set null, constraint \`file_uploaded_by_user_id_foreign\` foreign key (\`uploaded_by_user_id\`) references \`user\` (\`id\`) on update no action on delete set null, constraint \`file_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on update no action on delete cascade);`);
    this.addSql(`insert into \`file__temp_alter\` select \`id\`, \`family_id\`, \`uploaded_by_user_id\`, \`uploaded_by_device_id\`, \`purpose\`, \`content_type\`, \`byte_size\`, \`width\`, \`height\`, \`status\`, \`rejection_reason\`, \`storage_key\`, \`thumbnail_key\`, \`referenced_at\`, \`created_at\` from \`file\`;`);
    this.addSql(`drop table \`file\`;`);
    this.addSql(`alter table \`file__temp_alter\` rename to \`file\`;`);
    this.addSql(`create index \`file_referenced_at_created_at_index\` on \`file\` (\`referenced_at\`, \`created_at\`);`);
    this.addSql(`create index \`file_uploaded_by_device_id_index\` on \`file\` (\`uploaded_by_device_id\`);`);
    this.addSql(`create index \`file_uploaded_by_user_id_index\` on \`file\` (\`uploaded_by_user_id\`);`);
    this.addSql(`create index \`file_family_id_index\` on \`file\` (\`family_id\`);`);
    this.addSql(`pragma foreign_keys = on;`);

    this.addSql(`alter table \`user\` drop column \`avatar_id\`;`);
  }

}
