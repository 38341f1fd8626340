import { Migration } from '@mikro-orm/migrations';

export class Migration20261130210552_care_sessions extends Migration {

  override name = 'Migration20261130210552_care_sessions';

  override up(): void | Promise<void> {
    this.addSql(`create table \`scoring_model\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(50) not null, \`description\` varchar(500) not null, \`input_columns\` json not null, \`coefficients\` json not null, \`intercept\` double not null default 0, \`available\` tinyint(1) not null default true, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`scoring_model\` add unique \`scoring_model_name_unique\` (\`name\`);`);

    this.addSql(`create table \`assessment_band\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`low\` double not null, \`high\` double not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`assessment_band\` add unique \`assessment_band_family_id_unique\` (\`family_id\`);`);

    this.addSql(`create table \`care_session\` (\`id\` int unsigned not null auto_increment primary key, \`family_id\` int unsigned not null, \`device_id\` int unsigned not null, \`requested_by_id\` int unsigned null, \`kind\` enum('CHECK_IN_CALL','VITALS_MEASUREMENT','COGNITIVE_ASSESSMENT') not null, \`state\` enum('REQUESTED','ACCEPTED','STARTED','RESULT_UPLOADED','STOP_REQUESTED','COMPLETED','REJECTED','FAILED','STOPPED','NO_RESPONSE','TIMED_OUT') not null default 'REQUESTED', \`parameters\` json not null, \`progress\` int not null default 0, \`reason\` varchar(200) null, \`result_file_id\` varchar(26) collate utf8mb4_bin null, \`active_device\` int null, \`version\` int not null default 0, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`ended_at\` datetime(3) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`care_session\` add index \`care_session_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`care_session\` add index \`care_session_device_id_index\` (\`device_id\`);`);
    this.addSql(`alter table \`care_session\` add index \`care_session_requested_by_id_index\` (\`requested_by_id\`);`);
    this.addSql(`alter table \`care_session\` add index \`care_session_result_file_id_index\` (\`result_file_id\`);`);
    this.addSql(`alter table \`care_session\` add unique \`care_session_active_device_unique\` (\`active_device\`);`);
    this.addSql(`alter table \`care_session\` add index \`care_session_device_id_created_at_index\` (\`device_id\`, \`created_at\`);`);
    this.addSql(`alter table \`care_session\` add index \`care_session_family_id_created_at_index\` (\`family_id\`, \`created_at\`);`);

    this.addSql(`create table \`care_session_transition\` (\`id\` int unsigned not null auto_increment primary key, \`session_id\` int unsigned not null, \`device_id\` int unsigned not null, \`from\` enum('REQUESTED','ACCEPTED','STARTED','RESULT_UPLOADED','STOP_REQUESTED','COMPLETED','REJECTED','FAILED','STOPPED','NO_RESPONSE','TIMED_OUT') null, \`state\` enum('REQUESTED','ACCEPTED','STARTED','RESULT_UPLOADED','STOP_REQUESTED','COMPLETED','REJECTED','FAILED','STOPPED','NO_RESPONSE','TIMED_OUT') not null, \`progress\` int null, \`reason\` varchar(200) null, \`actor\` enum('USER','DEVICE','SYSTEM') not null, \`command\` enum('START_SESSION','STOP_SESSION') null, \`at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`care_session_transition\` add index \`care_session_transition_session_id_index\` (\`session_id\`);`);
    this.addSql(`alter table \`care_session_transition\` add index \`care_session_transition_device_id_index\` (\`device_id\`);`);
    this.addSql(`alter table \`care_session_transition\` add index \`care_session_transition_device_id_command_id_index\` (\`device_id\`, \`command\`, \`id\`);`);
    this.addSql(`alter table \`care_session_transition\` add index \`care_session_transition_session_id_id_index\` (\`session_id\`, \`id\`);`);

    this.addSql(`create table \`assessment_result\` (\`id\` int unsigned not null auto_increment primary key, \`session_id\` int unsigned not null, \`family_id\` int unsigned not null, \`model_id\` int unsigned not null, \`input_file_id\` varchar(26) collate utf8mb4_bin null, \`normalised_file_id\` varchar(26) collate utf8mb4_bin null, \`row_count\` int not null, \`status\` enum('PENDING','RUNNING','DONE','FAILED') not null default 'PENDING', \`score\` double null, \`error\` varchar(500) null, \`job_id\` int null, \`started_at\` datetime(3) null, \`finished_at\` datetime(3) null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`assessment_result\` add unique \`assessment_result_session_id_unique\` (\`session_id\`);`);
    this.addSql(`alter table \`assessment_result\` add index \`assessment_result_family_id_index\` (\`family_id\`);`);
    this.addSql(`alter table \`assessment_result\` add index \`assessment_result_model_id_index\` (\`model_id\`);`);
    this.addSql(`alter table \`assessment_result\` add index \`assessment_result_input_file_id_index\` (\`input_file_id\`);`);
    this.addSql(`alter table \`assessment_result\` add index \`assessment_result_normalised_file_id_index\` (\`normalised_file_id\`);`);
    this.addSql(`alter table \`assessment_result\` add index \`assessment_result_family_id_created_at_index\` (\`family_id\`, \`created_at\`);`);

    // the registry's first model (seed 003), its coefficients as data
    this.addSql(`insert into \`scoring_model\` (\`name\`, \`description\`, \`input_columns\`, \`coefficients\`, \`intercept\`, \`available\`, \`created_at\`) values ('linear-v1', 'The test model of seed 003 (AI_test.csv): y = 4x0 + 5x1 + 2x2 + 7x3 + 0.1x4 + 15x5 + 0.05x6 + x7 per row; the score is the mean over the rows.', '[{"name":"x0","min":0,"max":100},{"name":"x1","min":0,"max":100},{"name":"x2","min":0,"max":100},{"name":"x3","min":0,"max":100},{"name":"x4","min":0,"max":100},{"name":"x5","min":0,"max":100},{"name":"x6","min":0,"max":100},{"name":"x7","min":0,"max":100}]', '[4,5,2,7,0.1,15,0.05,1]', 0, 1, '2026-11-30 21:00:00.000');`);

    this.addSql(`alter table \`ai_job\` modify \`kind\` enum('CHAT_REPLY','MOOD','MENTAL_REPORT','CARE_SESSION_WATCHDOG','ASSESSMENT_SCORE') not null;`);

    this.addSql(`alter table \`assessment_band\` add constraint \`assessment_band_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`care_session\` add constraint \`care_session_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`care_session\` add constraint \`care_session_device_id_foreign\` foreign key (\`device_id\`) references \`device\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`care_session\` add constraint \`care_session_requested_by_id_foreign\` foreign key (\`requested_by_id\`) references \`user\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`care_session\` add constraint \`care_session_result_file_id_foreign\` foreign key (\`result_file_id\`) references \`file\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`care_session_transition\` add constraint \`care_session_transition_session_id_foreign\` foreign key (\`session_id\`) references \`care_session\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`care_session_transition\` add constraint \`care_session_transition_device_id_foreign\` foreign key (\`device_id\`) references \`device\` (\`id\`) on delete cascade;`);

    this.addSql(`alter table \`assessment_result\` add constraint \`assessment_result_session_id_foreign\` foreign key (\`session_id\`) references \`care_session\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`assessment_result\` add constraint \`assessment_result_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`assessment_result\` add constraint \`assessment_result_model_id_foreign\` foreign key (\`model_id\`) references \`scoring_model\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`assessment_result\` add constraint \`assessment_result_input_file_id_foreign\` foreign key (\`input_file_id\`) references \`file\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`assessment_result\` add constraint \`assessment_result_normalised_file_id_foreign\` foreign key (\`normalised_file_id\`) references \`file\` (\`id\`) on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`assessment_result\` drop foreign key \`assessment_result_model_id_foreign\`;`);
    this.addSql(`alter table \`care_session_transition\` drop foreign key \`care_session_transition_session_id_foreign\`;`);
    this.addSql(`alter table \`assessment_result\` drop foreign key \`assessment_result_session_id_foreign\`;`);

    this.addSql(`drop table if exists \`scoring_model\`;`);
    this.addSql(`drop table if exists \`assessment_band\`;`);
    this.addSql(`drop table if exists \`care_session\`;`);
    this.addSql(`drop table if exists \`care_session_transition\`;`);
    this.addSql(`drop table if exists \`assessment_result\`;`);

    this.addSql(`alter table \`ai_job\` modify \`kind\` enum('CHAT_REPLY','MOOD','MENTAL_REPORT') not null;`);
  }

}
