/**
 * The file part of a multipart/form-data body (RFC 7578), as WebClient posts a file to an upload URL
 * (files.uploadV2 step 2: one part, field `body` or `file`, with a filename). Enough for one stand-in endpoint;
 * not a general parser.
 */
export function firstFilePart(raw: Buffer, contentType: string): Buffer | undefined {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (boundary === undefined) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const headersStart = start + delimiter.length + 2; // skip CRLF
    const headersEnd = raw.indexOf('\r\n\r\n', headersStart);
    if (headersEnd === -1) return undefined;
    const next = raw.indexOf(delimiter, headersEnd);
    if (next === -1) return undefined;
    const headers = raw.toString('utf8', headersStart, headersEnd);
    // The part's content ends with the CRLF that precedes the next delimiter.
    if (/filename=/i.test(headers)) return raw.subarray(headersEnd + 4, next - 2);
    start = next;
  }
  return undefined;
}
