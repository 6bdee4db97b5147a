/** Every item of an async iterable, in order (Array.fromAsync, which Node 20 lacks). */
export async function toArray<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
