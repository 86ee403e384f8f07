// Task categorisation from free text ("re-inspect weld seam on part 4711 at station 3"), trained
// on the site's own history: no model download. Multinomial naive Bayes over words and word pairs
// suggests the task type; one two-class naive Bayes per skill suggests required skills, with the
// level usually asked for that skill on that type. Learning is counting, so train() and correct()
// are incremental and cheap; a correction counts `correctionWeight` times an ordinary example.
// The state is plain JSON (toJSON/fromJSON).

export interface ClassifierExample {
  text: string;
  type: string;
  /** { skill: level } the task required. */
  skills?: Readonly<Record<string, number>>;
}

export interface Suggestion {
  /** Best first, probabilities summing to 1 over the known types. */
  types: { type: string; probability: number }[];
  /** Skills with probability >= minSkillProbability, best first, with the usual level. */
  skills: { skill: string; probability: number; level: number }[];
}

export interface ClassifierOptions {
  /** Additive smoothing (default 0.5). */
  alpha?: number;
  /** How many ordinary examples one correction is worth (default 3). */
  correctionWeight?: number;
  /** Skills below this probability are not suggested (default 0.3). */
  minSkillProbability?: number;
}

interface SkillStats {
  /** Weighted documents that required the skill. */
  docs: number;
  /** Token counts in those documents. */
  tokens: Record<string, number>;
  total: number;
  /** type -> [sum of levels, weight]. */
  levels: Record<string, [number, number]>;
}

export interface ClassifierSnapshot {
  version: 1;
  docs: number;
  typeDocs: Record<string, number>;
  typeTokens: Record<string, Record<string, number>>;
  typeTotals: Record<string, number>;
  allTokens: Record<string, number>;
  allTotal: number;
  skills: Record<string, SkillStats>;
}

const STOPWORDS = new Set([
  'a', 'an', 'the', 'on', 'at', 'of', 'for', 'to', 'in', 'and', 'or', 'with', 'please', 're', 'is', 'it', 'be', 'by', 'from',
  'this', 'that', 'again', 'asap', 'pls', 'part', 'no', 'nr', 'number',
]);

function stem(word: string): string {
  if (word.length > 7 && word.endsWith('ion')) return word.slice(0, -3);
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/**
 * Words (lower case, stemmed, stopwords and numbers dropped), adjacent word pairs, and the first
 * word again as "^word": requests start with the action ("re-inspect ...", "weld ..."), which
 * says more about the type than the objects named after it.
 */
export function tokenize(text: string): string[] {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1 && !STOPWORDS.has(w) && !/^\d+$/.test(w))
    .map(stem);
  const out = [...words];
  for (let i = 0; i + 1 < words.length; i++) out.push(`${words[i]}_${words[i + 1]}`);
  if (words.length > 0) out.push(`^${words[0]}`);
  return out;
}

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const inc = (o: Record<string, number>, k: string, by: number) => {
  o[k] = (has(o, k) ? o[k]! : 0) + by;
};

export class TaskClassifier {
  private state: ClassifierSnapshot = {
    version: 1,
    docs: 0,
    typeDocs: {},
    typeTokens: {},
    typeTotals: {},
    allTokens: {},
    allTotal: 0,
    skills: {},
  };
  private readonly alpha: number;
  private readonly correctionWeight: number;
  private readonly minSkill: number;

  constructor(options: ClassifierOptions = {}) {
    this.alpha = options.alpha ?? 0.5;
    this.correctionWeight = options.correctionWeight ?? 3;
    this.minSkill = options.minSkillProbability ?? 0.3;
  }

  /** Weighted examples learned so far. */
  get size(): number {
    return this.state.docs;
  }

  get types(): string[] {
    return Object.keys(this.state.typeDocs).sort();
  }

  train(examples: Iterable<ClassifierExample>): void {
    for (const e of examples) this.learn(e, 1);
  }

  /** A supervisor's correction of a suggestion: learned with extra weight. */
  correct(text: string, type: string, skills: Readonly<Record<string, number>> = {}): void {
    this.learn({ text, type, skills }, this.correctionWeight);
  }

