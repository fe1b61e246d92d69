/**
 * A clinic, as a domain definition in one file: patients book appointments,
 * which are checked in and completed (or cancelled, or missed), and a
 * completed appointment gets lab results, which are now and then corrected or
 * retracted. Its rules: an appointment's status only moves forward, a lab
 * result belongs to a completed appointment, its flag says where its value
 * lies against the test's reference range, and a value is never negative.
 *
 * `pnpm sim:gen --domain clinic --out DIR` writes patients.csv,
 * appointments.csv and lab_results.csv; `pnpm sim:run --domain clinic` runs it.
 */
import type { Faker } from '@faker-js/faker';
import { createFakes } from '../../fake/fakes.js';
import { placeOf, placesFor, WORLD, type Place } from '../../fake/places.js';
import { createRandom, type Random } from '../../fake/random.js';
import { defineDomain, DomainRefusal, type RowRef } from '../../sim/domain.js';
import { IdSet } from '../../sim/id-set.js';

type Status = 'booked' | 'checked_in' | 'completed' | 'cancelled' | 'no_show';
const NEXT: Readonly<Record<Status, readonly Status[]>> = {
  booked: ['checked_in', 'cancelled', 'no_show'],
  checked_in: ['completed'],
  completed: [],
  cancelled: [],
  no_show: [],
};
const isStatus = (s: unknown): s is Status => typeof s === 'string' && s in NEXT;

interface Patient {
  id: number;
  full_name: string;
  email: string;
  birth_date: string;
  city: string;
  country: string;
  phone: string | null;
  registered_at: string;
}
interface Appointment {
  id: number;
  patient_id: number;
  department: string;
  status: Status;
  scheduled_at: string;
  updated_at: string;
}
interface LabResult {
  id: number;
  appointment_id: number;
  test: string;
  value: string;
  unit: string;
  flag: 'low' | 'normal' | 'high';
  reported_at: string;
}

/** Lab tests: unit and reference range. Values have one decimal. */
const TESTS: Readonly<Record<string, { unit: string; low: number; high: number }>> = {
  hemoglobin: { unit: 'g/dL', low: 12, high: 17.5 },
  glucose: { unit: 'mmol/L', low: 3.9, high: 7.8 },
  cholesterol: { unit: 'mmol/L', low: 3, high: 6.5 },
  crp: { unit: 'mg/L', low: 0, high: 10 },
  tsh: { unit: 'mIU/L', low: 0.4, high: 4.5 },
};
const DEPARTMENTS = [
  'general practice',
  'cardiology',
  'dermatology',
  'endocrinology',
  'pediatrics',
];
/** Results per completed appointment, at most. */
const MAX_RESULTS = 3;

const flagOf = (test: string, value: number): LabResult['flag'] | undefined => {
  const range = TESTS[test];
  if (!range) return undefined;
  return value < range.low ? 'low' : value > range.high ? 'high' : 'normal';
};

type ClinicEvent =
  | { type: 'appointment_booked'; appointment: Appointment }
  | { type: 'appointment_checked_in'; appointmentId: number }
  | { type: 'appointment_completed'; appointmentId: number }
  | { type: 'appointment_cancelled'; appointmentId: number }
  | { type: 'appointment_no_show'; appointmentId: number }
  | { type: 'lab_result_reported'; result: LabResult }
  | { type: 'lab_result_corrected'; resultId: number; value: string; flag: LabResult['flag'] }
  | { type: 'lab_result_retracted'; resultId: number }
  | { type: 'patient_registered'; patient: Patient }
  | { type: 'patient_moved'; patientId: number; city: string; phone: string | null };

interface ClinicState {
  patients: Map<number, Patient>;
  appointments: Map<number, Appointment>;
  results: Map<number, LabResult>;
  patientIds: IdSet;
  /** Open appointments by status: what the next check-in, completion or cancellation picks from. */
  open: Record<'booked' | 'checked_in', IdSet>;
  /** Completed appointments with fewer than MAX_RESULTS results. */
  reportable: IdSet;
  resultCount: Map<number, number>;
  resultIds: IdSet;
  maxIds: { patient: number; appointment: number; result: number };
}

