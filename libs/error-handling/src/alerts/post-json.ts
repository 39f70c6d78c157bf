/**
 * POSTs a JSON body; resolves on a 2xx answer, rejects otherwise. The error names the status,
 * never the URL (webhook URLs carry secrets).
 */
export async function postJson(
  url: string,
  body: string,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal,
  });
  // Read (and drop) the answer so the connection can be reused.
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new Error(`answered ${res.status}`);
}
