/** Tags typed as a list: separated by commas or spaces, trimmed, each once. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(/[,\s]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  return [...new Set(tags)];
}
