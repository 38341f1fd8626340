import { Migration } from '@mikro-orm/migrations';

export class Migration20261124220810_ai extends Migration {

  override name = 'Migration20261124220810_ai';

  override up(): void | Promise<void> {
    this.addSql(`create table \`conversation\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`conversation\` add index \`conversation_family_id_created_at_index\` (\`family_id\`, \`created_at\`);`);

    this.addSql(`create table \`chat_message\` (\`id\` int unsigned not null auto_increment primary key, \`conversation_id\` int unsigned not null, \`role\` enum('USER','ASSISTANT') not null, \`content\` varchar(2000) not null, \`provider\` varchar(100) null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`chat_message\` add index \`chat_message_conversation_id_created_at_index\` (\`conversation_id\`, \`created_at\`);`);

    this.addSql(`create table \`ai_job\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`kind\` enum('CHAT_REPLY','MOOD') not null, \`status\` enum('PENDING','RUNNING','DONE','FAILED') not null default 'PENDING', \`attempts\` int not null default 0, \`payload\` json not null, \`error\` varchar(500) null, \`run_after\` datetime(3) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`ai_job\` add index \`ai_job_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`ai_job\` add index \`ai_job_status_run_after_index\` (\`status\`, \`run_after\`);`);

    this.addSql(`alter table \`conversation\` add constraint \`conversation_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`chat_message\` add constraint \`chat_message_conversation_id_foreign\` foreign key (\`conversation_id\`) references \`conversation\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`ai_job\` add constraint \`ai_job_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`chat_message\` drop foreign key \`chat_message_conversation_id_foreign\`;`);

    this.addSql(`drop table if exists \`conversation\`;`);
    this.addSql(`drop table if exists \`chat_message\`;`);
    this.addSql(`drop table if exists \`ai_job\`;`);
  }

}
