import { Migration } from '@mikro-orm/migrations';

export class Migration20261130210110_admin_support extends Migration {

  override name = 'Migration20261130210110_admin_support';

  override up(): void | Promise<void> {
    this.addSql(`create table \`audit_entry\` (\`id\` int unsigned not null auto_increment primary key, \`actor_id\` int not null, \`action\` varchar(64) not null, \`target_type\` varchar(40) not null, \`target_id\` varchar(64) not null, \`reason\` varchar(500) null, \`detail\` json null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`audit_entry\` add index \`audit_entry_action_created_at_index\` (\`action\`, \`created_at\`);`);
    this.addSql(`alter table \`audit_entry\` add index \`audit_entry_actor_id_created_at_index\` (\`actor_id\`, \`created_at\`);`);
    this.addSql(`alter table \`audit_entry\` add index \`audit_entry_created_at_index\` (\`created_at\`);`);

    this.addSql(`create table \`support_conversation\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int unsigned not null, \`subject\` varchar(120) not null, \`status\` varchar(10) not null default 'OPEN', \`claimed_by_id\` int unsigned null, \`closed_at\` datetime(3) null, \`user_read_up_to\` int not null default 0, \`staff_read_up_to\` int not null default 0, \`created_at\` datetime(3) not null, \`last_message_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`support_conversation\` add index \`support_conversation_claimed_by_id_index\` (\`claimed_by_id\`);`);
    this.addSql(`alter table \`support_conversation\` add index \`support_conversation_status_last_message_at_index\` (\`status\`, \`last_message_at\`);`);
    this.addSql(`alter table \`support_conversation\` add index \`support_conversation_user_id_last_message_at_index\` (\`user_id\`, \`last_message_at\`);`);

    this.addSql(`create table \`support_message\` (\`id\` int unsigned not null auto_increment primary key, \`conversation_id\` int unsigned not null, \`owner_id\` int unsigned not null, \`author_id\` int unsigned null, \`from_staff\` tinyint(1) not null, \`content\` varchar(2000) not null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`support_message\` add index \`support_message_owner_id_index\` (\`owner_id\`);`);
    this.addSql(`alter table \`support_message\` add index \`support_message_author_id_index\` (\`author_id\`);`);
    this.addSql(`alter table \`support_message\` add index \`support_message_conversation_id_created_at_index\` (\`conversation_id\`, \`created_at\`);`);

    this.addSql(`alter table \`support_conversation\` add constraint \`support_conversation_user_id_foreign\` foreign key (\`user_id\`) references \`user\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`support_conversation\` add constraint \`support_conversation_claimed_by_id_foreign\` foreign key (\`claimed_by_id\`) references \`user\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`support_message\` add constraint \`support_message_conversation_id_foreign\` foreign key (\`conversation_id\`) references \`support_conversation\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`support_message\` add constraint \`support_message_owner_id_foreign\` foreign key (\`owner_id\`) references \`user\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`support_message\` add constraint \`support_message_author_id_foreign\` foreign key (\`author_id\`) references \`user\` (\`id\`) on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`support_message\` drop foreign key \`support_message_conversation_id_foreign\`;`);

    this.addSql(`drop table if exists \`audit_entry\`;`);
    this.addSql(`drop table if exists \`support_conversation\`;`);
    this.addSql(`drop table if exists \`support_message\`;`);
  }

}
