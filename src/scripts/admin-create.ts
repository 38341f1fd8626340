import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { passwordProblem, hashPassword } from '../auth/passwords.js';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { createOrm, migrateUp } from '../database/orm.js';
import { User, UserRole } from '../modules/account/user.entity.js';
import { IsEmail, Length, validate } from 'class-validator';

/**
 * `npm run admin:create -- --email admin@example.com --name "Operator"` creates an ADMIN. The
 * password is read from standard input (piped) or a hidden prompt — never from the command
 * line, where it would land in shell history and the process list. The API never creates admins.
 */
class AdminInput {
  @IsEmail({}, { message: '--email must be an e-mail address' })
  email!: string;

  @Length(1, 50, { message: '--name must be 1 to 50 characters long' })
  name!: string;
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    // piped: the first line is the password
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const ask = async (prompt: string) => {
    process.stdout.write(prompt);
    const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
    const answer = await new Promise<string>((resolve) => rl.question('', resolve));
    rl.close();
    process.stdout.write('\n');
    return answer;
  };
  const first = await ask('Password: ');
  const second = await ask('Repeat password: ');
  if (first !== second) fail('The passwords differ.');
  return first;
}

const { values } = parseArgs({
  options: { email: { type: 'string' }, name: { type: 'string' } },
  strict: true,
});
const input = Object.assign(new AdminInput(), {
  email: values.email?.trim().toLowerCase() ?? '',
  name: values.name?.trim() ?? '',
});
const problems = await validate(input);
if (problems.length > 0) {
  fail(
    problems.flatMap((p) => Object.values(p.constraints ?? {})).join('\n') +
      '\nusage: npm run admin:create -- --email <email> --name <name>',
  );
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

const password = await readPassword();
const problem = passwordProblem(password);
if (problem !== undefined) fail(`The password ${problem}.`);

const orm = await createOrm({ database: config.database, dbPoolMax: 2, dbDebug: false });
try {
  if (config.migrateOnStart) await migrateUp(orm);
  const em = orm.em.fork();
  if ((await em.count(User, { email: input.email })) > 0)
    fail(`An account with e-mail ${input.email} already exists.`);
  const admin = em.create(User, {
    email: input.email,
    name: input.name,
    role: UserRole.ADMIN,
    passwordHash: await hashPassword(password),
  });
  await em.flush();
  console.log(`Created ADMIN ${admin.email} (id ${admin.id}).`);
} finally {
  await orm.close();
}
