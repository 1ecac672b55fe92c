// The stack's SMTP sink (maildev) and its REST API: which of our addresses got mail, how often.

export async function mailCounts(mailApiUrl: string, addresses: Set<string>): Promise<Map<string, number>> {
  const response = await fetch(`${mailApiUrl}/email`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`maildev GET /email answered ${response.status}`);
  const emails = (await response.json()) as Array<{ to?: Array<{ address: string }> }>;
  const counts = new Map<string, number>();
  for (const email of emails) {
    for (const { address } of email.to ?? []) {
      const lower = address.toLowerCase();
      if (addresses.has(lower)) counts.set(lower, (counts.get(lower) ?? 0) + 1);
    }
  }
  return counts;
}
