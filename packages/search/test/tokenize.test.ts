import t from 'tap';
import { tokenize } from '@onramp/search';

t.test('a word gives the same term every time it is met, however many other words came between', async (t) => {
  const text = 'The Flows were measured at 2 stations; flow measurements of 1957 flows';
  const expected = ['flow', 'measur', 'station', 'flow', 'measur', '1957', 'flow'];
  t.same(tokenize(text), expected, 'stop words and one-letter words dropped, numbers kept, the rest stemmed');
  // More distinct words than the term cache holds, so that it is emptied at least once meanwhile.
  for (let i = 0; i < 120_000; i += 1000) tokenize(Array.from({ length: 1000 }, (_, j) => `w${i + j}x`).join(' '));
  t.same(tokenize(text), expected);
  t.same(tokenize('東京の天気 abc東京'), ['東京', '京の', 'の天', '天気', 'ab', 'bc', 'c東', '東京'], 'runs with CJK as bigrams');
  const long = '漢字'.repeat(30);
  t.equal(tokenize(`${long} ${'x'.repeat(41)}`).length, 59, 'a long CJK run still gives its bigrams; a word over 40 letters none');
});
