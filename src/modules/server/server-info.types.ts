import { Length } from 'class-validator';
import { ArgsType, Field, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum DatabaseDriverKind {
  SQLITE = 'SQLITE',
  MARIADB = 'MARIADB',
}
registerEnumType(DatabaseDriverKind, {
  name: 'DatabaseDriver',
  description: 'The database engine behind this API instance.',
  valuesConfig: {
    SQLITE: { description: 'Embedded SQLite file (development default).' },
    MARIADB: { description: 'MariaDB server (production).' },
  },
});

@ObjectType({ description: 'Facts about the running API instance.' })
export class ServerInfo {
  @Field({ description: 'Version of the API (package.json).' })
  version!: string;

  @Field(() => DatabaseDriverKind, { description: 'Database engine in use.' })
  databaseDriver!: DatabaseDriverKind;

  @Field(() => Int, { description: 'Whole seconds since this instance started.' })
  uptimeSeconds!: number;
}

@ObjectType({ description: 'A diagnostic event proving live delivery end to end.' })
export class Ping {
  @Field({ description: 'The text sent with `sendPing`.' })
  message!: string;

  @Field(() => Date, { description: 'When the server published the event.' })
  at!: string;
}

@ArgsType()
export class SendPingArgs {
  @Field({ description: 'Text to echo to `ping` subscribers (1–200 characters).' })
  @Length(1, 200, { message: 'must be 1 to 200 characters long' })
  message!: string;
}
