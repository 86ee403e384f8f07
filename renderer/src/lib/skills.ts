// Skills and short lists as people type them: "weld:3, inspect:2" <-> { weld: 3, inspect: 2 }, and
// "a, b; c" -> ['a', 'b', 'c']. Pure, so the create dialogs and the importer share one reading.
import { SkillLevel, SkillName } from '../../../preload/contract';

export type SkillRecord = Record<string, number>;

/** Splits on commas, semicolons and line breaks; trims; drops empty items. */
export function parseList(text: string): string[] {
  return text
    .split(/[,;\n\r]+/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** Splits on commas, semicolons and any whitespace (ids never contain spaces). */
export function parseIdList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

export type SkillParse = { ok: true; skills: SkillRecord } | { ok: false; error: string };

/**
 * "weld:3, inspect:2" -> { weld: 3, inspect: 2 }. A skill without a level ("inspect") is level 1.
 * Skill names may contain colons themselves, so the level is whatever follows the last colon.
 */
export function parseSkills(text: string): SkillParse {
  const skills: SkillRecord = {};
  for (const item of parseList(text)) {
    const match = /^(.*):\s*(\S+)$/.exec(item);
    let name = item;
    let level = 1;
    if (match && /^[+-]?\d+(\.\d+)?$/.test(match[2]!)) {
      name = match[1]!.trim();
      level = Number(match[2]);
    }
    if (!SkillName.safeParse(name).success) {
      return { ok: false, error: `“${name}” is not a skill name: use letters, digits, dot, colon, dash or underscore (at most 64).` };
    }
    if (!SkillLevel.safeParse(level).success) {
      return { ok: false, error: `“${item}”: the level must be a whole number from 1 to 5.` };
    }
    if (Object.hasOwn(skills, name)) return { ok: false, error: `“${name}” is listed twice.` };
    skills[name] = level;
  }
  return { ok: true, skills };
}

/** { weld: 3, inspect: 2 } -> "weld:3, inspect:2" (the form parseSkills reads back). */
export function formatSkills(skills: Readonly<Record<string, number>>): string {
  return Object.entries(skills)
    .map(([name, level]) => `${name}:${level}`)
    .join(', ');
}
