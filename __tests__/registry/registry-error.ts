/** Test helper for the registry tests: the RegistryError a promise rejects with. */
import { RegistryError } from '../../src/registry/transport/errors.js';

/** The RegistryError `promise` rejects with; any other outcome fails the test. */
export async function registryErrorOf(promise: Promise<unknown>): Promise<RegistryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error('expected a RegistryError');
}
