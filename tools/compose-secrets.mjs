// Writes the secrets of the Docker Compose stack (docker-compose.yml) with random values, one env
// file per service that needs them, so no service sees another's: `npm run compose:secrets`.
// The folder is gitignored and kept out of the image's build context (.dockerignore).
//
// Existing files are kept: MariaDB and MinIO take their passwords only when their volumes are
// first created, so new values would lock the API out of its own data. To start over, remove the
// folder together with the volumes (`docker compose down --volumes`).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { argv, cwd, stdout } from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// an optional folder argument, for test/compose.test.ts
const dir = argv[2] ?? join(root, 'compose', 'secrets');

// hex only: the values go into URLs and env files unquoted
const secret = (bytes) => randomBytes(bytes).toString('hex');

const mariadbPassword = secret(24);
const minioUser = 'carebot';
const minioPassword = secret(24);

/** File name → variables. The user and database names match docker-compose.yml. */
const files = {
  'mariadb.env': {
    MARIADB_PASSWORD: mariadbPassword,
    MARIADB_ROOT_PASSWORD: secret(24),
  },
  'minio.env': {
    MINIO_ROOT_USER: minioUser,
    MINIO_ROOT_PASSWORD: minioPassword,
  },
  'api.env': {
    DATABASE_URL: `mariadb://carebot:${mariadbPassword}@mariadb:3306/carebot`,
    S3_ACCESS_KEY_ID: minioUser,
    S3_SECRET_ACCESS_KEY: minioPassword,
    FILE_URL_SECRET: secret(32),
  },
};

const shown = relative(cwd(), dir) || '.';
if (Object.keys(files).some((name) => existsSync(join(dir, name)))) {
  stdout.write(`${shown} already holds the Compose secrets; kept as they are\n`);
} else {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const [name, variables] of Object.entries(files)) {
    const text = Object.entries(variables)
      .map(([key, value]) => `${key}=${value}\n`)
      .join('');
    writeFileSync(join(dir, name), text, { mode: 0o600, flag: 'wx' });
  }
  stdout.write(`wrote ${Object.keys(files).join(', ')} to ${shown}\n`);
}
