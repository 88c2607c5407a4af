// Percentiles and rounding for benchmark reports.

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function latencySummary(ms: number[]): { p50Ms: number; p99Ms: number; meanMs: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    p50Ms: round(percentile(sorted, 50), 3),
    p99Ms: round(percentile(sorted, 99), 3),
    meanMs: round(ms.reduce((a, b) => a + b, 0) / ms.length, 3),
  };
}
