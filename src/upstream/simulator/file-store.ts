/**
 * The simulator's Files API storage: uploaded and batch-produced files kept in
 * memory, bounded per file and in total so a test (or a misbehaving client)
 * cannot make the simulator hold unbounded data.
 */
import { alnumId } from './id-generator.ts';
import { SimulatorHttpError } from './openai-error.ts';

/** OpenAI's `OpenAIFile` object. */
export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  expires_at?: number;
  filename: string;
  purpose: string;
  status: 'processed';
}

/** Size bounds of the file store. */
export interface FileStoreLimits {
  /** Largest single file. Default 64 MB (OpenAI allows 512 MB; the simulator holds files in memory). */
  maxFileBytes: number;
  /** All files together. Default 256 MB. */
  maxTotalBytes: number;
}

export const DEFAULT_FILE_LIMITS: FileStoreLimits = { maxFileBytes: 64 * 1024 * 1024, maxTotalBytes: 256 * 1024 * 1024 };

/** 404 for a file id that does not exist, in OpenAI's wording. */
export function fileNotFound(id: string): SimulatorHttpError {
  return new SimulatorHttpError(404, `No such File object: ${id}`, 'invalid_request_error', 'id', null);
}

/** The files of one simulator, newest last in insertion order. */
export class FileStore {
  private readonly files = new Map<string, { object: FileObject; content: Buffer }>();
  private totalBytes = 0;

  constructor(readonly limits: FileStoreLimits = DEFAULT_FILE_LIMITS) {}

  /** Stores a file; 413 when it would pass a bound. */
  create(filename: string, purpose: string, content: Buffer): FileObject {
    if (content.length > this.limits.maxFileBytes || this.totalBytes + content.length > this.limits.maxTotalBytes) {
      throw new SimulatorHttpError(413, `File is too large for the simulator (limit ${this.limits.maxFileBytes} bytes per file, ${this.limits.maxTotalBytes} in total).`, 'invalid_request_error', 'file', 'file_too_large');
    }
    const object: FileObject = {
      id: alnumId('file-', 22),
      object: 'file',
      bytes: content.length,
      created_at: Math.floor(Date.now() / 1000),
      filename,
      purpose,
      status: 'processed',
    };
    this.files.set(object.id, { object, content });
    this.totalBytes += content.length;
    return object;
  }

  get(id: string): FileObject {
    const entry = this.files.get(id);
    if (!entry) throw fileNotFound(id);
    return entry.object;
  }

  content(id: string): Buffer {
    const entry = this.files.get(id);
    if (!entry) throw fileNotFound(id);
    return entry.content;
  }

  delete(id: string): { id: string; object: 'file'; deleted: true } {
    const entry = this.files.get(id);
    if (!entry) throw fileNotFound(id);
    this.files.delete(id);
    this.totalBytes -= entry.content.length;
    return { id, object: 'file', deleted: true };
  }

  /** Newest first, as OpenAI lists them (`order=desc`), after the id `after`. */
  list(options: { purpose?: string | undefined; after?: string | undefined; limit: number; order: 'asc' | 'desc' }): { data: FileObject[]; hasMore: boolean } {
    let all = [...this.files.values()].map((f) => f.object);
    if (options.order === 'desc') all.reverse();
    if (options.purpose !== undefined) all = all.filter((f) => f.purpose === options.purpose);
    if (options.after !== undefined) {
      const at = all.findIndex((f) => f.id === options.after);
      all = at === -1 ? [] : all.slice(at + 1);
    }
    return { data: all.slice(0, options.limit), hasMore: all.length > options.limit };
  }
}
