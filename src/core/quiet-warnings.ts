// node:sqlite still prints an ExperimentalWarning on Node 24. Fogbank depends on it deliberately, so
// that one warning is noise to users; every other warning still prints. Import this module first.
const emit = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : warning.message;
  if (/SQLite is an experimental feature/.test(text)) return;
  return (emit as (...a: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
