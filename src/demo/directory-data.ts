/**
 * The deterministic data of the demo gRPC directory (`demo.directory.v1.Directory`, see grpc-directory-service.ts):
 * people "1"…"50" as plain objects in the shape protobufjs' `Type.fromObject` takes (proto field names, enum
 * names, int64 as decimal strings, Timestamp as `{ seconds, nanos }`).
 */

/** `demo.directory.v1.Level` by name, with its wire number. */
export const LEVELS = { LEVEL_UNSPECIFIED: 0, JUNIOR: 1, SENIOR: 2, PRINCIPAL: 3 } as const;

/** A `demo.directory.v1.Level` name. */
export type LevelName = keyof typeof LEVELS;

/** `google.protobuf.Timestamp` as protobufjs objects carry it (int64 seconds as a decimal string). */
export interface TimestampObject {
  readonly seconds: string;
  readonly nanos: number;
}

/** A `demo.directory.v1.Person`, proto field names. */
export interface PersonObject {
  readonly id: string;
  readonly display_name: string;
  readonly email: string;
  readonly level: LevelName;
  readonly teams: readonly string[];
  /** int64, as a decimal string so that values above 2^53 survive. */
  readonly employee_number: string;
  readonly joined_at: TimestampObject;
}

/** Number of people in the directory: ids "1"…"50". */
export const PEOPLE_COUNT = 50;

const FIRST = ['Grace', 'Alan', 'Barbara', 'Edsger', 'Margaret', 'Dennis', 'Frances', 'Ken', 'Radia', 'Donald'];
const LAST = ['Hopper', 'Turing', 'Liskov', 'Dijkstra', 'Hamilton', 'Ritchie', 'Allen', 'Thompson', 'Perlman', 'Knuth'];
const TEAMS: readonly (readonly string[])[] = [['dev'], ['ops'], ['dev', 'design'], ['sales'], ['ops', 'dev']];
const LEVEL_CYCLE: readonly LevelName[] = ['JUNIOR', 'SENIOR', 'PRINCIPAL', 'JUNIOR'];
/** 2019-01-01T00:00:00Z: person n joined n days later, at 09:00. */
const EPOCH_SECONDS = 1_546_300_800;
/** Employee numbers start just below 2^53 (9007199254740992), so ids 42…50 have numbers above it. */
const EMPLOYEE_BASE = 9_007_199_254_740_951n;

/** Person 42 is the one the examples and tests use; its values are fixed by hand. */
const ADA: PersonObject = {
  id: '42',
  display_name: 'Ada Lovelace',
  email: 'ada@example.com',
  level: 'SENIOR',
  teams: ['ops', 'dev'],
  employee_number: '9007199254740993',
  joined_at: { seconds: String(Date.UTC(2020, 0, 2, 3, 4, 5) / 1000), nanos: 0 },
};

/**
 * Person `n` (1…50) of the directory; the same values on every run. Person 42 is Ada Lovelace (SENIOR, teams
 * ops+dev, employee number 9007199254740993 — above 2^53 — joined 2020-01-02T03:04:05Z).
 */
export function demoPerson(n: number): PersonObject {
  if (n === 42) return ADA;
  const first = FIRST[(n - 1) % FIRST.length] ?? 'Anon';
  const last = LAST[Math.floor((n - 1) / FIRST.length) % LAST.length] ?? 'Person';
  return {
    id: String(n),
    display_name: `${first} ${last}`,
    email: `${first.toLowerCase()}.${last.toLowerCase()}${n}@example.com`,
    level: LEVEL_CYCLE[n % LEVEL_CYCLE.length] ?? 'JUNIOR',
    teams: TEAMS[n % TEAMS.length] ?? [],
    employee_number: String(EMPLOYEE_BASE + BigInt(n)),
    joined_at: { seconds: String(EPOCH_SECONDS + n * 86_400 + 9 * 3_600), nanos: 0 },
  };
}

/** All people, "1"…"50", in id order. */
export const PEOPLE: readonly PersonObject[] = Array.from({ length: PEOPLE_COUNT }, (_value, index) => demoPerson(index + 1));

/** The person with `id`, or undefined (ids are canonical decimals: "07" is not "7"). */
export function findPerson(id: string): PersonObject | undefined {
  if (!/^[1-9]\d{0,1}$/.test(id)) return undefined;
  return PEOPLE[Number(id) - 1];
}

/** The level name for a decoded enum value (name or number); unknown values are LEVEL_UNSPECIFIED. */
export function levelName(value: unknown): LevelName {
  if (typeof value === 'string' && value in LEVELS) return value as LevelName;
  if (typeof value === 'number') {
    for (const [name, number] of Object.entries(LEVELS)) if (number === value) return name as LevelName;
  }
  return 'LEVEL_UNSPECIFIED';
}
