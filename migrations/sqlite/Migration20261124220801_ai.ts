import { Migration } from '@mikro-orm/migrations';

export class Migration20261124220801_ai extends Migration {

  override name = 'Migration20261124220801_ai';

  override up(): void | Promise<void> {
    this.addSql(`create table \`conversation\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`created_at\` datetime not null, constraint \`conversation_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`conversation_family_id_created_at_index\` on \`conversation\` (\`family_id\`, \`created_at\`);`);

    this.addSql(`create table \`chat_message\` (\`id\` integer not null primary key autoincrement, \`conversation_id\` integer not null, \`role\` text check (\`role\` in ('USER', 'ASSISTANT')) not null, \`content\` text not null, \`provider\` text null, \`created_at\` datetime not null, constraint \`chat_message_conversation_id_foreign\` foreign key (\`conversation_id\`) references \`conversation\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`chat_message_conversation_id_created_at_index\` on \`chat_message\` (\`conversation_id\`, \`created_at\`);`);

    this.addSql(`create table \`ai_job\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`kind\` text check (\`kind\` in ('CHAT_REPLY', 'MOOD')) not null, \`status\` text check (\`status\` in ('PENDING', 'RUNNING', 'DONE', 'FAILED')) not null default 'PENDING', \`attempts\` integer not null default 0, \`payload\` json not null, \`error\` text null, \`run_after\` datetime not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`ai_job_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`ai_job_family_id_index\` on \`ai_job\` (\`family_id\`);`);
    this.addSql(`create index \`ai_job_status_run_after_index\` on \`ai_job\` (\`status\`, \`run_after\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`conversation\`;`);
    this.addSql(`drop table if exists \`chat_message\`;`);
    this.addSql(`drop table if exists \`ai_job\`;`);
  }

}
