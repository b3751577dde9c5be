// Object bodies go through the S3 API itself on the same origin (uploads with progress, downloads),
// signed for the selected account with s3Auth; S3's XML errors become ApiErrors for <ErrorBanner>.
import { ApiError, s3Auth, s3Url, type Scope } from '../api.ts';

function query(versionId?: string): string {
  return versionId ? `?versionId=${encodeURIComponent(versionId)}` : '';
}

/** S3's <Error><Code/><Message/></Error> body → ApiError. */
export function s3Error(status: number, text: string): ApiError {
  const doc = text ? new DOMParser().parseFromString(text, 'application/xml') : undefined;
  const code = doc?.querySelector('Error > Code')?.textContent;
  const message = doc?.querySelector('Error > Message')?.textContent;
  return new ApiError(status, code || `HTTP ${status}`, message || (status === 404 ? 'Not found' : text.slice(0, 300) || 'the request failed'));
}

export interface Upload {
  loaded: number;
  total: number;
}

/**
 * PUT an object with XMLHttpRequest (fetch cannot report upload progress). Resolves with the ETag.
 * Returns the request too, so the caller can abort it.
 */
export function putObject(
  scope: Scope,
  bucket: string,
  key: string,
  file: Blob,
  onProgress: (p: Upload) => void,
): { done: Promise<string>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<string>((resolve, reject) => {
    xhr.open('PUT', s3Url(bucket, key));
    xhr.setRequestHeader('Authorization', s3Auth(scope));
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress({ loaded: file.size, total: file.size });
        resolve(xhr.getResponseHeader('ETag') ?? '');
      } else reject(s3Error(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NetworkError', 'the upload could not reach Fogbank'));
    xhr.onabort = () => reject(new ApiError(0, 'Aborted', 'the upload was cancelled'));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

/** GET an object through the S3 API and hand it to the browser as a download. */
export async function downloadObject(scope: Scope, bucket: string, key: string, versionId?: string): Promise<void> {
  const res = await fetch(s3Url(bucket, key) + query(versionId), { headers: { Authorization: s3Auth(scope) } });
  if (!res.ok) throw s3Error(res.status, await res.text());
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = key.split('/').pop() || 'download';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The first bytes of a text object, for a preview. */
export async function previewObject(scope: Scope, bucket: string, key: string, versionId?: string, bytes = 4096): Promise<string> {
  const res = await fetch(s3Url(bucket, key) + query(versionId), { headers: { Authorization: s3Auth(scope), Range: `bytes=0-${bytes - 1}` } });
  if (!res.ok) throw s3Error(res.status, await res.text());
  return res.text();
}
