import { z } from 'zod';

// `dispatchInformation.data` of a dispatch token request: free-form information for the app
// (the SDK's `OutOfBandPayload.data`, "plain text or JSON"), carried to the phone inside
// `nma_data` under `data`. Bounded, because every byte of it rides in a push message (FCM data
// messages hold 4 KiB in all), a QR code and a link.

/** The largest `data`, in UTF-8 bytes of its text (a string) or of its JSON (anything else). */
export const maxDispatchDataBytes = 4096;

/** How many bytes `data` takes in the payload: the string's UTF-8, else its JSON text. */
export function dispatchDataBytes(data: unknown): number {
  return Buffer.byteLength(typeof data === 'string' ? data : JSON.stringify(data) ?? '', 'utf8');
}

/** `data` as given (any JSON value) within the size bound. */
export const dispatchDataSchema = z.unknown().superRefine((data, ctx) => {
  if (data === undefined) return;
  const bytes = dispatchDataBytes(data);
  if (bytes > maxDispatchDataBytes) ctx.addIssue({ code: 'custom', message: `has ${bytes} bytes; at most ${maxDispatchDataBytes} are carried to the phone` });
});
