// The drill's counting and its table: what makes a row say "0 lost, 0 duplicates, yes".
import t from 'tap';
import { countEffect, exactlyOnce, personOf, sumCounts } from './accounting.js';
import { BEGIN, END, spliceReport } from './drill-report.js';
import { formatTable, markdownTable, type DrillRow } from './drill-table.js';

t.test('an effect is counted once per person; repeats are duplicates; nobody forgotten goes unnoticed', async (t) => {
  const people = ['a', 'b', 'c'];
  t.same(countEffect(people, ['a', 'b', 'c']), { expected: 3, seen: 3, duplicates: 0, lost: 0, strangers: 0 });
  t.same(countEffect(people, ['a', 'a', 'a', 'c']), { expected: 3, seen: 2, duplicates: 2, lost: 1, strangers: 0 }, 'a three times, b never');
  t.same(countEffect(people, ['z', 'a', 'b', 'c']), { expected: 3, seen: 3, duplicates: 0, lost: 0, strangers: 1 }, 'someone who never joined');
  t.same(countEffect(['a', 'a'], ['a']), { expected: 1, seen: 1, duplicates: 0, lost: 0, strangers: 0 }, 'a re-posted joiner is one person');
  t.ok(exactlyOnce(countEffect(people, ['c', 'b', 'a'])));
  t.notOk(exactlyOnce(countEffect(people, ['a', 'b', 'c', 'c'])));
  t.notOk(exactlyOnce(countEffect(people, ['a', 'b', 'c', 'z'])));
  const emails = countEffect(people, ['a', 'b', 'b']);
  const accounts = countEffect(people, ['a']);
  t.same(sumCounts([emails, accounts]), { expected: 6, seen: 3, duplicates: 1, lost: 3, strangers: 0 });
});

t.test('an email address, a SCIM userName and a log subject lead to the same person', async (t) => {
  t.equal(personOf('hirestorm-12@example.com'), 'storm-12');
  t.equal(personOf('HIREstorm-12@EXAMPLE.com'), 'storm-12', 'userNames compare without case');
  t.equal(personOf('user/storm-12'), 'storm-12');
  t.equal(personOf('someone@else.org'), '?someone@else.org', 'anything else is nobody of the drill');
});

const row = (over: Partial<DrillRow> = {}): DrillRow => ({
  drill: 'duplicate storm',
  accepted: 600,
  acceptedDuplicates: 100,
  expected: 1000,
  seen: 1000,
  duplicates: 0,
  lost: 0,
  outcomesSeen: 1000,
  outcomesExpected: 1000,
  outcomeDuplicates: 0,
  recovered: true,
  recoverSeconds: 12.34,
  ...over,
});

t.test('the table has every column of the issue and one line per drill', async (t) => {
  const text = formatTable([row(), row({ drill: 'MySQL down 150 s', accepted: 350, acceptedDuplicates: 0, seen: 991, lost: 9, outcomeDuplicates: 2, recovered: false, recoverSeconds: undefined })]);
  const [header, rule, first, second] = text.split('\n');
  for (const column of ['drill', 'events accepted', 'effects expected', 'effects seen', 'duplicates', 'lost', 'recovered without an operator', 'time to recover']) {
    t.ok(header!.includes(column), column);
  }
  t.match(rule, /^-+( +-+)+$/);
  t.match(first, /duplicate storm +600 \(100 dup\) +1000 +1000 +0 +0 +1000\/1000 +yes +12\.3 s$/);
  t.match(second, /MySQL down 150 s +350 +1000 +991 +0 +9 +1000\/1000 \(\+2 twice\) +no +—$/);
  const md = markdownTable([row()]).split('\n');
  t.equal(md.length, 3);
  t.equal(md[0]!.split('|').length, md[2]!.split('|').length, 'as many cells as columns');
  t.match(md[2], /^\| duplicate storm \| 600 \(100 dup\) \| 1000 \| 1000 \| 0 \| 0 \| 1000\/1000 \| yes \| 12\.3 s \|$/);
});

t.test('a new run replaces only the table block of docs/drill.md', async (t) => {
  const doc = `# Fault drill\n\nintro\n\n${BEGIN}\nold table\n${END}\n\n## Findings\nkept\n`;
  const next = spliceReport(doc, `${BEGIN}\nnew table\n${END}`);
  t.equal(next, `# Fault drill\n\nintro\n\n${BEGIN}\nnew table\n${END}\n\n## Findings\nkept\n`);
  t.equal(spliceReport('# Fault drill\n', `${BEGIN}\nx\n${END}`), `# Fault drill\n\n${BEGIN}\nx\n${END}\n`, 'appended when there is no block yet');
});