interface ClinicContext {
  places: readonly Place[];
  /** The largest lab value loaded: new values stay within the column's precision. */
  maxValue: number;
}

const patient = (id: number): RowRef => ({ table: 'patients', key: id });
const appointment = (id: number): RowRef => ({ table: 'appointments', key: id });
const result = (id: number): RowRef => ({ table: 'lab_results', key: id });

/** A pool pulls its next event the harder the more it holds. */
const pull = (n: number, base: number) => (base * n) / (n + 20);
const DAY = 86_400_000;
const shift = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString();

function addAppointment(s: ClinicState, a: Appointment): void {
  s.appointments.set(a.id, a);
  s.maxIds.appointment = Math.max(s.maxIds.appointment, a.id);
  if (a.status === 'booked' || a.status === 'checked_in') s.open[a.status].add(a.id);
  if (a.status === 'completed' && (s.resultCount.get(a.id) ?? 0) < MAX_RESULTS)
    s.reportable.add(a.id);
}

function addResult(s: ClinicState, r: LabResult): void {
  s.results.set(r.id, r);
  s.resultIds.add(r.id);
  s.maxIds.result = Math.max(s.maxIds.result, r.id);
  const n = (s.resultCount.get(r.appointment_id) ?? 0) + 1;
  s.resultCount.set(r.appointment_id, n);
  if (n >= MAX_RESULTS) s.reportable.delete(r.appointment_id);
}

function setStatus(s: ClinicState, a: Appointment, to: Status, at: string): void {
  if (a.status === 'booked' || a.status === 'checked_in') s.open[a.status].delete(a.id);
  a.status = to;
  a.updated_at = at;
  addAppointment(s, a);
}

/** Why appointment `id` cannot move to `to`, or undefined. */
function cannotMove(s: ClinicState, id: number, to: Status): string | undefined {
  const a = s.appointments.get(id);
  if (!a) return `appointment ${id} does not exist`;
  return NEXT[a.status].includes(to)
    ? undefined
    : `appointment ${id} cannot go from ${a.status} to ${to}`;
}

/** appointment_checked_in, _completed, _cancelled, _no_show: one step of an appointment. */
function step<T extends ClinicEvent['type']>(
  type: T,
  to: Status,
  from: 'booked' | 'checked_in',
  base: number,
) {
  return {
    weight: (s: ClinicState) => pull(s.open[from].size, base),
    draw: (s: ClinicState, { rng }: { rng: Random }) =>
      ({ type, appointmentId: s.open[from].at(rng.int(s.open[from].size)) }) as ClinicEvent,
    check: (s: ClinicState, e: { appointmentId: number }) => cannotMove(s, e.appointmentId, to),
    apply: (s: ClinicState, e: { appointmentId: number }, at: string) =>
      setStatus(s, s.appointments.get(e.appointmentId)!, to, at),
    writes: (_s: ClinicState, e: { appointmentId: number }) => [appointment(e.appointmentId)],
  };
}

function drawValue(rng: Random, test: string, maxValue: number): string {
  const { low, high } = TESTS[test]!;
  const value = low * 0.7 + rng.next() * (high * 1.4 - low * 0.7);
  return Math.min(value, maxValue).toFixed(1);
}

/** A patient drawn with faker in their place's locale. */
function patientOf(rng: Random, faker: Faker, place: Place, id: number, at: string): Patient {
  const firstName = faker.person.firstName();
  const lastName = faker.person.lastName();
  const born = BORN_FROM + Math.floor(rng.next() * (BORN_TO - BORN_FROM));
  return {
    id,
    full_name: `${firstName} ${lastName}`,
    // The id before the @ makes the address unique.
    email: faker.internet
      .exampleEmail({ firstName, lastName })
      .toLowerCase()
      .replace('@', `.${id}@`),
    birth_date: new Date(born).toISOString().slice(0, 10),
    city: faker.location.city(),
    country: place.country,
    phone: rng.chance(0.8) ? faker.phone.number({ style: 'international' }) : null,
    registered_at: at,
  };
}
const BORN_FROM = Date.UTC(1940, 0, 1);
const BORN_TO = Date.UTC(2024, 0, 1);

