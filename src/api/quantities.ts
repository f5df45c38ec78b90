// Kubernetes quantities of bytes ("512Mi", "2G", "1536Mi") as specs, flags and
// environment variables write them: one parser for a run's memory limit and its disk.
const FACTORS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** Bytes of a quantity, or undefined when the text is not one. */
export function quantityBytes(text: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (FACTORS[match[2] ?? ''] ?? 1));
}
