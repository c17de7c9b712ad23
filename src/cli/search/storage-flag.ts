// --storage: the URL as given, else the library's default ($NASFORGE_STORAGE, else
// sqlite:nasforge.db in the current folder).
import { defaultStorageUrl } from '../../search/index.js';

export function storageFlag(flag: string | undefined): string {
  return flag ?? defaultStorageUrl();
}
