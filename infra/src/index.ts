export { loadStackConfig, PORTS, type PortName, type StackConfig } from './config.js';
export {
  ConfigError,
  InstallError,
  JavaNotFoundError,
  NotRunningError,
  PortInUseError,
  ServiceFailedError,
  ServiceTimeoutError,
  StackError,
  StateDirError,
  UnknownServiceError,
  UsageError,
} from './errors.js';
export { clientEnv, formatExports } from './stack/env.js';
export { createStack, type ServiceStatus, type Stack, type StackOptions } from './stack/stack.js';
export { parseEnvFile, readVersions, type Versions } from './versions.js';
