/**
 * The little an object store must offer to read Delta tables: list keys under
 * a prefix (in key order) and get an object's bytes. Keys are relative to the
 * store's root (the bucket, or a local directory) and use `/`.
 */
export interface ObjectInfo {
  key: string;
  size: number;
  /** When the object was written, where the store says (S3 does). */
  modified?: Date;
}

export interface ObjectStore {
  /** Where the store points, for messages: `s3://lakehouse`, `file:///tmp/x`. */
  readonly location: string;
  /** Objects whose key starts with `prefix`, in ascending key order, after `startAfter` if given. */
  list(prefix: string, startAfter?: string): AsyncIterable<ObjectInfo>;
  /** The object's bytes, or undefined when there is no such object. */
  get(key: string): Promise<Uint8Array | undefined>;
}
