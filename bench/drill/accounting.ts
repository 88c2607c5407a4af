// What a drill saw, counted per person: an effect expected for each person who joined, seen if it
// happened at least once, a duplicate for every time beyond the first, lost if it never happened.

export interface EffectCount {
  expected: number;
  seen: number;
  duplicates: number;
  lost: number;
  /** Effects for someone who never joined (should be none). */
  strangers: number;
}

/** One kind of effect: `done` holds the person of each time it happened (repeats included). */
export function countEffect(people: readonly string[], done: readonly string[]): EffectCount {
  const expected = new Set(people);
  const times = new Map<string, number>();
  for (const person of done) times.set(person, (times.get(person) ?? 0) + 1);
  let seen = 0;
  let duplicates = 0;
  let strangers = 0;
  for (const [person, n] of times) {
    if (!expected.has(person)) {
      strangers += n;
      continue;
    }
    seen++;
    duplicates += n - 1;
  }
  return { expected: expected.size, seen, duplicates, lost: expected.size - seen, strangers };
}

/** Several kinds of effect added up (e.g. welcome emails and GitBook accounts). */
export function sumCounts(counts: readonly EffectCount[]): EffectCount {
  return counts.reduce(
    (a, b) => ({ expected: a.expected + b.expected, seen: a.seen + b.seen, duplicates: a.duplicates + b.duplicates, lost: a.lost + b.lost, strangers: a.strangers + b.strangers }),
    { expected: 0, seen: 0, duplicates: 0, lost: 0, strangers: 0 },
  );
}

/** Whether the effects are exactly once for everyone: nothing lost, nothing twice, nothing extra. */
export function exactlyOnce(count: EffectCount): boolean {
  return count.lost === 0 && count.duplicates === 0 && count.strangers === 0;
}

/** The person a joiner's email address, SCIM userName or log subject belongs to (see joinerEvent). */
export function personOf(value: string): string {
  const email = /^hire(.+)@example\.com$/i.exec(value);
  if (email !== null) return email[1]!;
  const subject = /^user\/(.+)$/.exec(value);
  return subject === null ? `?${value}` : subject[1]!;
}
