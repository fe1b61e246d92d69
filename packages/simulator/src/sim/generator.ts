/**
 * The seeded event generator of any domain. Each call to `next` weighs the
 * domain's event types against the current state, draws one, lets its type
 * make the event, folds it in and returns it with the rows it writes and the
 * entity keys it touches (the dispatcher never runs two events that share a
 * key at the same time).
 *
 * Determinism: the events depend only on the loaded tables, the seed and the
 * `at` timestamps passed in; a domain's choices never depend on `at`
 * (timestamps only end up in rows), so regenerating with other timestamps
 * makes the same choices. Faker draws from the same seeded stream.
 */
import { createFakes } from '../fake/fakes.js';
import { createRandom } from '../fake/random.js';
import type { AnyDomain, DomainDefinition, DomainEventBase, Tables } from './domain.js';
import { SimError } from './errors.js';
import { evolve, keysOf, start, type Folded, type Write } from './fold.js';

export interface GeneratedEvent<Event extends DomainEventBase = DomainEventBase> {
  seq: number;
  at: string;
  event: Event;
  /** The rows it writes, in order: what PostgreSQL applies. */
  writes: Write[];
  /** Entities the event reads or changes: "<table>:<key>". */
  keys: string[];
}

export interface Generator<State = unknown, Event extends DomainEventBase = DomainEventBase> {
  readonly state: Folded<State>;
  /** Draws, folds in and returns event number state.seq + 1, stamped `at`. */
  next(at: string): GeneratedEvent<Event>;
}

export function createGenerator<State, Event extends DomainEventBase, Context>(options: {
  domain: DomainDefinition<State, Event, Context>;
  seed: number;
  tables: Tables;
}): Generator<State, Event> {
  const domain = options.domain as AnyDomain;
  const { tables } = options;
  const rng = createRandom(options.seed);
  const state = start(domain, tables);
  const fakes = createFakes(rng);
  const context: unknown = domain.context(tables, { rng, fakes });
  const types = Object.values(domain.events);
  const weights = new Array<number>(types.length);

  const draw = (at: string): DomainEventBase => {
    let total = 0;
    for (let i = 0; i < types.length; i++)
      total += weights[i] = Math.max(0, types[i]!.weight(state));
    if (!(total > 0))
      throw new SimError(
        'SIM_BAD_DOMAIN',
        `domain ${domain.name}: no event type has a weight above 0 in this state (event ${state.seq + 1})`,
      );
    let roll = rng.next() * total;
    let chosen = types.length - 1;
    while (weights[chosen] === 0) chosen--;
    for (let i = 0; i < types.length; i++) {
      if (roll < weights[i]!) {
        chosen = i;
        break;
      }
      roll -= weights[i]!;
    }
    return types[chosen]!.draw(state, { rng, fakes, context, at });
  };

  const next = (at: string) => {
    const event = draw(at);
    const keys = keysOf(domain, state, event);
    const seq = state.seq + 1;
    const writes = evolve(domain, state, { seq, at, event });
    return { seq, at, event, writes, keys };
  };
  return { state, next } as unknown as Generator<State, Event>;
}
