/**
 * The files that make shakeout citable and its license plain: CITATION.cff
 * is valid CFF 1.2.0 and names package.json's version, LICENSE is the MIT
 * license package.json declares, and CHANGELOG.md has a section for that
 * version.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { version: string; license: string; files: string[] };

describe('CITATION.cff', () => {
  const cff = parse(read('CITATION.cff')) as Record<string, unknown>;

  test("has CFF 1.2.0's required keys, with values of their types", () => {
    expect(cff['cff-version']).toBe('1.2.0');
    expect(typeof cff.message).toBe('string');
    expect((cff.message as string).length).toBeGreaterThan(0);
    expect(typeof cff.title).toBe('string');
    expect((cff.title as string).length).toBeGreaterThan(0);
    expect(Array.isArray(cff.authors)).toBe(true);
    const authors = cff.authors as Record<string, unknown>[];
    expect(authors.length).toBeGreaterThan(0);
    // A CFF author is a person (family-names) or an entity (name).
    for (const a of authors) expect(typeof a.name === 'string' || typeof a['family-names'] === 'string', JSON.stringify(a)).toBe(true);
    expect(authors).toContainEqual({ name: 'The shakeout authors' });
  });

  test("names package.json's version and license, as software", () => {
    expect(cff.version).toBe(pkg.version);
    expect(cff.license).toBe(pkg.license);
    expect(cff.type).toBe('software');
    expect(typeof cff.abstract).toBe('string');
    expect(Array.isArray(cff.keywords) && (cff.keywords as unknown[]).every((k) => typeof k === 'string')).toBe(true);
    // Optional, but when given a date it must be one (YAML reads an unquoted date as text in the core schema).
    if (cff['date-released'] !== undefined) expect(String(cff['date-released'])).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('LICENSE and CHANGELOG.md', () => {
  test('LICENSE is the MIT license of the shakeout authors', () => {
    expect(pkg.license).toBe('MIT');
    const license = read('LICENSE');
    expect(license.startsWith('MIT License\n\nCopyright (c) 2026 the shakeout authors\n')).toBe(true);
    expect(license).toContain('Permission is hereby granted, free of charge');
  });

  test("CHANGELOG.md: an Unreleased section, then one for package.json's version, with a date", () => {
    const headings = read('CHANGELOG.md')
      .split('\n')
      .filter((l) => l.startsWith('## '));
    expect(headings[0]).toBe('## [Unreleased]');
    expect(headings).toContainEqual(expect.stringMatching(new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`)));
  });

  test('the package ships LICENSE, CITATION.cff and CHANGELOG.md', () => {
    for (const file of ['LICENSE', 'CITATION.cff', 'CHANGELOG.md']) expect(pkg.files).toContain(file);
  });
});
