/**
 * The header a signed message carries (see `AppConfig.signing`): `<key id>:<base64 signature>`.
 * A custom header of Celery's flat header map (spec §1.1), so every transport carries it as it
 * carries the others and Python workers ignore it.
 */
export const SIGNATURE_HEADER = 'tq_signature';
