import { join } from 'node:path';

/** Go settings that keep every module and build cache inside the stack's cache dir. */
export function goEnv(cacheDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOPATH: join(cacheDir, 'go', 'path'),
    GOMODCACHE: join(cacheDir, 'go', 'path', 'pkg', 'mod'),
    GOCACHE: join(cacheDir, 'go', 'build'),
    GOFLAGS: '-modcacherw -buildvcs=false',
    CGO_ENABLED: '0',
  };
}
