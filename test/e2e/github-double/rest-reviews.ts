// Pull request files and reviews for the double: the files of a PR's diff (as `git diff base...head` gives them,
// one patch per file as GitHub returns it) and review creation, where GitHub's own rule is enforced: a review
// comment must sit on a line of the PR's diff, inside one hunk (otherwise 422 "Line could not be resolved").
import { execFileSync } from 'node:child_process';
import { example } from './openapi.js';
import type { RestRequest, RestResponse } from './rest.js';
import type { DoubleState, RepoState, ReviewState } from './state.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
type Route = (
  method: string,
  pattern: string,
  handler: (req: RestRequest, m: string[], repo: RepoState) => RestResponse,
) => void;

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });

function prFiles(
  repo: RepoState,
  number: number,
): { filename: string; status: string; additions: number; deletions: number; patch: string }[] {
  const pull = repo.pulls.find((p) => p.number === number)!;
  const head = `refs/pull/${number}/head`;
  const base = git(repo.bare, 'merge-base', `refs/heads/${pull.baseRef}`, head).trim();
  const names = git(repo.bare, 'diff', '--name-status', base, head).trim().split('\n').filter(Boolean);
  return names.map((line) => {
    const [code, filename = ''] = line.split('\t');
    const diff = git(repo.bare, 'diff', '--no-color', base, head, '--', filename);
    const patch = diff.slice(diff.indexOf('@@'));
    const body = patch.split('\n');
    return {
      filename,
      status: code === 'A' ? 'added' : code === 'D' ? 'removed' : 'modified',
      additions: body.filter((l) => l.startsWith('+')).length,
      deletions: body.filter((l) => l.startsWith('-')).length,
      patch: patch.replace(/\n$/, ''),
    };
  });
}

/** Right-side line → hunk index, from a file's patch. */
function rightLines(patch: string): Map<number, number> {
  const lines = new Map<number, number>();
  let hunk = -1;
  let next = 0;
  for (const line of patch.split('\n')) {
    const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (header) {
      hunk++;
      next = Number(header[1]);
    } else if (hunk >= 0 && !line.startsWith('-') && !line.startsWith('\\')) lines.set(next++, hunk);
  }
  return lines;
}

export function reviewRoutes(state: DoubleState, route: Route): void {
  route('GET', '/pulls/(\\d+)/files', (_req, m, repo) => {
    if (!repo.pulls.some((p) => p.number === Number(m[3])))
      return { status: 404, body: { message: 'Not Found', documentation_url: '' } };
    const template = example('diff-entry-items')[0];
    const body = prFiles(repo, Number(m[3])).map((f) => ({
      ...template,
      sha: template.sha,
      filename: f.filename,
      status: f.status,
      additions: f.additions,
      deletions: f.deletions,
      changes: f.additions + f.deletions,
      patch: f.patch,
    }));
    return { status: 200, body };
  });
  route('POST', '/pulls/(\\d+)/reviews', (req, m, repo) => {
    const number = Number(m[3]);
    const pull = repo.pulls.find((p) => p.number === number);
    if (!pull) return { status: 404, body: { message: 'Not Found', documentation_url: '' } };
    const b = req.body as Json;
    const files = new Map(prFiles(repo, number).map((f) => [f.filename, rightLines(f.patch)]));
    for (const c of b.comments ?? []) {
      const lines = files.get(c.path);
      const first = c.start_line ?? c.line;
      const hunk = lines?.get(first);
      for (let n = first; n <= c.line; n++) {
        if (hunk === undefined || lines?.get(n) !== hunk)
          return {
            status: 422,
            body: {
              message: 'Unprocessable Entity',
              errors: ['Line could not be resolved'],
              documentation_url: '',
            },
          };
      }
    }
    const review: ReviewState = {
      id: state.nextId(),
      pull: number,
      commitId: b.commit_id ?? pull.headSha,
      event: b.event ?? 'PENDING',
      body: b.body ?? '',
      comments: b.comments ?? [],
    };
    repo.reviews.push(review);
    const json = example('pull-request-review');
    return {
      status: 200,
      body: Object.assign(json, {
        id: review.id,
        body: review.body,
        state: review.event === 'COMMENT' ? 'COMMENTED' : 'PENDING',
        commit_id: review.commitId,
        html_url: `https://github.example/${repo.fullName}/pull/${number}#pullrequestreview-${review.id}`,
        pull_request_url: `${req.baseUrl}/repos/${repo.fullName}/pulls/${number}`,
      }),
    };
  });
}
