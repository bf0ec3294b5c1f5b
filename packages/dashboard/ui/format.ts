/** A UNIX time in seconds as local `YYYY-MM-DD HH:MM:SS`; a dash when unknown. */
export function timeText(seconds: number | undefined): string {
  if (seconds === undefined) return '–';
  const date = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
