import { Migration } from '@mikro-orm/migrations';

export class Migration20261124225417_avatars extends Migration {

  override name = 'Migration20261124225417_avatars';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`user\` add \`avatar_id\` varchar(26) null;`);

    this.addSql(`alter table \`file\` add \`owner_id\` int unsigned null;`);
    this.addSql(`alter table \`file\` add constraint \`file_owner_id_foreign\` foreign key (\`owner_id\`) references \`user\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`file\` modify \`family_id\` int unsigned null;`);
    this.addSql(`alter table \`file\` add index \`file_owner_id_index\` (\`owner_id\`);`);
    this.addSql(`alter table \`file\` add constraint \`file_one_owner_check\` check ((family_id is null) <> (owner_id is null));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`file\` drop foreign key \`file_owner_id_foreign\`;`);

    this.addSql(`alter table \`file\` drop index \`file_owner_id_index\`;`);
    this.addSql(`alter table \`file\` drop constraint \`file_one_owner_check\`;`);
    this.addSql(`alter table \`file\` drop column \`owner_id\`;`);
    this.addSql(`alter table \`file\` modify \`family_id\` int unsigned not null;`);

    this.addSql(`alter table \`user\` drop column \`avatar_id\`;`);
  }

}
