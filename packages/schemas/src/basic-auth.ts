/** An HTTP Basic `authorization` header; none when the user or the password is unset. */
export function basicAuthHeaders(
  user: string | undefined,
  password: string | undefined,
): Record<string, string> {
  if (!user || !password) return {};
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}
