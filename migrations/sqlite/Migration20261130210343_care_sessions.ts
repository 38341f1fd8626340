import { Migration } from '@mikro-orm/migrations';

export class Migration20261130210343_care_sessions extends Migration {

  override name = 'Migration20261130210343_care_sessions';

  override up(): void | Promise<void> {
    this.addSql(`create table \`scoring_model\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`description\` text not null, \`input_columns\` json not null, \`coefficients\` json not null, \`intercept\` double not null default 0, \`available\` integer not null default true, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`scoring_model_name_unique\` on \`scoring_model\` (\`name\`);`);

    this.addSql(`create table \`assessment_band\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`low\` double not null, \`high\` double not null, \`updated_at\` datetime not null, constraint \`assessment_band_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`create unique index \`assessment_band_family_id_unique\` on \`assessment_band\` (\`family_id\`);`);

    this.addSql(`create table \`care_session\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`device_id\` integer not null, \`requested_by_id\` integer null, \`kind\` text check (\`kind\` in ('CHECK_IN_CALL', 'VITALS_MEASUREMENT', 'COGNITIVE_ASSESSMENT')) not null, \`state\` text check (\`state\` in ('REQUESTED', 'ACCEPTED', 'STARTED', 'RESULT_UPLOADED', 'STOP_REQUESTED', 'COMPLETED', 'REJECTED', 'FAILED', 'STOPPED', 'NO_RESPONSE', 'TIMED_OUT')) not null default 'REQUESTED', \`parameters\` json not null, \`progress\` integer not null default 0, \`reason\` text null, \`result_file_id\` text null, \`active_device\` integer null, \`version\` integer not null default 0, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`ended_at\` datetime null, constraint \`care_session_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade, constraint \`care_session_device_id_foreign\` foreign key (\`device_id\`) references \`device\` (\`id\`) on delete cascade, constraint \`care_session_requested_by_id_foreign\` foreign key (\`requested_by_id\`) references \`user\` (\`id\`) on delete set null, constraint \`care_session_result_file_id_foreign\` foreign key (\`result_file_id\`) references \`file\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`care_session_family_id_index\` on \`care_session\` (\`family_id\`);`);
    this.addSql(`create index \`care_session_device_id_index\` on \`care_session\` (\`device_id\`);`);
    this.addSql(`create index \`care_session_requested_by_id_index\` on \`care_session\` (\`requested_by_id\`);`);
    this.addSql(`create index \`care_session_result_file_id_index\` on \`care_session\` (\`result_file_id\`);`);
    this.addSql(`create unique index \`care_session_active_device_unique\` on \`care_session\` (\`active_device\`);`);
    this.addSql(`create index \`care_session_device_id_created_at_index\` on \`care_session\` (\`device_id\`, \`created_at\`);`);
    this.addSql(`create index \`care_session_family_id_created_at_index\` on \`care_session\` (\`family_id\`, \`created_at\`);`);

    this.addSql(`create table \`care_session_transition\` (\`id\` integer not null primary key autoincrement, \`session_id\` integer not null, \`device_id\` integer not null, \`from\` text check (\`from\` in ('REQUESTED', 'ACCEPTED', 'STARTED', 'RESULT_UPLOADED', 'STOP_REQUESTED', 'COMPLETED', 'REJECTED', 'FAILED', 'STOPPED', 'NO_RESPONSE', 'TIMED_OUT')) null, \`state\` text check (\`state\` in ('REQUESTED', 'ACCEPTED', 'STARTED', 'RESULT_UPLOADED', 'STOP_REQUESTED', 'COMPLETED', 'REJECTED', 'FAILED', 'STOPPED', 'NO_RESPONSE', 'TIMED_OUT')) not null, \`progress\` integer null, \`reason\` text null, \`actor\` text check (\`actor\` in ('USER', 'DEVICE', 'SYSTEM')) not null, \`command\` text check (\`command\` in ('START_SESSION', 'STOP_SESSION')) null, \`at\` datetime not null, constraint \`care_session_transition_session_id_foreign\` foreign key (\`session_id\`) references \`care_session\` (\`id\`) on delete cascade, constraint \`care_session_transition_device_id_foreign\` foreign key (\`device_id\`) references \`device\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`care_session_transition_session_id_index\` on \`care_session_transition\` (\`session_id\`);`);
    this.addSql(`create index \`care_session_transition_device_id_index\` on \`care_session_transition\` (\`device_id\`);`);
    this.addSql(`create index \`care_session_transition_device_id_command_id_index\` on \`care_session_transition\` (\`device_id\`, \`command\`, \`id\`);`);
    this.addSql(`create index \`care_session_transition_session_id_id_index\` on \`care_session_transition\` (\`session_id\`, \`id\`);`);

    this.addSql(`create table \`assessment_result\` (\`id\` integer not null primary key autoincrement, \`session_id\` integer not null, \`family_id\` integer not null, \`model_id\` integer not null, \`input_file_id\` text null, \`normalised_file_id\` text null, \`row_count\` integer not null, \`status\` text check (\`status\` in ('PENDING', 'RUNNING', 'DONE', 'FAILED')) not null default 'PENDING', \`score\` double null, \`error\` text null, \`job_id\` integer null, \`started_at\` datetime null, \`finished_at\` datetime null, \`created_at\` datetime not null, constraint \`assessment_result_session_id_foreign\` foreign key (\`session_id\`) references \`care_session\` (\`id\`) on delete cascade, constraint \`assessment_result_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade, constraint \`assessment_result_model_id_foreign\` foreign key (\`model_id\`) references \`scoring_model\` (\`id\`) on delete cascade, constraint \`assessment_result_input_file_id_foreign\` foreign key (\`input_file_id\`) references \`file\` (\`id\`) on delete set null, constraint \`assessment_result_normalised_file_id_foreign\` foreign key (\`normalised_file_id\`) references \`file\` (\`id\`) on delete set null);`);
    this.addSql(`create unique index \`assessment_result_session_id_unique\` on \`assessment_result\` (\`session_id\`);`);
    this.addSql(`create index \`assessment_result_family_id_index\` on \`assessment_result\` (\`family_id\`);`);
    this.addSql(`create index \`assessment_result_model_id_index\` on \`assessment_result\` (\`model_id\`);`);
    this.addSql(`create index \`assessment_result_input_file_id_index\` on \`assessment_result\` (\`input_file_id\`);`);
    this.addSql(`create index \`assessment_result_normalised_file_id_index\` on \`assessment_result\` (\`normalised_file_id\`);`);
    this.addSql(`create index \`assessment_result_family_id_created_at_index\` on \`assessment_result\` (\`family_id\`, \`created_at\`);`);

    // the registry's first model (seed 003), its coefficients as data
    this.addSql(`insert into \`scoring_model\` (\`name\`, \`description\`, \`input_columns\`, \`coefficients\`, \`intercept\`, \`available\`, \`created_at\`) values ('linear-v1', 'The test model of seed 003 (AI_test.csv): y = 4x0 + 5x1 + 2x2 + 7x3 + 0.1x4 + 15x5 + 0.05x6 + x7 per row; the score is the mean over the rows.', '[{"name":"x0","min":0,"max":100},{"name":"x1","min":0,"max":100},{"name":"x2","min":0,"max":100},{"name":"x3","min":0,"max":100},{"name":"x4","min":0,"max":100},{"name":"x5","min":0,"max":100},{"name":"x6","min":0,"max":100},{"name":"x7","min":0,"max":100}]', '[4,5,2,7,0.1,15,0.05,1]', 0, 1, 1796072400000);`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`ai_job__temp_alter\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`kind\` text check (\`kind\` in ('CHAT_REPLY', 'MOOD', 'MENTAL_REPORT', 'CARE_SESSION_WATCHDOG', 'ASSESSMENT_SCORE')) not null, \`status\` text check (\`status\` in ('PENDING', 'RUNNING', 'DONE', 'FAILED')) not null default 'PENDING', \`attempts\` integer not null default 0, \`payload\` json not null, \`progress\` integer not null default 0, \`result_id\` integer null, \`dedupe_key\` text null, \`error\` text null, \`run_after\` datetime not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`ai_job_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`insert into \`ai_job__temp_alter\` select \`id\`, \`family_id\`, \`kind\`, \`status\`, \`attempts\`, \`payload\`, \`progress\`, \`result_id\`, \`dedupe_key\`, \`error\`, \`run_after\`, \`created_at\`, \`updated_at\` from \`ai_job\`;`);
    this.addSql(`drop table \`ai_job\`;`);
    this.addSql(`alter table \`ai_job__temp_alter\` rename to \`ai_job\`;`);
    this.addSql(`create index \`ai_job_family_id_index\` on \`ai_job\` (\`family_id\`);`);
    this.addSql(`create index \`ai_job_status_run_after_index\` on \`ai_job\` (\`status\`, \`run_after\`);`);
    this.addSql(`create unique index \`ai_job_family_id_dedupe_key_unique\` on \`ai_job\` (\`family_id\`, \`dedupe_key\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop table if exists \`scoring_model\`;`);
    this.addSql(`drop table if exists \`assessment_band\`;`);
    this.addSql(`drop table if exists \`care_session\`;`);
    this.addSql(`drop table if exists \`care_session_transition\`;`);
    this.addSql(`drop table if exists \`assessment_result\`;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`ai_job__temp_alter\` (\`id\` integer not null primary key autoincrement, \`family_id\` INTEGER not null, \`kind\` TEXT check (\`kind\` in ('CHAT_REPLY', 'MOOD', 'MENTAL_REPORT')) not null, \`status\` TEXT check (\`status\` in ('PENDING', 'RUNNING', 'DONE', 'FAILED')) not null default 'PENDING', \`attempts\` INTEGER not null default 0, \`payload\` json not null, \`progress\` INTEGER not null default 0, \`result_id\` INTEGER null, \`dedupe_key\` TEXT null, \`error\` TEXT null, \`run_after\` datetime not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`ai_job_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on update no action on delete cascade);`);
    this.addSql(`insert into \`ai_job__temp_alter\` select \`id\`, \`family_id\`, \`kind\`, \`status\`, \`attempts\`, \`payload\`, \`progress\`, \`result_id\`, \`dedupe_key\`, \`error\`, \`run_after\`, \`created_at\`, \`updated_at\` from \`ai_job\`;`);
    this.addSql(`drop table \`ai_job\`;`);
    this.addSql(`alter table \`ai_job__temp_alter\` rename to \`ai_job\`;`);
    this.addSql(`create unique index \`ai_job_family_id_dedupe_key_unique\` on \`ai_job\` (\`family_id\`, \`dedupe_key\`);`);
    this.addSql(`create index \`ai_job_status_run_after_index\` on \`ai_job\` (\`status\`, \`run_after\`);`);
    this.addSql(`create index \`ai_job_family_id_index\` on \`ai_job\` (\`family_id\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

}
