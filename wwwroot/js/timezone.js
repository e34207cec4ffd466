// The browser's time zone (IANA name), so that the server shows UTC times in the reader's local time.
export function timeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || '';
}
