import { Migration } from '@mikro-orm/migrations';

export class Migration20261124215231_files extends Migration {

  override name = 'Migration20261124215231_files';

  override up(): void | Promise<void> {
    this.addSql(`create table \`file\` (\`id\` text not null primary key, \`family_id\` integer not null, \`uploaded_by_user_id\` integer null, \`uploaded_by_device_id\` integer null, \`purpose\` text check (\`purpose\` in ('ACTIVITY_IMAGE', 'NOTIFICATION_IMAGE', 'MESSAGE_IMAGE', 'FAMILY_BACKGROUND', 'AVATAR', 'ATTACHMENT', 'ASSESSMENT_CSV')) not null, \`content_type\` text not null, \`byte_size\` integer not null, \`width\` integer null, \`height\` integer null, \`status\` text check (\`status\` in ('PENDING', 'READY', 'REJECTED')) not null default 'PENDING', \`rejection_reason\` text null, \`storage_key\` text not null, \`thumbnail_key\` text null, \`referenced_at\` datetime null, \`created_at\` datetime not null, constraint \`file_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade, constraint \`file_uploaded_by_user_id_foreign\` foreign key (\`uploaded_by_user_id\`) references \`user\` (\`id\`) on delete set null, constraint \`file_uploaded_by_device_id_foreign\` foreign key (\`uploaded_by_device_id\`) references \`device\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`file_family_id_index\` on \`file\` (\`family_id\`);`);
    this.addSql(`create index \`file_uploaded_by_user_id_index\` on \`file\` (\`uploaded_by_user_id\`);`);
    this.addSql(`create index \`file_uploaded_by_device_id_index\` on \`file\` (\`uploaded_by_device_id\`);`);
    this.addSql(`create index \`file_referenced_at_created_at_index\` on \`file\` (\`referenced_at\`, \`created_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`file\`;`);
  }

}
