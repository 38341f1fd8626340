import { Migration } from '@mikro-orm/migrations';

/** The nullable columns that reference files: table, column, index. */
const NULLABLE = [
  ['user', 'avatar_id'],
  ['notification', 'image_id'],
  ['message', 'image_id'],
  ['activity', 'image_id'],
] as const;

/**
 * Foreign keys from every column holding a file id to `file.id`. SQLite adds a constraint only by
 * rebuilding a table, and the rebuild's `drop table` cascades into the tables referencing it
 * (`pragma foreign_keys = off` is ignored inside the migration's transaction): rebuilding `user`
 * would delete every session, membership and message. So a nullable column is replaced in place
 * instead (`add column … references` is allowed for a NULL default), and only
 * `family_background`, which no table references, is rebuilt. A reference that names no file
 * (or names one only in other letter case) becomes NULL; a background without its file goes.
 */
export class Migration20261130152751_file_foreign_keys extends Migration {

  override name = 'Migration20261130152751_file_foreign_keys';

  override up(): void | Promise<void> {
    for (const [table, column] of NULLABLE) {
      this.addSql(`drop index \`${table}_${column}_index\`;`);
      this.addSql(`alter table \`${table}\` rename column \`${column}\` to \`${column}__old\`;`);
      this.addSql(`alter table \`${table}\` add column \`${column}\` text null constraint \`${table}_${column}_foreign\` references \`file\` (\`id\`) on delete set null;`);
      this.addSql(`update \`${table}\` set \`${column}\` = (select \`file\`.\`id\` from \`file\` where \`file\`.\`id\` = lower(\`${table}\`.\`${column}__old\`)) where \`${column}__old\` is not null;`);
      this.addSql(`alter table \`${table}\` drop column \`${column}__old\`;`);
      this.addSql(`create index \`${table}_${column}_index\` on \`${table}\` (\`${column}\`);`);
    }

    this.addSql(`delete from \`family_background\` where not exists (select 1 from \`file\` where \`file\`.\`id\` = lower(\`family_background\`.\`file_id\`));`);
    this.addSql(`create table \`family_background__temp_alter\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`file_id\` text not null, \`created_at\` datetime not null, constraint \`family_background_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade, constraint \`family_background_file_id_foreign\` foreign key (\`file_id\`) references \`file\` (\`id\`) on delete cascade);`);
    this.addSql(`insert into \`family_background__temp_alter\` select \`id\`, \`family_id\`, lower(\`file_id\`), \`created_at\` from \`family_background\`;`);
    this.addSql(`drop table \`family_background\`;`);
    this.addSql(`alter table \`family_background__temp_alter\` rename to \`family_background\`;`);
    this.addSql(`create index \`family_background_family_id_index\` on \`family_background\` (\`family_id\`);`);
    this.addSql(`create index \`family_background_file_id_index\` on \`family_background\` (\`file_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`create table \`family_background__temp_alter\` (\`id\` integer not null primary key autoincrement, \`family_id\` integer not null, \`file_id\` text not null, \`created_at\` datetime not null, constraint \`family_background_family_id_foreign\` foreign key (\`family_id\`) references \`family\` (\`id\`) on delete cascade);`);
    this.addSql(`insert into \`family_background__temp_alter\` select \`id\`, \`family_id\`, \`file_id\`, \`created_at\` from \`family_background\`;`);
    this.addSql(`drop table \`family_background\`;`);
    this.addSql(`alter table \`family_background__temp_alter\` rename to \`family_background\`;`);
    this.addSql(`create index \`family_background_family_id_index\` on \`family_background\` (\`family_id\`);`);
    this.addSql(`create index \`family_background_file_id_index\` on \`family_background\` (\`file_id\`);`);

    for (const [table, column] of NULLABLE) {
      this.addSql(`drop index \`${table}_${column}_index\`;`);
      this.addSql(`alter table \`${table}\` rename column \`${column}\` to \`${column}__old\`;`);
      this.addSql(`alter table \`${table}\` add column \`${column}\` text null;`);
      this.addSql(`update \`${table}\` set \`${column}\` = \`${column}__old\`;`);
      this.addSql(`alter table \`${table}\` drop column \`${column}__old\`;`);
      this.addSql(`create index \`${table}_${column}_index\` on \`${table}\` (\`${column}\`);`);
    }
  }

}
