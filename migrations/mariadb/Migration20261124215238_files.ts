import { Migration } from '@mikro-orm/migrations';

export class Migration20261124215238_files extends Migration {

  override name = 'Migration20261124215238_files';

  override up(): void | Promise<void> {
    this.addSql(`create table \`file\` (\`id\` varchar(26) not null, \`family_id\` int unsigned not null, \`uploaded_by_user_id\` int unsigned null, \`uploaded_by_device_id\` int unsigned null, \`purpose\` enum('ACTIVITY_IMAGE','NOTIFICATION_IMAGE','MESSAGE_IMAGE','FAMILY_BACKGROUND','AVATAR','ATTACHMENT','ASSESSMENT_CSV') not null, \`content_type\` varchar(100) not null, \`byte_size\` int not null, \`width\` int null, \`height\` int null, \`status\` enum('PENDING','READY','REJECTED') not null default 'PENDING', \`rejection_reason\` varchar(200) null, \`storage_key\` varchar(100) not null, \`thumbnail_key\` varchar(100) null, \`referenced_at\` datetime(3) null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`file\` add index \`file_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`file\` add index \`file_uploaded_by_user_id_index\` (\`uploaded_by_user_id\`);`);
    this.addSql(`alter table \`file\` add index \`file_uploaded_by_device_id_index\` (\`uploaded_by_device_id\`);`);
    this.addSql(`alter table \`file\` add index \`file_referenced_at_created_at_index\` (\`referenced_at\`, \`created_at\`);`);

    this.addSql(`alter table \`file\` add constraint \`file_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`file\` add constraint \`file_uploaded_by_user_id_foreign\` foreign key (\`uploaded_by_user_id\`) references \`user\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`file\` add constraint \`file_uploaded_by_device_id_foreign\` foreign key (\`uploaded_by_device_id\`) references \`device\` (\`id\`) on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`file\`;`);
  }

}
