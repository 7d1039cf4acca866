/** The n best scores, highest first. */
export function topScores(scores, n) {
  return [...scores].sort((a, b) => b - a).slice(0, n - 1);
}
