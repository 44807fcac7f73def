/** The server's password policy (docs/authentication.md): 12 to 256 characters, not only spaces. */
export function passwordProblem(password: string): string | null {
  if (password.length < 12) return 'Use at least 12 characters (a few words make a good one).';
  if (password.length > 256) return 'Use at most 256 characters.';
  if (password.trim() === '') return 'A password cannot be only spaces.';
  return null;
}
