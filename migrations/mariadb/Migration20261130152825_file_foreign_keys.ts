import { Migration } from '@mikro-orm/migrations';

/** The nullable columns that reference files: table, column. */
const NULLABLE = [
  ['user', 'avatar_id'],
  ['notification', 'image_id'],
  ['message', 'image_id'],
  ['activity', 'image_id'],
] as const;

/**
 * Foreign keys from every column holding a file id to `file.id`, both sides in binary collation
 * (utf8mb4_unicode_ci took an upper-cased id for the real one). Before that, a reference is
 * rewritten to the exact id of the file it matched (real ids are lower case), or NULL when it
 * names no file; a background without its file goes.
 */
export class Migration20261130152825_file_foreign_keys extends Migration {

  override name = 'Migration20261130152825_file_foreign_keys';

  override up(): void | Promise<void> {
    for (const [table, column] of NULLABLE) {
      this.addSql(`update \`${table}\` set \`${column}\` = (select \`file\`.\`id\` from \`file\` where \`file\`.\`id\` = lower(\`${table}\`.\`${column}\`)) where \`${column}\` is not null;`);
    }
    this.addSql(`delete from \`family_background\` where not exists (select 1 from \`file\` where \`file\`.\`id\` = lower(\`family_background\`.\`file_id\`));`);
    this.addSql(`update \`family_background\` set \`file_id\` = lower(\`file_id\`);`);

    this.addSql(`alter table \`file\` modify \`id\` varchar(26) collate utf8mb4_bin not null;`);
    for (const [table, column] of NULLABLE) {
      this.addSql(`alter table \`${table}\` modify \`${column}\` varchar(26) collate utf8mb4_bin null;`);
      this.addSql(`alter table \`${table}\` add constraint \`${table}_${column}_foreign\` foreign key (\`${column}\`) references \`file\` (\`id\`) on delete set null;`);
    }
    this.addSql(`alter table \`family_background\` modify \`file_id\` varchar(26) collate utf8mb4_bin not null;`);
    this.addSql(`alter table \`family_background\` add constraint \`family_background_file_id_foreign\` foreign key (\`file_id\`) references \`file\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`activity\` drop foreign key \`activity_image_id_foreign\`;`);

    this.addSql(`alter table \`family_background\` drop foreign key \`family_background_file_id_foreign\`;`);

    this.addSql(`alter table \`message\` drop foreign key \`message_image_id_foreign\`;`);

    this.addSql(`alter table \`notification\` drop foreign key \`notification_image_id_foreign\`;`);

    this.addSql(`alter table \`user\` drop foreign key \`user_avatar_id_foreign\`;`);

    this.addSql(`alter table \`activity\` modify \`image_id\` varchar(100) null;`);

    this.addSql(`alter table \`family_background\` modify \`file_id\` varchar(100) not null;`);

    this.addSql(`alter table \`file\` modify \`id\` varchar(26) not null;`);

    this.addSql(`alter table \`message\` modify \`image_id\` varchar(100) null;`);

    this.addSql(`alter table \`notification\` modify \`image_id\` varchar(100) null;`);

    this.addSql(`alter table \`user\` modify \`avatar_id\` varchar(26) null;`);
  }

}
