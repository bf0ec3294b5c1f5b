/** What applying a signature produced: one result id, or a group of them. */
export type Applied = { kind: 'task'; id: string } | { kind: 'group'; id: string; members: Applied[] };
