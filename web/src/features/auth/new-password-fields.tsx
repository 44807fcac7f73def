import { useState } from 'react';
import { Field, Input } from '../../ui/field.tsx';
import { passwordProblem } from './password-rules.ts';

/** A new password typed twice, with the server's policy checked as the person types. */
export function NewPasswordFields({ value, onChange, label = 'New password', serverError }: { value: string; onChange: (v: string, valid: boolean) => void; label?: string; serverError?: string | null }) {
  const [repeat, setRepeat] = useState('');
  const [touched, setTouched] = useState(false);
  const problem = value ? passwordProblem(value) : null;
  const mismatch = repeat !== '' && repeat !== value ? 'The two passwords are not the same.' : null;
  const report = (v: string, r: string) => onChange(v, passwordProblem(v) === null && v === r);
  return (
    <>
      <Field label={label} hint="At least 12 characters. A few unrelated words make a strong password." error={(touched && problem) || serverError}>
        {(p) => (
          <Input
            {...p}
            type="password"
            autoComplete="new-password"
            value={value}
            onBlur={() => setTouched(true)}
            onChange={(e) => report(e.target.value, repeat)}
          />
        )}
      </Field>
      <Field label="Repeat the password" error={mismatch}>
        {(p) => (
          <Input
            {...p}
            type="password"
            autoComplete="new-password"
            value={repeat}
            onChange={(e) => {
              setRepeat(e.target.value);
              onChange(value, passwordProblem(value) === null && value === e.target.value);
            }}
          />
        )}
      </Field>
    </>
  );
}
