/**
 * The items of a JSON array of objects that pass `isItem`, as a step reads back the state an
 * earlier step saved: text that does not parse, or is not an array, is an empty list, and items
 * that do not fit are dropped, so a damaged state never stops the post step.
 */
export function readList<T>(text: string, isItem: (item: Record<string, unknown>) => boolean): T[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return []
  }
  if (!Array.isArray(parsed)) return []
  return parsed.filter(
    (item: unknown) =>
      typeof item === 'object' &&
      item !== null &&
      !Array.isArray(item) &&
      isItem(item as Record<string, unknown>)
  ) as T[]
}
