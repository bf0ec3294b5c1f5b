/**
 * How many copies of each suite `TQ_STRESS` asks for (1 when unset): `TQ_STRESS=5` registers
 * every suite five times, all running at once, to shake out flaky tests and races in transports.
 */
export function stressCopies(value = process.env.TQ_STRESS): number {
  if (value === undefined || value.trim() === '') return 1;
  const copies = Number(value);
  if (!Number.isInteger(copies) || copies < 1)
    throw new TypeError(`TQ_STRESS must be a positive integer (copies of each suite), got '${value}'`);
  return copies;
}
