// The best k of a stream of scored labels, in a binary heap whose root is the worst kept: O(n log k)
// instead of sorting all n, and the k-th best score known at any moment (for pruning). Equal scores are
// ordered by `tieBreak`, so the result does not depend on the order the labels came in.

export interface TopK {
  /** Whether an item with this score would be kept (cheap: call before any costlier check). */
  admits(score: number, label: number): boolean;
  push(score: number, label: number): void;
  readonly full: boolean;
  /** The worst score kept. */
  readonly lowest: number;
  /** What is kept, best first. */
  sorted(): { label: number; score: number }[];
}

export function createTopK(k: number, tieBreak: (a: number, b: number) => number): TopK {
  const scores = new Float64Array(k);
  const labels = new Int32Array(k);
  let size = 0;
  /** Whether entry i ranks below entry j. */
  const worse = (i: number, j: number) => scores[i]! < scores[j]! || (scores[i] === scores[j] && tieBreak(labels[i]!, labels[j]!) > 0);
  const swap = (i: number, j: number) => {
    [scores[i], scores[j]] = [scores[j]!, scores[i]!];
    [labels[i], labels[j]] = [labels[j]!, labels[i]!];
  };
  function siftDown(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < size && worse(left, worst)) worst = left;
      if (right < size && worse(right, worst)) worst = right;
      if (worst === i) return;
      swap(i, worst);
      i = worst;
    }
  }
  return {
    admits(score, label) {
      if (size < k) return k > 0;
      return score > scores[0]! || (score === scores[0] && tieBreak(label, labels[0]!) < 0);
    },
    push(score, label) {
      if (size < k) {
        scores[size] = score;
        labels[size] = label;
        for (let i = size++; i > 0; ) {
          const parent = (i - 1) >> 1;
          if (!worse(i, parent)) break;
          swap(i, parent);
          i = parent;
        }
        return;
      }
      scores[0] = score;
      labels[0] = label;
      siftDown(0);
    },
    get full() {
      return size === k;
    },
    get lowest() {
      return scores[0]!;
    },
    sorted() {
      const out = Array.from({ length: size }, (_, i) => ({ label: labels[i]!, score: scores[i]! }));
      return out.sort((a, b) => b.score - a.score || tieBreak(a.label, b.label));
    },
  };
}
