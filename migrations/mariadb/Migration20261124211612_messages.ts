import { Migration } from '@mikro-orm/migrations';

export class Migration20261124211612_messages extends Migration {

  override name = 'Migration20261124211612_messages';

  override up(): void | Promise<void> {
    this.addSql(`create table \`message\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`from_user_id\` int unsigned not null, \`to_user_id\` int unsigned not null, \`sent_by_device_id\` int unsigned null, \`content\` varchar(2000) not null, \`image_id\` varchar(100) null, \`read_at\` datetime(3) null, \`deleted_by_sender\` tinyint(1) not null default false, \`deleted_by_recipient\` tinyint(1) not null default false, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`message\` add index \`message_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`message\` add index \`message_sent_by_device_id_index\` (\`sent_by_device_id\`);`);
    this.addSql(`alter table \`message\` add index \`message_to_user_id_read_at_index\` (\`to_user_id\`, \`read_at\`);`);
    this.addSql(`alter table \`message\` add index \`message_from_user_id_created_at_index\` (\`from_user_id\`, \`created_at\`);`);
    this.addSql(`alter table \`message\` add index \`message_to_user_id_created_at_index\` (\`to_user_id\`, \`created_at\`);`);

    this.addSql(`alter table \`message\` add constraint \`message_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`message\` add constraint \`message_from_user_id_foreign\` foreign key (\`from_user_id\`) references \`user\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`message\` add constraint \`message_to_user_id_foreign\` foreign key (\`to_user_id\`) references \`user\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`message\` add constraint \`message_sent_by_device_id_foreign\` foreign key (\`sent_by_device_id\`) references \`device\` (\`id\`) on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`message\`;`);
  }

}