  learn(example: ClassifierExample, weight = 1): void {
    const s = this.state;
    const tokens = tokenize(example.text);
    s.docs += weight;
    inc(s.typeDocs, example.type, weight);
    if (!has(s.typeTokens, example.type)) s.typeTokens[example.type] = {};
    const tt = s.typeTokens[example.type]!;
    for (const t of tokens) {
      inc(tt, t, weight);
      inc(s.allTokens, t, weight);
    }
    inc(s.typeTotals, example.type, tokens.length * weight);
    s.allTotal += tokens.length * weight;
    for (const [skill, level] of Object.entries(example.skills ?? {})) {
      if (!has(s.skills, skill)) s.skills[skill] = { docs: 0, tokens: {}, total: 0, levels: {} };
      const k = s.skills[skill]!;
      k.docs += weight;
      for (const t of tokens) inc(k.tokens, t, weight);
      k.total += tokens.length * weight;
      const lv: [number, number] = has(k.levels, example.type) ? k.levels[example.type]! : [0, 0];
      k.levels[example.type] = [lv[0] + level * weight, lv[1] + weight];
    }
  }

  suggest(text: string, options: { top?: number } = {}): Suggestion {
    const s = this.state;
    const types = Object.keys(s.typeDocs);
    if (types.length === 0) return { types: [], skills: [] };
    const tokens = tokenize(text);
    const V = Math.max(1, Object.keys(s.allTokens).length);
    const a = this.alpha;
    const logs = types.map((type) => {
      const counts = s.typeTokens[type]!;
      const denom = Math.log(s.typeTotals[type]! + a * V);
      let lp = Math.log((s.typeDocs[type]! + 1) / (s.docs + types.length));
      for (const t of tokens) lp += Math.log((has(counts, t) ? counts[t]! : 0) + a) - denom;
      return lp;
    });
    const max = Math.max(...logs);
    const exps = logs.map((l) => Math.exp(l - max));
    const z = exps.reduce((x, y) => x + y, 0);
    const ranked = types
      .map((type, i) => ({ type, probability: exps[i]! / z }))
      .sort((x, y) => y.probability - x.probability || (x.type < y.type ? -1 : 1))
      .slice(0, options.top ?? 5);
    const bestType = ranked[0]!.type;

    const skills: Suggestion['skills'] = [];
    for (const [skill, k] of Object.entries(s.skills)) {
      const negDocs = s.docs - k.docs;
      const negTotal = s.allTotal - k.total;
      let diff = Math.log((k.docs + 0.5) / (negDocs + 0.5));
      const posDenom = Math.log(k.total + a * V);
      const negDenom = Math.log(Math.max(0, negTotal) + a * V);
      for (const t of tokens) {
        const pos = has(k.tokens, t) ? k.tokens[t]! : 0;
        const all = has(s.allTokens, t) ? s.allTokens[t]! : 0;
        diff += Math.log(pos + a) - posDenom - (Math.log(Math.max(0, all - pos) + a) - negDenom);
      }
      const probability = 1 / (1 + Math.exp(-diff));
      if (probability < this.minSkill) continue;
      const lv = has(k.levels, bestType) ? k.levels[bestType]! : Object.values(k.levels).reduce<[number, number]>((acc, x) => [acc[0] + x[0], acc[1] + x[1]], [0, 0]);
      const level = Math.min(5, Math.max(1, Math.round(lv[1] > 0 ? lv[0] / lv[1] : 1)));
      skills.push({ skill, probability, level });
    }
    skills.sort((x, y) => y.probability - x.probability || (x.skill < y.skill ? -1 : 1));
    return { types: ranked, skills };
  }

  toJSON(): ClassifierSnapshot {
    return JSON.parse(JSON.stringify(this.state)) as ClassifierSnapshot;
  }

  static fromJSON(snapshot: ClassifierSnapshot, options: ClassifierOptions = {}): TaskClassifier {
    if (snapshot.version !== 1) throw new Error(`Unknown classifier snapshot version ${String(snapshot.version)}`);
    const c = new TaskClassifier(options);
    c.state = JSON.parse(JSON.stringify(snapshot)) as ClassifierSnapshot;
    return c;
  }
}
