// Redaction and the classification of git's output as github.com words it (texts as git prints them for GitHub).
import { CloneError, GitError, PushDeniedError, PushRejectedError, redact } from '../../src/git/index.js';
import { cloneError, pushError } from '../../src/git/errors.js';
import { secretForms } from '../../src/git/redact.js';

const TOKEN = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
const URL = 'https://github.com/octo/app.git';

describe('redact', () => {
  it('removes the token in every form git or a header could show it', () => {
    const [header, credential] = secretForms(TOKEN);
    const text = [
      `Authorization: ${header}`,
      `credential ${credential}`,
      `https://x-access-token:${TOKEN}@github.com/octo/app.git`,
      `token=${TOKEN}`,
    ].join('\n');
    const out = redact(text, secretForms(TOKEN));
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(credential!);
    expect(out).toContain('https://***@github.com/octo/app.git');
  });

  it('redacts credential-shaped text even when the secret was not named', () => {
    expect(redact('Authorization: bearer abc.def.ghi')).toBe('Authorization: bearer ***');
    expect(redact('token ghp_abcdefghijklmnopqrstuvwxyz0123 leaked')).toBe('token *** leaked');
    expect(redact('https://user:pw@example.com/r.git')).toBe('https://***@example.com/r.git');
  });
});

describe('classifying github.com push refusals', () => {
  it('a token without write access is PushDeniedError forbidden', () => {
    const error = pushError(
      URL,
      'mimo/fix-1',
      "remote: Permission to octo/app.git denied to mimo[bot].\nfatal: unable to access 'https://github.com/octo/app.git/': The requested URL returned error: 403",
    );
    expect(error).toBeInstanceOf(PushDeniedError);
    expect((error as PushDeniedError).reason).toBe('forbidden');
  });

  it('a protected branch is PushDeniedError protected-branch', () => {
    const error = pushError(
      URL,
      'main',
      [
        'remote: error: GH006: Protected branch update failed for refs/heads/main.',
        'remote: error: Changes must be made through a pull request.',
        'To https://github.com/octo/app.git',
        ' ! [remote rejected] HEAD -> main (protected branch hook declined)',
        "error: failed to push some refs to 'https://github.com/octo/app.git'",
      ].join('\n'),
    );
    expect((error as PushDeniedError).reason).toBe('protected-branch');
  });

  it("a change to a workflow without the App's workflows permission names the server's reason", () => {
    const error = pushError(
      URL,
      'mimo/fix-2',
      ' ! [remote rejected] HEAD -> mimo/fix-2 (refusing to allow a GitHub App to create or update workflow ' +
        '`.github/workflows/ci.yml` without `workflows` permission)\nerror: failed to push some refs',
    );
    expect(error).toBeInstanceOf(PushDeniedError);
    expect((error as PushDeniedError).reason).toBe('remote-rejected');
    expect(error.message).toContain('without `workflows` permission');
  });

  it("a moved branch is PushRejectedError; anything unknown stays a GitError with git's first error line", () => {
    const moved = pushError(
      URL,
      'main',
      " ! [rejected]        HEAD -> main (fetch first)\nerror: failed to push some refs to 'https://github.com/octo/app.git'",
    );
    expect(moved).toBeInstanceOf(PushRejectedError);
    const other = pushError(URL, 'x', 'fatal: the remote end hung up unexpectedly');
    expect(other).toBeInstanceOf(GitError);
    expect(other).not.toBeInstanceOf(PushDeniedError);
    expect(other.message).toContain('the remote end hung up unexpectedly');
  });

  it('an unreachable host is CloneError network', () => {
    const error = cloneError(
      URL,
      'main',
      "fatal: unable to access 'https://github.com/octo/app.git/': Could not resolve host: github.com",
    );
    expect(error).toBeInstanceOf(CloneError);
    expect(error.reason).toBe('network');
  });
});
