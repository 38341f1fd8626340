import { useEffect, useState } from 'react';
import {
  type Gender,
  type SignUpRole,
  WebLogInDocument,
  WebMasterRegionsDocument,
  WebRequestPasswordResetDocument,
  WebResetPasswordDocument,
  WebSignUpDocument,
  WebSubRegionsDocument,
} from '../__generated__/graphql';
import { ApiError, request } from '../api';
import { useI18n } from '../i18n';
import { navigate } from '../route';

function errorText(error: unknown): string {
  return error instanceof ApiError ? `${error.message} (${error.code})` : String(error);
}

/** The frame of the signed-out screens: title, language switch, one form. */
function AuthFrame({ title, children }: { title: string; children: React.ReactNode }) {
  const { t, lang, setLang } = useI18n();
  return (
    <main id="main" className="auth">
      <header className="auth-head">
        <h1>{t('appName')}</h1>
        <button
          type="button"
          aria-label={t('languageLabel')}
          onClick={() => setLang(lang === 'ko' ? 'en' : 'ko')}
        >
          {t('language')}
        </button>
      </header>
      <h2>{title}</h2>
      {children}
    </main>
  );
}

function Link({ to, children }: { to: string; children: React.ReactNode }) {
  return (
    <a
      href={`/app/${to}`}
      onClick={(event) => {
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

function Field(props: {
  label: string;
  name: string;
  type?: string;
  value: string;
  onChange: (value: string) => void;
  autoComplete?: string;
}) {
  return (
    <label>
      <span>{props.label}</span>
      <input
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        required
        autoComplete={props.autoComplete}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </label>
  );
}

export function LogIn({ onDone }: { onDone: () => Promise<void> }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <AuthFrame title={t('logIn')}>
      <form
        aria-label={t('logIn')}
        onSubmit={(event) => {
          event.preventDefault();
          setBusy(true);
          setError(null);
          request(WebLogInDocument, { email, password, remember })
            .then(onDone)
            .catch((e: unknown) => setError(errorText(e)))
            .finally(() => setBusy(false));
        }}
      >
        <Field
          label={t('email')}
          name="email"
          type="email"
          value={email}
          onChange={setEmail}
          autoComplete="username"
        />
        <Field
          label={t('password')}
          name="password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
        />
        <label className="check">
          <input
            type="checkbox"
            checked={remember}
            onChange={(event) => setRemember(event.target.checked)}
          />
          <span>{t('remember')}</span>
        </label>
        {error !== null && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('logIn')}
        </button>
      </form>
      <p>
        <Link to="reset">{t('forgot')}</Link>
      </p>
      <p>
        {t('noAccount')} <Link to="signup">{t('signUp')}</Link>
      </p>
    </AuthFrame>
  );
}

export function SignUp({ onDone }: { onDone: () => Promise<void> }) {
  const { t } = useI18n();
  const [form, setForm] = useState({
    email: '',
    password: '',
    name: '',
    phone: '',
    birthDate: '',
    gender: 'FEMALE' as Gender,
    role: 'MEMBER' as SignUpRole,
    masterRegionCode: '',
    subRegionCode: '',
  });
  const [masters, setMasters] = useState<{ code: string; name: string }[]>([]);
  const [subs, setSubs] = useState<{ code: string; name: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const set = (key: keyof typeof form) => (value: string) =>
    setForm((f) => ({ ...f, [key]: value }));
  useEffect(() => {
    void request(WebMasterRegionsDocument).then((data) => setMasters(data.masterRegions));
  }, []);
  useEffect(() => {
    if (form.masterRegionCode === '') return;
    void request(WebSubRegionsDocument, { masterRegionCode: form.masterRegionCode }).then((data) =>
      setSubs(data.subRegions),
    );
  }, [form.masterRegionCode]);
  return (
    <AuthFrame title={t('signUp')}>
      <form
        aria-label={t('signUp')}
        onSubmit={(event) => {
          event.preventDefault();
          setError(null);
          const { masterRegionCode, subRegionCode, ...rest } = form;
          request(WebSignUpDocument, {
            input: { ...rest, address: { masterRegionCode, subRegionCode } },
          })
            .then(() => {
              navigate('');
              return onDone();
            })
            .catch((e: unknown) => setError(errorText(e)));
        }}
      >
        <Field
          label={t('name')}
          name="name"
          value={form.name}
          onChange={set('name')}
          autoComplete="name"
        />
        <Field
          label={t('email')}
          name="email"
          type="email"
          value={form.email}
          onChange={set('email')}
          autoComplete="email"
        />
        <Field
          label={t('password')}
          name="password"
          type="password"
          value={form.password}
          onChange={set('password')}
          autoComplete="new-password"
        />
        <Field
          label={t('phone')}
          name="phone"
          type="tel"
          value={form.phone}
          onChange={set('phone')}
          autoComplete="tel"
        />
        <Field
          label={t('birthDate')}
          name="birthDate"
          type="date"
          value={form.birthDate}
          onChange={set('birthDate')}
        />
        <label>
          <span>{t('gender')}</span>
          <select value={form.gender} onChange={(event) => set('gender')(event.target.value)}>
            <option value="FEMALE">{t('female')}</option>
            <option value="MALE">{t('male')}</option>
          </select>
        </label>
        <label>
          <span>{t('role')}</span>
          <select value={form.role} onChange={(event) => set('role')(event.target.value)}>
            <option value="MEMBER">{t('roleMember')}</option>
            <option value="MAIN">{t('roleMain')}</option>
          </select>
        </label>
        <fieldset>
          <legend>{t('region')}</legend>
          <select
            aria-label={t('regionMaster')}
            required
            value={form.masterRegionCode}
            onChange={(event) => set('masterRegionCode')(event.target.value)}
          >
            <option value="">—</option>
            {masters.map((region) => (
              <option key={region.code} value={region.code}>
                {region.name}
              </option>
            ))}
          </select>
          <select
            aria-label={t('regionSub')}
            required
            value={form.subRegionCode}
            onChange={(event) => set('subRegionCode')(event.target.value)}
          >
            <option value="">—</option>
            {subs.map((region) => (
              <option key={region.code} value={region.code}>
                {region.name}
              </option>
            ))}
          </select>
        </fieldset>
        {error !== null && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit">{t('signUp')}</button>
      </form>
      <p>
        {t('haveAccount')} <Link to="">{t('logIn')}</Link>
      </p>
    </AuthFrame>
  );
}

/** Asks for the e-mail; the link in it (or the code from the log in development) sets a new password. */
export function ResetPassword() {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [token, setToken] = useState(() => new URLSearchParams(location.search).get('token') ?? '');
  const [password, setPassword] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <AuthFrame title={t('resetTitle')}>
      <form
        aria-label={t('sendReset')}
        onSubmit={(event) => {
          event.preventDefault();
          request(WebRequestPasswordResetDocument, { email })
            .then(() => setNote(t('resetSent')))
            .catch((e: unknown) => setError(errorText(e)));
        }}
      >
        <Field label={t('email')} name="email" type="email" value={email} onChange={setEmail} />
        <button type="submit">{t('sendReset')}</button>
      </form>
      <form
        aria-label={t('setPassword')}
        onSubmit={(event) => {
          event.preventDefault();
          request(WebResetPasswordDocument, { token, newPassword: password })
            .then(() => setNote(t('passwordChanged')))
            .catch((e: unknown) => setError(errorText(e)));
        }}
      >
        <Field label={t('resetToken')} name="token" value={token} onChange={setToken} />
        <Field
          label={t('newPassword')}
          name="newPassword"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="new-password"
        />
        <button type="submit">{t('setPassword')}</button>
      </form>
      {note !== null && <p role="status">{note}</p>}
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p>
        <Link to="">{t('logIn')}</Link>
      </p>
    </AuthFrame>
  );
}
