/** User-facing messages of the output layer: one line each, saying what is wrong and how to fix it. */

export function folderExists(out: string): string {
  return `${out} already exists; use --force to replace it, or --out to write elsewhere`;
}

export function notAResultFolder(dir: string): string {
  return `${dir} is not a result folder (no readable manifest.json); run \`shakeout run\` to make one`;
}

export function notARunStore(dir: string): string {
  return `${dir} holds no per-run values (runs/index.json missing or unreadable)`;
}

export function incompleteRunStore(dir: string, bytes: number, expected: number): string {
  return `${dir}: runs/values.f64 has ${bytes < 0 ? 'no' : bytes} bytes, expected ${expected}; the run was interrupted or the file damaged`;
}

export function badTimeseriesHeader(file: string, header: string): string {
  return `${file}: unexpected header "${header}"; was it written by another version of shakeout?`;
}
