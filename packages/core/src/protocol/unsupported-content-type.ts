/** Serializers that turn bytes into code: refused with that reason rather than as merely unknown. */
const EXECUTABLE_SERIALIZERS = new Map([
  ['application/x-python-serialize', 'pickle can execute code while it is decoded'],
  ['application/x-yaml', "YAML's Python loaders can build arbitrary objects"],
]);

/** Why `contentType` is refused, and how to fix it on the Celery side. */
export function unsupportedContentType(contentType: unknown): string {
  const type = String(contentType).split(';')[0]?.trim().toLowerCase() ?? '';
  const danger = EXECUTABLE_SERIALIZERS.get(type);
  const fix = "set task_serializer='json' (and accept_content=['json']) on the Celery side";
  return danger
    ? `Refused content type '${contentType}': ${danger}; tq accepts json only — ${fix}`
    : `Unsupported content type '${contentType}': tq accepts only application/json — ${fix}`;
}
