import { jest } from '@jest/globals';
import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import {
  EngineConflictError,
  EngineNotFoundError,
  EngineRequestError,
  EngineUnreachableError,
  engineError,
  ignoreGone,
  isConflict,
  isNotFound,
  runnerImageName,
} from '../../src/sandbox/index.js';

jest.setTimeout(60_000);
const docker = new Docker();
const name = `mimo-engine-errors-${process.pid}-${randomBytes(4).toString('hex')}`;
// Labelled as this process's sandbox so an interrupted run is swept like any other.
const labels = { 'dev.mimo.sandbox': '1', 'dev.mimo.pid': String(process.pid) };

async function rejection(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error('expected the engine to refuse');
    },
    (error: unknown) => error,
  );
}

afterAll(async () => {
  await docker.getContainer(name).remove({ force: true }).catch(ignoreGone);
});

describe('engine errors, classified from what the real engine answers', () => {
  it('a missing container is EngineNotFoundError (404), and removing it is ignored as gone', async () => {
    const raw = await rejection(docker.getContainer(`${name}-missing`).inspect());
    const typed = engineError(raw);
    expect(typed).toBeInstanceOf(EngineNotFoundError);
    expect(typed).toBeInstanceOf(EngineRequestError);
    expect((typed as EngineNotFoundError).statusCode).toBe(404);
    expect((typed as Error).message).toMatch(/no such container/i);
    expect(isNotFound(raw)).toBe(true);
    expect(isConflict(raw)).toBe(false);
    await expect(
      docker.getContainer(`${name}-missing`).remove({ force: true }).catch(ignoreGone),
    ).resolves.toBeUndefined();
  });

  it('a missing image is EngineNotFoundError too', async () => {
    expect(isNotFound(await rejection(docker.getImage('mimo-no-such-image:0').inspect()))).toBe(true);
  });

  it('a name already in use is EngineConflictError (409)', async () => {
    const spec = { name, Image: runnerImageName(), Cmd: ['true'], Labels: labels };
    await docker.createContainer(spec);
    const raw = await rejection(docker.createContainer(spec));
    const typed = engineError(raw);
    expect(typed).toBeInstanceOf(EngineConflictError);
    expect((typed as EngineConflictError).statusCode).toBe(409);
    expect((typed as Error).message).toMatch(/already in use/);
    expect(isConflict(raw)).toBe(true);
    expect(isNotFound(raw)).toBe(false);
  });

  it('other answers stay EngineRequestError with their status, and ignoreGone rethrows them typed', async () => {
    // 400: an invalid container name.
    const raw = await rejection(docker.createContainer({ name: 'bad name!', Image: runnerImageName() }));
    const typed = engineError(raw);
    expect(typed).toBeInstanceOf(EngineRequestError);
    expect(typed).not.toBeInstanceOf(EngineNotFoundError);
    expect(typed).not.toBeInstanceOf(EngineConflictError);
    expect((typed as EngineRequestError).statusCode).toBe(400);
    expect(() => ignoreGone(raw)).toThrow(EngineRequestError);
  });

  it('a connection that fails is EngineUnreachableError naming the endpoint and why', async () => {
    const nowhere = new Docker({ socketPath: '/nonexistent/docker.sock' });
    const typed = engineError(await rejection(nowhere.ping()), 'unix:///nonexistent/docker.sock');
    expect(typed).toBeInstanceOf(EngineUnreachableError);
    expect((typed as Error).message).toContain('unix:///nonexistent/docker.sock (no socket there)');
  });

  it('leaves errors that are not the engine answer unchanged', () => {
    const plain = new Error('unrelated');
    expect(engineError(plain)).toBe(plain);
    expect(isNotFound(plain)).toBe(false);
    expect(() => ignoreGone(plain)).toThrow(plain);
  });
});
