/** Figures as a person reads them. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(1)} GB`;
}

export function seconds(ms: number | undefined): string {
  return ms === undefined ? '? s' : `${(ms / 1000).toFixed(1)} s`;
}

export function ago(ms: number | undefined): string {
  if (ms === undefined) return 'at an unknown time';
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}
