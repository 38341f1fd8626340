import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { createMailer, OUTBOX_CAPACITY, OutboxMailer, SmtpMailer } from './mailer.js';

/** A silent pino logger whose `info` and `warn` calls can be inspected. */
function spyLogger() {
  const logger = pino({ level: 'silent' });
  return { logger, info: vi.spyOn(logger, 'info'), warn: vi.spyOn(logger, 'warn') };
}

const message = (to: string, n: number) => ({ to, subject: `#${n}`, text: `body ${n}` });

describe('OutboxMailer', () => {
  it('keeps what was sent, oldest first', async () => {
    const mailer = new OutboxMailer();
    await mailer.send(message('ada@example.com', 1));
    await mailer.send(message('bob@example.com', 2));
    expect(mailer.outbox.map((m) => m.subject)).toEqual(['#1', '#2']);
  });

  it('finds the latest message to an address, ignoring case', async () => {
    const mailer = new OutboxMailer();
    await mailer.send(message('ada@example.com', 1));
    await mailer.send(message('bob@example.com', 2));
    await mailer.send(message('Ada@Example.com', 3));
    expect(mailer.lastTo('ADA@example.com')?.subject).toBe('#3');
    expect(mailer.lastTo('bob@example.com')?.subject).toBe('#2');
    expect(mailer.lastTo('eve@example.com')).toBeUndefined();
  });

  it(`keeps only the newest ${OUTBOX_CAPACITY} messages`, async () => {
    const mailer = new OutboxMailer();
    for (let n = 1; n <= OUTBOX_CAPACITY + 5; n += 1) {
      await mailer.send(message(n === 1 ? 'first@example.com' : 'many@example.com', n));
    }
    expect(mailer.outbox).toHaveLength(OUTBOX_CAPACITY);
    expect(mailer.outbox[0]?.subject).toBe('#6');
    expect(mailer.outbox.at(-1)?.subject).toBe(`#${OUTBOX_CAPACITY + 5}`);
    expect(mailer.lastTo('first@example.com')).toBeUndefined();
  });

  it('stores a copy, so later changes to the caller’s object do not show', async () => {
    const mailer = new OutboxMailer();
    const sent = message('ada@example.com', 1);
    await mailer.send(sent);
    sent.text = 'changed';
    expect(mailer.lastTo('ada@example.com')?.text).toBe('body 1');
  });

  it('keeps an HTML part beside the text when there is one', async () => {
    const mailer = new OutboxMailer();
    await mailer.send({ ...message('ada@example.com', 1), html: '<p>body 1</p>' });
    await mailer.send(message('bob@example.com', 2));
    expect(mailer.lastTo('ada@example.com')?.html).toBe('<p>body 1</p>');
    expect(mailer.lastTo('bob@example.com')).not.toHaveProperty('html');
  });

  it('logs the whole message when given a logger', async () => {
    const { logger, info } = spyLogger();
    await new OutboxMailer(logger).send(message('ada@example.com', 1));
    expect(info).toHaveBeenCalledWith(
      { to: 'ada@example.com', subject: '#1', text: 'body 1' },
      'mail (dev outbox)',
    );
  });
});

describe('createMailer', () => {
  const base = { smtpUrl: undefined, mailFrom: 'Carebot <no-reply@carebot.local>' };

  it('uses the outbox and logs messages in development', async () => {
    const { logger, info } = spyLogger();
    const mailer = createMailer({ ...base, env: 'development' }, logger);
    expect(mailer).toBeInstanceOf(OutboxMailer);
    await mailer.send(message('ada@example.com', 1));
    expect(info).toHaveBeenCalledOnce();
  });

  it('uses the outbox without logging in test', async () => {
    const { logger, info } = spyLogger();
    const mailer = createMailer({ ...base, env: 'test' }, logger);
    await mailer.send(message('ada@example.com', 1));
    expect(info).not.toHaveBeenCalled();
    expect((mailer as OutboxMailer).lastTo('ada@example.com')?.text).toBe('body 1');
  });

  it('warns in production without SMTP_URL and never logs message text', async () => {
    const { logger, info, warn } = spyLogger();
    const mailer = createMailer({ ...base, env: 'production' }, logger);
    await mailer.send(message('ada@example.com', 1));
    expect(warn).toHaveBeenCalledOnce();
    expect(info).not.toHaveBeenCalled();
  });

  it('uses SMTP when SMTP_URL is set (nothing is sent here)', () => {
    const { logger } = spyLogger();
    const mailer = createMailer(
      { ...base, env: 'production', smtpUrl: 'smtp://user:pass@127.0.0.1:2525' },
      logger,
    );
    expect(mailer).toBeInstanceOf(SmtpMailer);
    (mailer as SmtpMailer).close();
  });
});

describe('mail configuration', () => {
  it('defaults to no SMTP, a local sender and the dashboard on localhost:3000', () => {
    const config = loadConfig({});
    expect(config.smtpUrl).toBeUndefined();
    expect(config.mailFrom).toBe('Carebot <no-reply@carebot.local>');
    expect(config.publicWebUrl).toBe('http://localhost:3000');
  });

  it('reads SMTP_URL, MAIL_FROM and PUBLIC_WEB_URL, dropping trailing slashes from the URL', () => {
    const config = loadConfig({
      SMTP_URL: 'smtps://user:pass@mail.example.com:465',
      MAIL_FROM: 'Carebot <care@example.com>',
      PUBLIC_WEB_URL: 'https://care.example.com/app/',
    });
    expect(config.smtpUrl).toBe('smtps://user:pass@mail.example.com:465');
    expect(config.mailFrom).toBe('Carebot <care@example.com>');
    expect(config.publicWebUrl).toBe('https://care.example.com/app');
  });

  it('treats empty values as unset', () => {
    const config = loadConfig({ SMTP_URL: '', MAIL_FROM: '', PUBLIC_WEB_URL: '' });
    expect(config.smtpUrl).toBeUndefined();
    expect(config.publicWebUrl).toBe('http://localhost:3000');
  });

  it('names each bad mail variable', () => {
    let error: unknown;
    try {
      loadConfig({
        SMTP_URL: 'http://mail.example.com',
        MAIL_FROM: 'Carebot',
        PUBLIC_WEB_URL: 'javascript:alert(1)',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as Error).message;
    expect(text).toMatch(/SMTP_URL: must start with smtp:\/\/ or smtps:\/\//);
    expect(text).toMatch(/MAIL_FROM: must be an e-mail address/);
    expect(text).toMatch(/PUBLIC_WEB_URL: must be an http:\/\/ or https:\/\/ URL/);
  });

  it('refuses a PUBLIC_WEB_URL that is not a URL', () => {
    expect(() => loadConfig({ PUBLIC_WEB_URL: 'localhost:3000' })).toThrow(/PUBLIC_WEB_URL/);
  });
});