function labResult(
  rng: Random,
  id: number,
  appointmentId: number,
  maxValue: number,
  at: string,
): LabResult {
  const test = rng.pick(Object.keys(TESTS));
  const value = drawValue(rng, test, maxValue);
  return {
    id,
    appointment_id: appointmentId,
    test,
    value,
    unit: TESTS[test]!.unit,
    flag: flagOf(test, Number(value))!,
    reported_at: at,
  };
}

export const clinic = defineDomain<ClinicState, ClinicEvent, ClinicContext>({
  name: 'clinic',
  description: 'patients, appointments with a status lifecycle, lab results',
  tables: [
    {
      name: 'patients',
      key: 'id',
      columns: [
        'id',
        'full_name',
        'email',
        'birth_date',
        'city',
        'country',
        'phone',
        'registered_at',
      ],
    },
    {
      name: 'appointments',
      key: 'id',
      columns: ['id', 'patient_id', 'department', 'status', 'scheduled_at', 'updated_at'],
      guard: ['status'],
    },
    {
      name: 'lab_results',
      key: 'id',
      columns: ['id', 'appointment_id', 'test', 'value', 'unit', 'flag', 'reported_at'],
    },
  ],

  init(tables) {
    const s: ClinicState = {
      patients: new Map(),
      appointments: new Map(),
      results: new Map(),
      patientIds: new IdSet(),
      open: { booked: new IdSet(), checked_in: new IdSet() },
      reportable: new IdSet(),
      resultCount: new Map(),
      resultIds: new IdSet(),
      maxIds: { patient: 0, appointment: 0, result: 0 },
    };
    for (const row of tables.patients as Patient[]) {
      s.patients.set(row.id, { ...row });
      s.patientIds.add(row.id);
      s.maxIds.patient = Math.max(s.maxIds.patient, row.id);
    }
    for (const row of tables.appointments as Appointment[]) {
      if (!isStatus(row.status))
        throw new DomainRefusal(`appointment ${row.id} has status "${String(row.status)}"`);
      if (!s.patients.has(row.patient_id))
        throw new DomainRefusal(`appointment ${row.id} references a missing patient`);
      addAppointment(s, { ...row });
    }
    for (const row of tables.lab_results as LabResult[]) {
      if (s.appointments.get(row.appointment_id)?.status !== 'completed')
        throw new DomainRefusal(`lab result ${row.id} is not of a completed appointment`);
      addResult(s, { ...row });
    }
    return s;
  },

  context(tables) {
    const countries = [...new Set((tables.patients as Patient[]).map((p) => p.country))];
    const values = (tables.lab_results as LabResult[]).map((r) => Number(r.value));
    return {
      places: countries.length > 0 ? countries.map(placeOf) : WORLD,
      maxValue: values.length > 0 ? Math.max(...values) : 99.9,
    };
  },

  // In draw order (the seeded stream depends on it).
  events: {
    appointment_booked: {
      weight: (s) => (s.patientIds.size > 0 ? 20 : 0),
      draw(s, { rng, at }) {
        const booked: Appointment = {
          id: s.maxIds.appointment + 1,
          patient_id: s.patientIds.at(rng.int(s.patientIds.size)),
          department: rng.pick(DEPARTMENTS),
          status: 'booked',
          scheduled_at: shift(at, rng.between(1, 30) * DAY),
          updated_at: at,
        };
        return { type: 'appointment_booked', appointment: booked };
      },
      check(s, { appointment: a }) {
        if (s.appointments.has(a.id)) return `appointment ${a.id} already exists`;
        if (a.status !== 'booked') return `a new appointment must be "booked", not "${a.status}"`;
        return s.patients.has(a.patient_id) ? undefined : `patient ${a.patient_id} does not exist`;
      },
      apply: (s, e) => addAppointment(s, { ...e.appointment }),
      writes: (_s, e) => [appointment(e.appointment.id)],
      reads: (_s, e) => [patient(e.appointment.patient_id)],
    },
    appointment_checked_in: step('appointment_checked_in', 'checked_in', 'booked', 25),
    appointment_completed: step('appointment_completed', 'completed', 'checked_in', 25),
    appointment_cancelled: step('appointment_cancelled', 'cancelled', 'booked', 3),
    appointment_no_show: step('appointment_no_show', 'no_show', 'booked', 2),
    lab_result_reported: {
      weight: (s) => pull(s.reportable.size, 20),
      draw: (s, { rng, context, at }) => ({
        type: 'lab_result_reported',
        result: labResult(
          rng,
          s.maxIds.result + 1,
          s.reportable.at(rng.int(s.reportable.size)),
          context.maxValue,
          at,
        ),
      }),
      check(s, { result: r }) {
        if (s.results.has(r.id)) return `lab result ${r.id} already exists`;
        if (s.appointments.get(r.appointment_id)?.status !== 'completed')
          return `appointment ${r.appointment_id} is not completed`;
        return (s.resultCount.get(r.appointment_id) ?? 0) >= MAX_RESULTS
          ? `appointment ${r.appointment_id} has ${MAX_RESULTS} results already`
          : undefined;
      },
      apply: (s, e) => addResult(s, { ...e.result }),
      writes: (_s, e) => [result(e.result.id)],
      reads: (_s, e) => [appointment(e.result.appointment_id)],
    },
    lab_result_corrected: {
      weight: (s) => (s.resultIds.size > 0 ? 2 : 0),
      draw(s, { rng, context }) {
        const r = s.results.get(s.resultIds.at(rng.int(s.resultIds.size)))!;
        const value = drawValue(rng, r.test, context.maxValue);
        const flag = flagOf(r.test, Number(value)) ?? r.flag;
        return { type: 'lab_result_corrected', resultId: r.id, value, flag };
      },
      check: (s, e) =>
        s.results.has(e.resultId) ? undefined : `lab result ${e.resultId} does not exist`,
      apply: (s, e) =>
        void Object.assign(s.results.get(e.resultId)!, { value: e.value, flag: e.flag }),
      writes: (_s, e) => [result(e.resultId)],
    },
    lab_result_retracted: {
      weight: (s) => (s.resultIds.size > 0 ? 0.5 : 0),
      draw: (s, { rng }) => ({
        type: 'lab_result_retracted',
        resultId: s.resultIds.at(rng.int(s.resultIds.size)),
      }),
      check: (s, e) =>
        s.results.has(e.resultId) ? undefined : `lab result ${e.resultId} does not exist`,
      apply(s, e) {
        const r = s.results.get(e.resultId)!;
        s.results.delete(r.id);
        s.resultIds.delete(r.id);
        const left = s.resultCount.get(r.appointment_id)! - 1;
        s.resultCount.set(r.appointment_id, left);
        if (left < MAX_RESULTS) s.reportable.add(r.appointment_id);
      },
      writes: (_s, e) => [result(e.resultId)],
    },
    patient_registered: {
      weight: () => 3,
      draw(s, { rng, fakes, context, at }) {
        const place = rng.pick(context.places);
        const id = s.maxIds.patient + 1;
        return {
          type: 'patient_registered',
          patient: patientOf(rng, fakes.faker(place.locale), place, id, at),
        };
      },
      check: (s, e) =>
        s.patients.has(e.patient.id) ? `patient ${e.patient.id} already exists` : undefined,
      apply(s, { patient: p }) {
        s.patients.set(p.id, { ...p });
        s.patientIds.add(p.id);
        s.maxIds.patient = Math.max(s.maxIds.patient, p.id);
      },
      writes: (_s, e) => [patient(e.patient.id)],
    },
    patient_moved: {
      weight: (s) => (s.patientIds.size > 0 ? 1 : 0),
      draw(s, { rng, fakes }) {
        const p = s.patients.get(s.patientIds.at(rng.int(s.patientIds.size)))!;
        const faker = fakes.faker(placeOf(p.country).locale);
        const phone = rng.chance(0.8) ? faker.phone.number({ style: 'international' }) : null;
        return { type: 'patient_moved', patientId: p.id, city: faker.location.city(), phone };
      },
      check: (s, e) =>
        s.patients.has(e.patientId) ? undefined : `patient ${e.patientId} does not exist`,
      apply: (s, e) =>
        void Object.assign(s.patients.get(e.patientId)!, { city: e.city, phone: e.phone }),
      writes: (_s, e) => [patient(e.patientId)],
    },
  },

  row(s, table, key) {
    const id = key as number;
    if (table === 'patients') return s.patients.get(id);
    if (table === 'appointments') return s.appointments.get(id);
    if (table === 'lab_results') return s.results.get(id);
    return undefined;
  },
  rows(s, table) {
    if (table === 'patients') return s.patients.values();
    if (table === 'appointments') return s.appointments.values();
    return s.results.values();
  },

  invariants: [
    {
      kind: 'status-backwards',
      table: 'appointments',
      check(before, after) {
        const [from, to] = [before?.status, after?.status];
        if (!isStatus(from) || !isStatus(to) || from === to) return undefined;
        return NEXT[from].includes(to) ? undefined : `status ${from} → ${to}`;
      },
    },
    {
      kind: 'negative-value',
      table: 'lab_results',
      check: (_before, after) =>
        after && Number(after.value) < 0 ? `value is ${String(after.value)}` : undefined,
    },
    {
      kind: 'wrong-flag',
      table: 'lab_results',
      check(_before, after) {
        if (!after) return undefined;
        const expected = flagOf(String(after.test), Number(after.value));
        return expected && after.flag !== expected
          ? `flag ${String(after.flag)} for ${String(after.test)} ${String(after.value)}, expected ${expected}`
          : undefined;
      },
    },
  ],

  dataset: {
    counts: (scale) => {
      const n = (base: number) => Math.max(1, Math.round(base * scale));
      return { patients: n(500), appointments: n(1500), lab_results: n(1200) };
    },
    rows({ seed, counts, locale }) {
      const places = (locale && placesFor(locale)) || WORLD;
      const rng = createRandom(seed);
      const fakes = createFakes(rng);
      const reseed = (salt: number, id: number) => rng.seed([seed, salt, id]);
      const at = (ms: number) => new Date(ms).toISOString();
      /** Appointment `id`: a function of (seed, id), so a lab result can look at its appointment. */
      const appointmentRow = (id: number): Appointment => {
        reseed(2, id);
        const scheduled = DATA_FROM + Math.floor(rng.next() * (DATA_TO - DATA_FROM));
        const u = rng.next();
        const status: Status =
          id === 1 || (scheduled < DATA_END - DAY && u < 0.8)
            ? 'completed'
            : scheduled < DATA_END - DAY
              ? u < 0.9
                ? 'cancelled'
                : 'no_show'
              : scheduled < DATA_END
                ? 'checked_in'
                : 'booked';
        return {
          id,
          patient_id: 1 + rng.int(counts.patients!),
          department: rng.pick(DEPARTMENTS),
          status,
          scheduled_at: at(scheduled),
          updated_at: at(
            Math.min(scheduled + (status === 'booked' ? -7 * DAY : 3_600_000), DATA_END),
          ),
        };
      };
      return (table, id) => {
        if (table === 'patients') {
          reseed(1, id);
          const place = rng.pick(places);
          const registered = DATA_FROM - 365 * DAY + Math.floor(rng.next() * 365 * DAY);
          return { ...patientOf(rng, fakes.faker(place.locale), place, id, at(registered)) };
        }
        if (table === 'appointments') return { ...appointmentRow(id) };
        // A lab result: of a completed appointment (appointment 1 always is).
        reseed(3, id);
        let of = appointmentRow(1);
        for (let attempt = 0; attempt < 10; attempt++) {
          reseed(3, id * 16 + attempt);
          const candidate = appointmentRow(1 + rng.int(counts.appointments!));
          if (candidate.status === 'completed') {
            of = candidate;
            break;
          }
        }
        reseed(4, id);
        const reported = Date.parse(of.scheduled_at) + rng.between(1, 48) * 3_600_000;
        return { ...labResult(rng, id, of.id, 99.9, at(Math.min(reported, DATA_END))) };
      };
    },
  },
});

// A fixed calendar, never the wall clock: the same seed gives the same bytes on any day.
const DATA_FROM = Date.UTC(2026, 0, 1);
const DATA_TO = Date.UTC(2026, 11, 31);
const DATA_END = Date.UTC(2026, 10, 1);
