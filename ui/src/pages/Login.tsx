import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorBanner } from '../components.tsx';

export function Login({ onLogin }: { onLogin: () => void }) {
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username || !password) return setError(new Error('Enter the user name and the password.'));
    try {
      await api('/_fogbank/login', { body: { username, password } });
      onLogin();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="login card" onSubmit={submit}>
      <h1>Fogbank</h1>
      <p>This Fogbank listens beyond this machine, so its admin UI needs a login. The password was printed when it first started (or set with FOGBANK_ADMIN_PASSWORD).</p>
      <label>
        User name
        <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" />
      </label>
      <label>
        Password
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
      </label>
      <ErrorBanner error={error} />
      <button type="submit">Log in</button>
    </form>
  );
}
