import type { CheckConclusion, CheckOutput } from '../../github/index.js';
import type { RepairResult } from '../../repair/index.js';
import type { Publication } from './publish.js';

/** What the check run and the PR comment say about a delivered fix, and the run page's outcome line. */
export interface Announcement {
  conclusion: CheckConclusion;
  output: CheckOutput;
  /** Posted on the PR or issue; none when the delivery already notified (a review) or nothing needs saying. */
  comment?: string;
  outcome: string;
  links: { label: string; url: string }[];
}

/**
 * `runUrl` is the run page (absent without MIMO_PUBLIC_URL): a pushed fix has no PR of ours to carry the link, so
 * the comment does, as the fix PR's body and the review do for the other outcomes.
 */
export function announce(
  publication: Publication,
  output: CheckOutput,
  result: RepairResult,
  runUrl?: string,
): Announcement {
  const note = publication.note ? `\n\n${publication.note}` : '';
  const watch = runUrl ? `\n\n[Watch this run](${runUrl}) (iteration log, chart, diff, cost).` : '';
  switch (publication.kind) {
    case 'pull_request':
      return {
        conclusion: 'success',
        output: { ...output, summary: `Fix pull request: ${publication.url}${note}\n\n${output.summary}` },
        comment: `The tests pass with the fix in ${publication.url} (opened by mimo-code).${note}`,
        outcome: `fix pull request #${publication.number}`,
        links: [{ label: 'on GitHub', url: publication.url }],
      };
    case 'pushed':
      return {
        conclusion: 'success',
        output: {
          ...output,
          summary: `Pushed ${publication.sha.slice(0, 7)} to ${publication.branch}.${note}\n\n${output.summary}`,
        },
        comment: `I pushed the fix as ${publication.sha.slice(0, 7)} to \`${publication.branch}\`.${note}${watch}`,
        outcome: `pushed ${publication.sha.slice(0, 7)} to ${publication.fork ? "the fork's " : ''}${publication.branch}`,
        links: [],
      };
    case 'review':
      return {
        conclusion: 'success',
        output: { ...output, summary: `Suggested in a review: ${publication.url}\n\n${output.summary}` },
        outcome: `${publication.comments} suggestion${publication.comments === 1 ? '' : 's'} in a review`,
        links: [{ label: 'on GitHub', url: publication.url }],
      };
    case 'patch_comment':
      return {
        conclusion: 'neutral',
        output: {
          ...output,
          summary: `${publication.reason} The patch is in ${publication.url}.${note}\n\n${output.summary}`,
          text: `\`\`\`diff\n${result.diff}\n\`\`\`\n\n${output.text ?? ''}`,
        },
        outcome: 'patch posted as a comment',
        links: [{ label: 'on GitHub', url: publication.url }],
      };
  }
}
